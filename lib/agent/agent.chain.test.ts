/**
 * The agent end to end: the real route handlers behind a real HTTP server, the devnet running the
 * contract WASM, the indexer, and the real CLI as a child process (process runtime, simulated
 * GPUs). A consumer's job is placed, quoted by the agent, funded on chain, started, run, its
 * logs streamed, its result uploaded and submitResult lands on chain; the consumer alone reads
 * logs and result. Then the agent is killed mid-job and restarted, and finishes the job.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { type Hex, keccak256, parseEther } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DbHandle, queryRows } from "@/db/client";
import { jobById } from "@/db/queries/jobs";
import { leaseById } from "@/db/queries/leases";
import { createTestDb } from "@/db/testing";
import { type Devnet, startDevnet } from "@/lib/devnet";
import { type Clients, clientsFor, marketOn } from "@/lib/devnet/test-helpers";
import { Indexer } from "@/lib/indexer/indexer";
import { rpcClient } from "@/lib/indexer/run";
import { registerProviderInput } from "@/lib/market/schemas";
import { type AgentHttpServer, serveAgentApi } from "@/lib/services/agent/http-server";
import { jobOutput } from "@/lib/services/agent/job-output";
import { agentTestDeps } from "@/lib/services/agent/testing";
import { createApiKey, registerProvider } from "@/lib/services/providers/providers";
import { quoteOfLease } from "@/lib/services/quotes/sign-lease";
import { submitJob } from "@/lib/services/submit/submit-job";
import { parseJob, seedOffer } from "@/lib/services/testing";
import { fundJobArgs, fundJobValue } from "@/lib/web3/fund-job";
import { loadOrCreateSignerKey } from "./signer-key";
import { type AgentProcess, eventually, spawnAgent } from "./testing";

let devnet: Devnet;
let handle: DbHandle;
let server: AgentHttpServer;
let market: ReturnType<typeof marketOn>;
let provider: Clients;
let consumer: Clients;
let indexTimer: NodeJS.Timeout;
let apiKey: string;
let workDir: string;
const agents: AgentProcess[] = [];

function startAgent() {
  const agent = spawnAgent([
    "--server",
    server.url,
    "--api-key",
    apiKey,
    "--work-dir",
    workDir,
    "--simulate-gpus",
    "2",
    "--rpc-url",
    devnet.url,
    "--no-benchmark",
  ]);
  agents.push(agent);
  return agent;
}

beforeAll(async () => {
  devnet = await startDevnet({ port: 0 });
  handle = await createTestDb();
  market = marketOn(devnet);
  provider = clientsFor(devnet, 5);
  consumer = clientsFor(devnet, 6);
  workDir = mkdtempSync(path.join(os.tmpdir(), "agent-e2e-"));
  // The signer key the agent will find (created as on its first run), registered on chain and here.
  const { account: signer } = loadOrCreateSignerKey(path.join(workDir, "signer.key"));
  await market.send(provider, "stake", [], parseEther("5"));
  await market.send(provider, "setSigner", [signer.address]);
  // Gas for acknowledgeStart and submitResult.
  await provider.walletClient.sendTransaction({ to: signer.address, value: parseEther("1") });
  const ix = new Indexer(handle.db, rpcClient(devnet.url), {
    chainId: devnet.chainId,
    contract: devnet.contractAddress,
    startBlock: 0n,
    confirmations: 0,
    chunkBlocks: 1000,
    mayReset: true,
  });
  let ticking = false;
  indexTimer = setInterval(async () => {
    if (ticking) return;
    ticking = true;
    await ix.tick().catch(() => undefined);
    ticking = false;
  }, 200);
  const address = provider.account.address.toLowerCase();
  await registerProvider(
    handle.db,
    address,
    registerProviderInput.parse({
      name: "agent box",
      region: "us-east",
      signerAddress: signer.address,
    }),
  );
  await seedOffer(handle.db, address, { gpuModel: "h100-80gb", gpusTotal: 2 });
  apiKey = (await createApiKey(handle.db, address, "e2e")).key;
  server = await serveAgentApi(agentTestDeps(handle.db));
  // The engine matches only providers whose stake the index shows.
  await eventually(
    () => queryRows<{ n: number }>(handle.db, sql`select count(*)::int as n from chain_providers`),
    (rows) => (rows[0]?.n ?? 0) > 0,
    30_000,
    "the provider's stake indexed",
  );
});

afterAll(async () => {
  for (const agent of agents) agent.child.kill("SIGKILL");
  await Promise.all(agents.map((a) => a.exited));
  clearInterval(indexTimer);
  await server?.close();
  await handle?.close();
  await devnet?.stop();
});

async function fundWhenQuoted(leaseId: string) {
  const lease = await eventually(
    () => leaseById(handle.db, leaseId),
    (l) => l?.status === "quoted",
    60_000,
    "quoted by the agent",
  );
  const quote = await quoteOfLease(handle.db, lease as NonNullable<typeof lease>);
  if (!quote) throw new Error("no quote");
  await market.send(consumer, "fundJob", fundJobArgs(quote), fundJobValue(quote.message));
  return quote;
}

async function chainJob(chainJobId: Hex) {
  const [row] = await queryRows<{ status: string; result_hash: string | null }>(
    handle.db,
    sql`select status, result_hash from chain_jobs where job_id = ${chainJobId.toLowerCase()}`,
  );
  return row;
}

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
    const agent = startAgent();
    await agent.waitFor(/waiting for leases/);
    expect(agent.output()).toContain("SIMULATED GPUs");
    const consumerAddress = consumer.account.address.toLowerCase();
    const { job, lease } = await submitJob(
      handle.db,
      consumerAddress,
      parseJob({
        gpuModels: ["h100-80gb"],
        gpuCount: 1,
        maxHours: 1,
        env: [{ name: "GREETING", value: "hello from the job" }],
        command:
          'for i in 1 2 3; do echo "step $i: $GREETING"; done; echo \'{"answer":42}\' > "$OUTPUT_DIR/result.json"',
      }),
    );
    if (!lease) throw new Error("not placed");
    const quote = await fundWhenQuoted(lease.id);
    const indexed = await eventually(
      () => chainJob(quote.message.jobId),
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
      () => jobOutput(handle.db, consumerAddress, job.id),
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
    const agent = agents.at(-1) ?? startAgent();
    await agent.waitFor(/waiting for leases/);
    const consumerAddress = consumer.account.address.toLowerCase();
    const { job, lease } = await submitJob(
      handle.db,
      consumerAddress,
      parseJob({
        gpuModels: ["h100-80gb"],
        gpuCount: 1,
        maxHours: 1,
        env: [],
        command:
          'echo started; if [ -f "$HOME/first-run" ]; then echo second run; else touch "$HOME/first-run"; sleep 600; fi; echo done > "$OUTPUT_DIR/result"',
      }),
    );
    if (!lease) throw new Error("not placed");
    const quote = await fundWhenQuoted(lease.id);
    await agent.waitFor(new RegExp(`job ${job.id}: running`), 60_000);
    // Killed once the job is inside its first run's long sleep.
    await eventually(
      async () => existsSync(path.join(workDir, "jobs", job.id, "first-run")),
      Boolean,
      30_000,
      "first run under way",
    );
    agent.child.kill("SIGKILL");
    await agent.exited;
    const again = startAgent();
    await again.waitFor(/resuming 1 job/, 60_000);
    const indexed = await eventually(
      () => chainJob(quote.message.jobId),
      (r) => r?.status === "submitted",
      90_000,
      "submitResult after the restart",
    );
    expect(indexed?.result_hash).toBe(keccak256(new TextEncoder().encode("done\n")));
    const output = await jobOutput(handle.db, consumerAddress, job.id);
    const text = output.logs.map((l) => l.text).join("");
    expect(text).toContain("restarted; running the job again (run 2)");
    expect(text).toContain("second run");
    // The first run's process, orphaned by the kill, was stopped by the restarted agent.
    expect(runningSleeps()).toEqual([]);
  });
});
