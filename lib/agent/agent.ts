import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { type Hex, keccak256, type PrivateKeyAccount } from "viem";
import { quoteTypes } from "@/lib/web3/eip712";
import { type AgentApi, ApiError, type HeartbeatAnswer, type WorkItem } from "./api-client";
import type { Benchmark } from "./benchmark";
import { MarketCalls } from "./chain";
import type { Hardware } from "./hardware";
import { LogStream } from "./log-stream";
import type { Runtime } from "./runtimes/types";
import { type JobState, StateFile } from "./state";

export const AGENT_VERSION = "0.1.0";

export type AgentOptions = {
  api: AgentApi;
  account: PrivateKeyAccount;
  hardware: Hardware;
  benchmark: Benchmark | null;
  runtime: Runtime;
  workDir: string;
  /** GPUs offered (default: all detected). */
  gpus?: number;
  rpcUrl?: string;
  /** Long-poll wait, seconds (tests shorten it). */
  waitSeconds?: number;
  /** Each job's output forwarded at most this far (the server keeps 2 MiB per job). */
  outputCapBytes?: number;
  say?: (line: string) => void;
};

const time = () => new Date().toISOString().slice(11, 19);

/**
 * The provider's node agent: heartbeats, takes the leases the engine gives it over a long-poll,
 * signs their quotes, and for each funded job acknowledges the start on chain, runs it, streams
 * its logs, uploads its result and calls submitResult, recording each step in its state file.
 */
export class Agent {
  private readonly state: StateFile;
  private readonly runners = new Map<string, Promise<void>>();
  private readonly jobAborts = new Map<string, AbortController>();
  /** The long-poll in flight, aborted by stop(); one per request (fetch keeps a listener each). */
  private poll = new AbortController();
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private chain: MarketCalls | undefined;
  private me: HeartbeatAnswer | undefined;
  private fingerprint: string | null = null;
  stopping = false;

  constructor(private readonly o: AgentOptions) {
    this.state = new StateFile(o.workDir);
  }

  say(line: string) {
    (this.o.say ?? console.log)(`${time()}  ${line}`);
  }

  get totalGpus(): number {
    return Math.min(this.o.gpus ?? this.o.hardware.gpus.length, this.o.hardware.gpus.length);
  }

  /** Heartbeat, then the chain the server names; says who this agent is and what it has. */
  async connect(): Promise<HeartbeatAnswer> {
    const me = await this.o.api.heartbeat(this.o.hardware, this.o.benchmark, AGENT_VERSION);
    this.me = me;
    const rpcUrl = this.o.rpcUrl ?? me.chain.rpcUrl;
    if (!me.chain.marketAddress || !rpcUrl) {
      throw new Error(`The server names no ComputeMarket or RPC for chain ${me.chain.chainId}.`);
    }
    this.chain = new MarketCalls(this.o.account, me.chain.marketAddress, me.chain.chainId, rpcUrl);
    this.say(
      `provider ${me.address} (${me.status}) on ${me.chain.name}, market ${me.chain.marketAddress}`,
    );
    if (me.signerAddress.toLowerCase() !== this.o.account.address.toLowerCase()) {
      this.say(
        `WARNING the provider's registered signer is ${me.signerAddress}, not this agent's ${this.o.account.address}: quotes will be refused until you register it (setSigner, and on the Provider page)`,
      );
    }
    const balance = await this.chain.balance().catch(() => "unknown");
    this.say(`signer ${this.o.account.address} holds ${balance} ETH for gas`);
    this.heartbeatTimer = setInterval(() => {
      this.o.api
        .heartbeat(this.o.hardware, this.o.benchmark, AGENT_VERSION)
        .then((answer) => {
          if (answer.status !== this.me?.status) this.say(`provider is now ${answer.status}`);
          this.me = answer;
        })
        .catch((error) => this.say(`heartbeat failed: ${(error as Error).message}`));
    }, me.heartbeatSeconds * 1000);
    this.heartbeatTimer.unref();
    return me;
  }

