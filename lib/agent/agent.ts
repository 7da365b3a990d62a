import { readFileSync } from "node:fs";
import { type Hex, keccak256, type PrivateKeyAccount } from "viem";
import { quoteTypes } from "@/lib/web3/eip712";
import { type AgentApi, ApiError, type HeartbeatAnswer, type WorkItem } from "./api-client";
import type { Benchmark } from "./benchmark";
import { MarketCalls } from "./chain";
import type { Hardware } from "./hardware";
import { executeJob, resultPath } from "./job-run";
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
  /** The pause before a job's failed step is tried again, doubling, per job. */
  private readonly retries = new Map<string, number>();
  private readonly retryAt = new Map<string, number>();
  private kicked = false;
  /** The work stream in flight, aborted by stop() and kick(); one per request. */
  private poll = new AbortController();
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private chain: MarketCalls | undefined;
  private me: HeartbeatAnswer | undefined;
  private fingerprint: string | null = null;
  /**
   * Leases this agent quoted: an answer written before the quote was stored may still list one
   * as reserved; it is not quoted twice, and its GPUs count as taken.
   */
  private readonly quoted = new Set<string>();
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
    const unfinished = this.state.jobs.filter(
      (j) => j.phase !== "submitted" && j.phase !== "abandoned",
    );
    if (unfinished.length > 0) {
      this.say(
        `resuming ${unfinished.length} job(s) from ${this.state.file}: ${unfinished.map((j) => `${j.jobId} (${j.phase})`).join(", ")}`,
      );
    }
    let backoff = 1000;
    while (!this.stopping) {
      // A fresh controller per request: kick() and stop() abort the one in flight.
      this.poll = new AbortController();
      const opened = Date.now();
      let answers = 0;
      try {
        // One connection carries each change until the server ends it (every `waitSeconds`);
        // then the agent asks again from the last answer it saw.
        for await (const work of this.o.api.workStream(
          this.fingerprint,
          this.o.waitSeconds ?? 25,
          this.poll.signal,
        )) {
          answers += 1;
          backoff = 1000;
          this.kicked = false;
          this.fingerprint = work.fingerprint;
          await this.act(work.items);
          if (this.stopping) break;
        }
        // A stream the server closed at once, with nothing in it, is not asked again at once.
        if (answers === 0 && Date.now() - opened < 1000) {
          await new Promise((r) => setTimeout(r, 1000));
        }
      } catch (error) {
        if (this.stopping) break;
        // Only kick() and stop() abort this request's controller: ask again at once, quietly
        // (a line already read may have cleared `kicked` before the abort reached the read).
        if (this.kicked || this.poll.signal.aborted) {
          this.kicked = false;
          continue;
        }
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

  /** Ends the long-poll in flight and asks again at once (a job's retry is due). */
  private kick() {
    if (this.stopping) return;
    this.fingerprint = null;
    this.kicked = true;
    this.poll.abort();
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

  /**
   * A job this agent is starting or running whose lease left the list was cancelled or expired
   * (e.g. its deadline passed on chain): stop it, and do not retry it.
   */
  private dropVanished(items: WorkItem[]) {
    for (const job of this.state.jobs) {
      if (job.phase !== "starting" && job.phase !== "running") continue;
      if (!this.runners.has(job.jobId) || items.some((i) => i.jobId === job.jobId)) continue;
      this.say(`job ${job.jobId}: no longer assigned here (cancelled or expired); stopping it`);
      this.state.update(job.jobId, { phase: "abandoned" });
      this.jobAborts.get(job.jobId)?.abort();
    }
  }

  private async act(items: WorkItem[]) {
    this.dropVanished(items);
    for (const leaseId of this.quoted) {
      if (!items.some((i) => i.leaseId === leaseId && i.status === "reserved")) {
        this.quoted.delete(leaseId);
      }
    }
    let used = this.usedGpus(items);
    for (const item of items) {
      if (item.status === "reserved" && this.quoted.has(item.leaseId)) {
        used += item.gpuCount;
      } else if (item.status === "reserved" && !this.stopping) {
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
        if ((this.retryAt.get(item.jobId) ?? 0) > Date.now()) continue;
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
      this.quoted.add(item.leaseId);
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
      .then(
        () => {
          this.retries.delete(item.jobId);
          this.retryAt.delete(item.jobId);
          // Ask again at once: the next answer counts the GPUs this job held as free.
          this.kick();
        },
        (error) => {
          if (this.state.job(item.jobId)?.phase === "abandoned") return;
          if (this.stopping && this.jobAborts.get(item.jobId)?.signal.aborted) return;
          // A failed step (no gas, server down, chain busy) is retried after a doubling pause.
          const pause = Math.min((this.retries.get(item.jobId) ?? 1000) * 2, 60_000);
          this.retries.set(item.jobId, pause);
          this.retryAt.set(item.jobId, Date.now() + pause);
          this.say(`job ${item.jobId}: ${(error as Error).message}; retrying in ${pause / 1000} s`);
          setTimeout(() => this.kick(), pause).unref();
        },
      )
      .finally(() => {
        this.runners.delete(item.jobId);
        this.jobAborts.delete(item.jobId);
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
    return resultPath(this.o.workDir, jobId);
  }

  /** Runs the job (again, after a restart mid-run) and keeps its result and seconds used. */
  private execute(job: JobState, item: WorkItem): Promise<JobState> {
    const abort = new AbortController();
    this.jobAborts.set(job.jobId, abort);
    return executeJob(
      {
        ...this.o,
        state: this.state,
        say: (line) => this.say(line),
        stopping: () => this.stopping,
      },
      job,
      item,
      abort.signal,
    );
  }
}

function ignoreConflict(error: unknown) {
  if (error instanceof ApiError && error.status === 409) return;
  throw error;
}
