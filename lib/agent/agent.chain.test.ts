/**
 * The agent end to end: the real route handlers behind a real HTTP server, the devnet running the
 * contract WASM, the indexer, and the real CLI as a child process (process runtime, simulated
 * GPUs). A consumer's job is placed, quoted by the agent, funded on chain, started, run, its
 * logs streamed, its result uploaded and submitResult lands on chain; the consumer alone reads
 * logs and result. Then: the agent killed mid-job and restarted; the server restarted mid-job;
 * the agent stopped, and its provider marked offline.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { keccak256 } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { jobById } from "@/db/queries/jobs";
import { leaseById, transitionLease } from "@/db/queries/leases";
import { providerByAddress } from "@/db/queries/providers";
import { createTestDb } from "@/db/testing";
import { sweepAgents } from "@/lib/services/agent/heartbeat";
import { jobOutput } from "@/lib/services/agent/job-output";
import { silenceMs } from "@/lib/services/agent/limits";
import { submitJob } from "@/lib/services/submit/submit-job";
import { parseJob } from "@/lib/services/testing";
import { type AgentMarket, startAgentMarket } from "./market-fixture";
import { type AgentProcess, eventually } from "./testing";

let handle: DbHandle;
let m: AgentMarket;
const agents: AgentProcess[] = [];

function startAgent() {
  const agent = m.spawnAgent(["--simulate-gpus", "2", "--no-benchmark"]);
  agents.push(agent);
  return agent;
}

async function runningAgent() {
  const live = agents.filter((a) => a.child.exitCode === null && a.child.signalCode === null);
  const agent = live.at(-1) ?? startAgent();
  await agent.waitFor(/waiting for leases/);
  return agent;
}

beforeAll(async () => {
  handle = await createTestDb();
  m = await startAgentMarket(handle);
});

afterAll(async () => {
  for (const agent of agents) agent.child.kill("SIGKILL");
  await Promise.all(agents.map((a) => a.exited));
  await m?.stop();
  await handle?.close();
});

const consumerAddress = () => m.consumer.account.address.toLowerCase();

async function placed(command: string, env: { name: string; value: string }[] = []) {
  const { job, lease } = await submitJob(
    handle.db,
    consumerAddress(),
    parseJob({ gpuModels: ["h100-80gb"], gpuCount: 1, maxHours: 1, env, command }),
  );
  if (!lease) throw new Error("not placed");
  return { job, lease };
}

const logText = async (jobId: string) =>
  (await jobOutput(handle.db, consumerAddress(), jobId)).logs.map((l) => l.text).join("");

/** Processes running `sleep 600` (the first run of the restart test's job). */
function runningSleeps(): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      const state = readFileSync(`/proc/${entry}/stat`, "utf8").split(") ")[1]?.[0];
      if (cmd === "sleep\u0000600\u0000" && state !== "Z") found.push(Number(entry));
    } catch {
      // Exited while we looked.
    }
  }
  return found;
}