  /** The long-poll loop, until stop(). Then waits for the jobs it runs. */
  async run(): Promise<void> {
    const unfinished = this.state.jobs.filter((j) => j.phase !== "submitted");
    if (unfinished.length > 0) {
      this.say(
        `resuming ${unfinished.length} job(s) from ${this.state.file}: ${unfinished.map((j) => `${j.jobId} (${j.phase})`).join(", ")}`,
      );
    }
    let backoff = 1000;
    while (!this.stopping) {
      try {
        const work = await this.o.api.work(
          this.fingerprint,
          this.o.waitSeconds ?? 25,
          this.poll.signal,
        );
        backoff = 1000;
        this.fingerprint = work.fingerprint;
        await this.act(work.items);
      } catch (error) {
        if (this.stopping) break;
        this.say(
          `server unreachable or refused (${(error as Error).message}); retrying in ${backoff / 1000} s`,
        );
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, 30_000);
      }
    }
    await Promise.allSettled(this.runners.values());
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
  }

  /** Stops taking leases; running jobs finish and report (or, with `now`, are stopped). */
  stop(now = false) {
    this.stopping = true;
    this.poll.abort();
    if (now) for (const abort of this.jobAborts.values()) abort.abort();
  }

  get running(): number {
    return this.runners.size;
  }

  private usedGpus(items: WorkItem[]): number {
    let used = 0;
    for (const item of items) if (item.status !== "reserved") used += item.gpuCount;
    for (const job of this.state.jobs) {
      if (this.runners.has(job.jobId) && !items.some((i) => i.jobId === job.jobId))
        used += job.gpuCount;
    }
    return used;
  }

  private async act(items: WorkItem[]) {
    let used = this.usedGpus(items);
    for (const item of items) {
      if (item.status === "reserved" && !this.stopping) {
        if (used + item.gpuCount > this.totalGpus) {
          this.say(
            `lease ${item.leaseId}: ${item.gpuCount} GPU(s) asked, ${this.totalGpus - used} free here; not quoting`,
          );
          continue;
        }
        if (await this.quote(item)) used += item.gpuCount;
      } else if (
        (item.status === "funded" || item.status === "running") &&
        !this.runners.has(item.jobId)
      ) {
        if (item.reported.submitted) continue;
        this.startRunner(item);
      }
    }
  }

  private async quote(item: WorkItem): Promise<boolean> {
    const q = item.quote;
    if (!q || !this.me) return false;
    if (
      q.message.provider.toLowerCase() !== this.me.address.toLowerCase() ||
      q.message.jobId !== item.chainJobId
    ) {
      this.say(`lease ${item.leaseId}: the quote names another provider or job; not signing`);
      return false;
    }
    const started = performance.now();
    const signature = await this.o.account.signTypedData({
      domain: q.domain,
      types: quoteTypes,
      primaryType: "Quote",
      message: {
        ...q.message,
        ratePerSecond: BigInt(q.message.ratePerSecond),
        maxSeconds: BigInt(q.message.maxSeconds),
        expiresAt: BigInt(q.message.expiresAt),
      },
    });
    try {
      await this.o.api.quote(item.leaseId, signature);
      this.say(
        `quoted job ${item.jobId}: ${item.gpuCount} GPU(s), ${item.ratePerSecond} wei/s, up to ${item.maxSeconds} s (${(performance.now() - started).toFixed(0)} ms)`,
      );
      return true;
    } catch (error) {
      this.say(`quote for lease ${item.leaseId} refused: ${(error as Error).message}`);
      return false;
    }
  }

  private startRunner(item: WorkItem) {
    const existing = this.state.job(item.jobId);
    const job =
      existing ??
      this.state.put({
        jobId: item.jobId,
        leaseId: item.leaseId,
        chainJobId: item.chainJobId,
        gpuCount: item.gpuCount,
        maxSeconds: item.maxSeconds,
        phase: "starting",
      });
    const runner = this.advance(job, item)
      .catch((error) =>
        this.say(`job ${item.jobId}: ${(error as Error).message}; will retry on the next change`),
      )
      .finally(() => {
        this.runners.delete(item.jobId);
        this.jobAborts.delete(item.jobId);
        // Look again at once: a failed step is retried, a finished job frees its GPUs.
        this.fingerprint = null;
      });
    this.runners.set(item.jobId, runner);
  }

  /** Takes the job from its recorded phase to submitted, saving each step. */
  private async advance(start: JobState, item: WorkItem) {
    let job = start;
    const chain = this.chain;
    if (!chain) throw new Error("not connected");
    if (job.phase === "starting") {
      let txHash = job.startTxHash;
      if (!txHash && item.status === "funded") {
        this.say(`job ${job.jobId} funded; acknowledging the start on chain`);
        txHash = await chain.acknowledgeStart(job.chainJobId);
        job = this.state.update(job.jobId, { startTxHash: txHash });
      }
      if (txHash && !item.reported.started)
        await this.o.api.started(job.jobId, txHash).catch(ignoreConflict);
      job = this.state.update(job.jobId, {
        phase: "running",
        startedAt: job.startedAt ?? new Date().toISOString(),
      });
    }
    if (job.phase === "running") job = await this.execute(job, item);
    if (job.phase === "ran") {
      const bytes = readFileSync(this.resultPath(job.jobId));
      try {
        await this.o.api.result(job.jobId, bytes, job.usedSeconds ?? 0, job.exitCode ?? 0);
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 409 && item.reported.result))
          throw error;
      }
      job = this.state.update(job.jobId, { phase: "uploaded", resultHash: keccak256(bytes) });
      this.say(`job ${job.jobId}: result uploaded (${bytes.byteLength} bytes, ${job.resultHash})`);
    }
    if (job.phase === "uploaded") {
      let txHash = job.submitTxHash;
      if (!txHash) {
        txHash = await chain.submitResult(
          job.chainJobId,
          job.usedSeconds ?? 0,
          job.resultHash as Hex,
        );
        job = this.state.update(job.jobId, { submitTxHash: txHash });
      }
      await this.o.api.submitted(job.jobId, txHash).catch(ignoreConflict);
      job = this.state.update(job.jobId, { phase: "submitted" });
      this.say(`job ${job.jobId}: submitResult ${txHash} (${job.usedSeconds} s used)`);
    }
  }

  private resultPath(jobId: string) {
    return path.join(this.o.workDir, "jobs", jobId, "result.bin");
  }

  /** Runs the job (again, after a restart mid-run) and keeps its result and seconds used. */
  private async execute(job: JobState, item: WorkItem): Promise<JobState> {
    if (!item.job) throw new Error("the server sent no job spec for a funded job");
    const dir = path.join(this.o.workDir, "jobs", job.jobId);
    mkdirSync(dir, { recursive: true });
    if (job.pid) stopLeftover(job.pid);
    const runs = (job.runs ?? 0) + 1;
    this.state.update(job.jobId, { runs });
    const startedAt = Date.parse(job.startedAt ?? new Date().toISOString());
    const elapsed = Math.floor((Date.now() - startedAt) / 1000);
    const timeoutSeconds = Math.max(job.maxSeconds - elapsed - 5, 1);
    this.say(
      `job ${job.jobId}: running${runs > 1 ? ` again (run ${runs}, after a restart)` : ""} with ${this.o.runtime.name}: ${item.job.command || item.job.image}`,
    );
    const logs = new LogStream(
      (text) => this.o.api.logs(job.jobId, text),
      (error) => this.say(`job ${job.jobId}: logs no longer taken (${(error as Error).message})`),
    );
    if (runs > 1) logs.write(`[agent] restarted; running the job again (run ${runs})\n`);
    const abort = new AbortController();
    this.jobAborts.set(job.jobId, abort);
    const outcome = await this.o.runtime.run(
      {
        jobId: job.jobId,
        image: item.job.image,
        command: item.job.command,
        env: item.job.env,
        gpuIndices: this.o.hardware.gpus.slice(0, job.gpuCount).map((g) => g.index),
        dir,
        timeoutSeconds,
        outputCapBytes: this.o.outputCapBytes ?? 1_900_000,
      },
      (text) => logs.write(text),
      abort.signal,
      (pid) => this.state.update(job.jobId, { pid }),
    );
    if (abort.signal.aborted) {
      await logs.end();
      throw new Error("stopped by Ctrl-C; a restarted agent runs it again");
    }
    logs.write(`[agent] exit ${outcome.exitCode} after ${outcome.seconds.toFixed(1)} s\n`);
    await logs.end();
    const result = this.resultOf(dir, outcome.exitCode, outcome.seconds);
    writeFileSync(this.resultPath(job.jobId), result);
    const usedSeconds = Math.min(
      Math.max(Math.ceil((Date.now() - startedAt) / 1000), 1),
      job.maxSeconds,
    );
    this.say(
      `job ${job.jobId}: exit ${outcome.exitCode}${outcome.timedOut ? " (time limit)" : ""} in ${outcome.seconds.toFixed(1)} s`,
    );
    return this.state.update(job.jobId, { phase: "ran", exitCode: outcome.exitCode, usedSeconds });
  }

  /** out/result, result.json or result.txt when the job wrote one, else a JSON summary. */
  private resultOf(dir: string, exitCode: number, seconds: number): Uint8Array {
    for (const name of ["result", "result.json", "result.txt"]) {
      const file = path.join(dir, "out", name);
      if (existsSync(file)) return readFileSync(file);
    }
    return new TextEncoder().encode(
      JSON.stringify({ exitCode, seconds: Number(seconds.toFixed(3)) }),
    );
  }
}

/** Kills the process group a crashed agent left running (its job is run again). */
function stopLeftover(pgid: number) {
  try {
    process.kill(-pgid, "SIGKILL");
  } catch {
    // Gone already.
  }
}

function ignoreConflict(error: unknown) {
  if (error instanceof ApiError && error.status === 409) return;
  throw error;
}