describe("the provider's agent", () => {
  it("quotes, starts, runs and submits a consumer's job on chain; its logs and result reach the consumer alone", async () => {
    const agent = await runningAgent();
    expect(agent.output()).toContain("SIMULATED GPUs");
    const { job, lease } = await placed(
      'for i in 1 2 3; do echo "step $i: $GREETING"; done; echo \'{"answer":42}\' > "$OUTPUT_DIR/result.json"',
      [{ name: "GREETING", value: "hello from the job" }],
    );
    const quote = await m.fundWhenQuoted(lease.id);
    const indexed = await eventually(
      () => m.chainJob(quote.message.jobId),
      (r) => r?.status === "submitted",
      90_000,
      "submitResult on chain",
    );
    const expected = new TextEncoder().encode('{"answer":42}\n');
    expect(indexed?.result_hash).toBe(keccak256(expected));
    await eventually(
      () => jobById(handle.db, job.id),
      (j) => j?.status === "submitted",
      30_000,
      "job submitted",
    );

    const output = await eventually(
      () => jobOutput(handle.db, consumerAddress(), job.id),
      (o) => o.result?.submitTxHash != null,
      30_000,
      "submit reported",
    );
    const text = output.logs.map((l) => l.text).join("");
    expect(text).toContain("step 1: hello from the job");
    expect(text).toContain("step 3: hello from the job");
    expect(output.result).toMatchObject({ hash: keccak256(expected), exitCode: 0 });
    expect(output.startTxHash).toMatch(/^0x[0-9a-f]{64}$/);
    await expect(
      jobOutput(handle.db, "0x000000000000000000000000000000000000dead", job.id),
    ).rejects.toThrow("No such job");
    expect(agent.output()).toMatch(/quoted job/);
    expect(agent.output()).toMatch(/submitResult 0x/);
  });

  it("a restarted agent finds the job it was running and finishes it", async () => {
    const agent = await runningAgent();
    const { job, lease } = await placed(
      'echo started; if [ -f "$HOME/first-run" ]; then echo second run; else touch "$HOME/first-run"; sleep 600; fi; echo done > "$OUTPUT_DIR/result"',
    );
    const quote = await m.fundWhenQuoted(lease.id);
    await agent.waitFor(new RegExp(`job ${job.id}: running`), 60_000);
    // Killed once the job is inside its first run's long sleep.
    await eventually(
      async () => existsSync(path.join(m.workDir, "jobs", job.id, "first-run")),
      Boolean,
      30_000,
      "first run under way",
    );
    agent.child.kill("SIGKILL");
    await agent.exited;
    const again = startAgent();
    await again.waitFor(/resuming 1 job/, 60_000);
    const indexed = await eventually(
      () => m.chainJob(quote.message.jobId),
      (r) => r?.status === "submitted",
      90_000,
      "submitResult after the restart",
    );
    expect(indexed?.result_hash).toBe(keccak256(new TextEncoder().encode("done\n")));
    const text = await logText(job.id);
    expect(text).toContain("restarted; running the job again (run 2) from the start");
    expect(text).toContain("that time counts toward the seconds used");
    expect(text).toContain("second run");
    // The first run's process, orphaned by the kill, was stopped by the restarted agent.
    expect(runningSleeps()).toEqual([]);
  });

  it("stops a running job whose lease expired under it, and does not retry it", async () => {
    const agent = await runningAgent();
    const { job, lease } = await placed('touch "$HOME/begun"; sleep 600');
    await m.fundWhenQuoted(lease.id);
    await eventually(
      async () => existsSync(path.join(m.workDir, "jobs", job.id, "begun")),
      Boolean,
      60_000,
      "job under way",
    );
    // As the indexer does on JobExpired (the deadline passed on chain).
    const current = await leaseById(handle.db, lease.id);
    if (!current) throw new Error("no lease");
    await transitionLease(handle.db, current, ["funded", "running"], "expired");
    await agent.waitFor(new RegExp(`job ${job.id}: no longer assigned here`), 30_000);
    await eventually(
      async () => runningSleeps(),
      (pids) => pids.length === 0,
      30_000,
      "the job's process stopped",
    );
    const state = JSON.parse(readFileSync(path.join(m.workDir, "state.json"), "utf8"));
    expect(state.jobs[job.id].phase).toBe("abandoned");
    expect(agent.output()).not.toMatch(new RegExp(`job ${job.id}: .*retrying`));
  });

  it("loses nothing when the server restarts while a job runs", async () => {
    const agent = await runningAgent();
    const { job, lease } = await placed(
      'echo before; sleep 3; echo after; echo kept > "$OUTPUT_DIR/result"',
    );
    const quote = await m.fundWhenQuoted(lease.id);
    await agent.waitFor(new RegExp(`job ${job.id}: running`), 60_000);
    // Down for the rest of the job: its last output and its result meet a closed port.
    await m.restartServer(5_000);
    const indexed = await eventually(
      () => m.chainJob(quote.message.jobId),
      (r) => r?.status === "submitted",
      90_000,
      "submitResult after the server restart",
    );
    expect(indexed?.result_hash).toBe(keccak256(new TextEncoder().encode("kept\n")));
    const output = await eventually(
      () => jobOutput(handle.db, consumerAddress(), job.id),
      (o) => o.result?.submitTxHash != null,
      60_000,
      "submit reported",
    );
    const text = output.logs.map((l) => l.text).join("");
    expect(text).toContain("before");
    expect(text).toContain("after");
  });

  it("Ctrl-C finishes and submits the running job, then stops; the silent agent's provider goes offline, and online when it returns", async () => {
    const agent = await runningAgent();
    const { job, lease } = await placed('sleep 2; echo finished > "$OUTPUT_DIR/result"');
    const quote = await m.fundWhenQuoted(lease.id);
    await agent.waitFor(new RegExp(`job ${job.id}: running`), 60_000);
    agent.child.kill("SIGINT");
    expect(await agent.exited).toBe(0);
    expect(agent.output()).toContain("stopping: no new leases; finishing 1 running job(s)");
    const indexed = await eventually(
      () => m.chainJob(quote.message.jobId),
      (r) => r?.status === "submitted",
      60_000,
      "submitResult before stopping",
    );
    expect(indexed?.result_hash).toBe(keccak256(new TextEncoder().encode("finished\n")));

    const address = m.provider.account.address.toLowerCase();
    await sweepAgents(handle.db, new Date(Date.now() + silenceMs() + 1_000));
    expect((await providerByAddress(handle.db, address))?.status).toBe("offline");
    const back = startAgent();
    await back.waitFor(/waiting for leases/);
    expect((await providerByAddress(handle.db, address))?.status).toBe("online");
  });
});
