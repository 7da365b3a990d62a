/**
 * The agent API as a provider's agent meets it: each route handler called with a real Request,
 * authenticated by a real API key, on PGlite or Postgres. Each refusal is a clear 4xx that
 * writes nothing; the consumer alone reads the logs and the result.
 */
import { sql } from "drizzle-orm";
import { type Hex, keccak256 } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DbHandle, queryRows } from "@/db/client";
import { jobById, transitionJob } from "@/db/queries/jobs";
import { type LeaseRow, leaseById, transitionLease } from "@/db/queries/leases";
import { createTestDb, testDriver } from "@/db/testing";
import { quoteTypes } from "@/lib/web3/eip712";
import { revokeApiKey } from "../providers/providers";
import { submitJob } from "../submit/submit-job";
import { parseJob, testKey, wallet } from "../testing";
import {
  handleHeartbeat,
  handleLogs,
  handleOutput,
  handleQuote,
  handleResult,
  handleResultDownload,
  handleStart,
  handleSubmitted,
  handleWork,
} from "./handlers";
import { agentLimits } from "./limits";
import { agentRequest, agentTestDeps, consumerCookie, seedAgentProvider } from "./testing";
import type { AgentWork } from "./work";

let handle: DbHandle;
let a: Awaited<ReturnType<typeof seedAgentProvider>>;
let b: Awaited<ReturnType<typeof seedAgentProvider>>;
const consumer = wallet(0xc0ffee);
const stranger = wallet(0x5e1f);

const deps = () => agentTestDeps(handle.db);
const count = async (table: string) =>
  Number(
    (
      await queryRows<{ n: number }>(handle.db, sql.raw(`select count(*)::int as n from ${table}`))
    )[0]?.n,
  );
const body = async (response: Response) => (await response.json()) as Record<string, unknown>;

const hardware = {
  gpus: [{ index: 0, model: "NVIDIA H100 80GB HBM3", vramMb: 81559, driver: "550.54.15" }],
  simulatedGpus: true,
  cpu: { model: "AMD EPYC", cores: 32 },
  memoryMb: 257_000,
  os: "linux x64",
};
const beat = { agentVersion: "0.1.0", hardware, benchmark: { tflops: 0.42, device: "cpu" } };

async function placedJob(gpuModel = "h100-80gb") {
  const { job, lease } = await submitJob(
    handle.db,
    consumer.toLowerCase(),
    parseJob({ gpuModels: [gpuModel], gpuCount: 1, maxHours: 1, command: "echo hi" }),
  );
  if (!lease) throw new Error("the job was not placed");
  return { job, lease };
}

/** The signature the agent makes from what GET /work gave it. */
async function signFromWork(key: Hex, item: AgentWork["items"][number]): Promise<Hex> {
  if (!item.quote) throw new Error("nothing to sign");
  const m = item.quote.message;
  return privateKeyToAccount(key).signTypedData({
    domain: item.quote.domain,
    types: quoteTypes,
    primaryType: "Quote",
    message: {
      ...m,
      ratePerSecond: BigInt(m.ratePerSecond),
      maxSeconds: BigInt(m.maxSeconds),
      expiresAt: BigInt(m.expiresAt),
    },
  });
}

/** What the indexer does when it sees JobFunded: lease and job funded. */
async function funded(lease: LeaseRow) {
  await transitionJob(handle.db, lease.jobId, ["quoted"], "funded");
  await transitionLease(handle.db, lease, ["quoted"], "funded");
}

async function work(key: string, query = "") {
  const response = await handleWork(agentRequest(`/api/agent/work${query}`, key), deps());
  expect(response.status).toBe(200);
  return (await response.json()) as AgentWork;
}

beforeAll(async () => {
  handle = await createTestDb();
  a = await seedAgentProvider(handle.db, 71);
  b = await seedAgentProvider(handle.db, 72, "a100-80gb");
});
afterAll(async () => {
  await handle?.close();
});

describe(`agent API on ${testDriver()}`, () => {
  it("records a heartbeat with hardware and measured TFLOPS, and refuses bad keys and bodies", async () => {
    const ok = await handleHeartbeat(
      agentRequest("/api/agent/heartbeat", a.key, { json: beat }),
      deps(),
    );
    expect(ok.status).toBe(200);
    expect(await body(ok)).toMatchObject({ status: "online", providerId: a.provider.id });
    const [row] = await queryRows<{ tflops: number; hardware: typeof hardware }>(
      handle.db,
      sql`select tflops, hardware from provider_agents where provider_id = ${a.provider.id}`,
    );
    expect(row?.tflops).toBe(0.42);
    expect(row?.hardware.gpus[0]?.model).toBe("NVIDIA H100 80GB HBM3");

    const before = await count("provider_agents");
    const wrong = `gmk_${"A".repeat(43)}`;
    const refusals: [Request, number, string][] = [
      [agentRequest("/api/agent/heartbeat", wrong, { json: beat }), 401, "not valid"],
      [agentRequest("/api/agent/heartbeat", "", { json: beat }), 401, "Bearer"],
      [
        agentRequest("/api/agent/heartbeat", b.key, { json: { ...beat, agentVersion: "" } }),
        400,
        "agentVersion",
      ],
      [
        agentRequest("/api/agent/heartbeat", b.key, {
          body: "{not json",
          headers: { "content-type": "application/json" },
        }),
        400,
        "heartbeat",
      ],
      [
        agentRequest("/api/agent/heartbeat", b.key, {
          body: "x",
          headers: { "content-type": "text/plain" },
        }),
        415,
        "JSON",
      ],
      [
        agentRequest("/api/agent/heartbeat", b.key, {
          json: { ...beat, pad: "x".repeat(agentLimits.jsonBodyBytes) },
        }),
        413,
        "larger",
      ],
    ];
    for (const [request, status, words] of refusals) {
      const response = await handleHeartbeat(request, deps());
      expect(response.status).toBe(status);
      expect(String((await body(response)).message)).toContain(words);
    }
    expect(await count("provider_agents")).toBe(before);
  });

  it("refuses a revoked key", async () => {
    const { createApiKey } = await import("../providers/providers");
    const extra = await createApiKey(handle.db, a.address, "old box");
    await revokeApiKey(handle.db, a.address, extra.id as string);
    const response = await handleWork(agentRequest("/api/agent/work", extra.key), deps());
    expect(response.status).toBe(401);
    expect(String((await body(response)).message)).toContain("revoked");
  });

  it("answers a waiting agent as soon as the engine places a job with its provider", async () => {
    const first = await work(a.key);
    const started = Date.now();
    const waiting = work(a.key, `?since=${first.fingerprint}&wait=20`);
    await new Promise((r) => setTimeout(r, 300));
    const { lease } = await placedJob();
    const woke = await waiting;
    // Woken by the placement, not by the 20 s timeout.
    expect(Date.now() - started).toBeLessThan(15_000);
    const item = woke.items.find((i) => i.leaseId === lease.id);
    expect(item).toMatchObject({ status: "reserved", jobId: lease.jobId, job: null });
    expect(item?.quote?.message.jobId).toBe(lease.chainJobId);
    // B's agent sees none of A's leases.
    expect((await work(b.key)).items.map((i) => i.leaseId)).not.toContain(lease.id);
  });

  it("stores the agent's quote only when it recovers to the provider's signer and the lease is its own", async () => {
    const { job, lease } = await placedJob();
    const item = (await work(a.key)).items.find((i) => i.leaseId === lease.id);
    if (!item) throw new Error("lease not offered");
    const good = await signFromWork(testKey(71), item);
    const wrongSigner = await signFromWork(testKey(99), item);
    const quote = (key: string, signature: unknown) =>
      handleQuote(
        agentRequest(`/api/agent/leases/${lease.id}/quote`, key, { json: { signature } }),
        deps(),
        lease.id,
      );

    const refusals: [Promise<Response>, number, string][] = [
      [quote(b.key, good), 404, "No lease of yours"],
      [quote(a.key, wrongSigner), 403, "registered signer"],
      [quote(a.key, "0x1234"), 400, "65-byte"],
      [
        handleQuote(
          agentRequest("/api/agent/leases/x/quote", a.key, { json: { signature: good } }),
          deps(),
          "x",
        ),
        400,
        "UUID",
      ],
    ];
    for (const [pending, status, words] of refusals) {
      const response = await pending;
      expect(response.status).toBe(status);
      expect(String((await body(response)).message)).toContain(words);
      expect((await leaseById(handle.db, lease.id))?.status).toBe("reserved");
    }
    const ok = await quote(a.key, good);
    expect(ok.status).toBe(200);
    const stored = await leaseById(handle.db, lease.id);
    expect(stored).toMatchObject({ status: "quoted", quoteSignature: good });
    expect((await jobById(handle.db, job.id))?.status).toBe("quoted");
    const again = await quote(a.key, good);
    expect(again.status).toBe(409);
  });

  it("takes start, logs, the result once and submitResult for a funded job; the consumer alone reads them", async () => {
    const { job, lease } = await placedJob();
    const item = (await work(a.key)).items.find((i) => i.leaseId === lease.id);
    if (!item) throw new Error("lease not offered");
    await handleQuote(
      agentRequest(`/api/agent/leases/${lease.id}/quote`, a.key, {
        json: { signature: await signFromWork(testKey(71), item) },
      }),
      deps(),
      lease.id,
    );
    const path = (what: string) => `/api/agent/jobs/${job.id}/${what}`;
    const log = (key: string, text: string) =>
      handleLogs(
        agentRequest(path("logs"), key, { body: text, headers: { "content-type": "text/plain" } }),
        deps(),
        job.id,
      );
    // Not funded yet: nothing to start or log.
    expect((await log(a.key, "early")).status).toBe(409);
    await funded((await leaseById(handle.db, lease.id)) as LeaseRow);
    const fundedItem = (await work(a.key)).items.find((i) => i.leaseId === lease.id);
    expect(fundedItem?.job).toMatchObject({
      command: "echo hi",
      env: { EPOCHS: "3", HF_TOKEN: "hf_secret_value" },
    });

    const tx = `0x${"ab".repeat(32)}`;
    const start = (key: string, txHash: unknown) =>
      handleStart(agentRequest(path("start"), key, { json: { txHash } }), deps(), job.id);
    expect((await start(b.key, tx)).status).toBe(404);
    expect((await start(a.key, "0x12")).status).toBe(400);
    expect(await count("agent_job_runs")).toBe(0);
    expect((await start(a.key, tx)).status).toBe(200);
    expect((await start(a.key, `0x${"cd".repeat(32)}`)).status).toBe(409);

    expect((await log(a.key, "epoch 1 loss 0.69\n")).status).toBe(200);
    expect((await log(a.key, "epoch 2 loss 0.41\n")).status).toBe(200);
    expect((await log(b.key, "not mine\n")).status).toBe(404);
    expect((await log(a.key, "x".repeat(agentLimits.logChunkBytes + 1))).status).toBe(413);

    const result = new TextEncoder().encode('{"accuracy":0.97}');
    const put = (key: string, bytes: Uint8Array, used = "42") =>
      handleResult(
        agentRequest(path("result"), key, {
          method: "PUT",
          body: bytes as BodyInit,
          headers: {
            "content-type": "application/octet-stream",
            "x-used-seconds": used,
            "x-exit-code": "0",
          },
        }),
        deps(),
        job.id,
      );
    expect((await put(b.key, result)).status).toBe(404);
    expect((await put(a.key, result, "999999")).status).toBe(400);
    expect((await put(a.key, new Uint8Array(agentLimits.resultBytes + 1))).status).toBe(413);
    const stored = await put(a.key, result);
    expect(stored.status).toBe(200);
    expect(await body(stored)).toMatchObject({
      resultHash: keccak256(result),
      size: result.byteLength,
    });
    const replay = await put(a.key, new TextEncoder().encode("other"));
    expect(replay.status).toBe(409);
    expect(String((await body(replay)).message)).toContain("already uploaded");
    expect((await log(a.key, "after the result\n")).status).toBe(409);

    const submitted = await handleSubmitted(
      agentRequest(path("submitted"), a.key, { json: { txHash: tx } }),
      deps(),
      job.id,
    );
    expect(submitted.status).toBe(200);

    const read = (cookie: string | null, suffix = "") =>
      (suffix ? handleResultDownload : handleOutput)(
        new Request(`http://market.test/api/agent/output/${job.id}${suffix}`, {
          headers: cookie ? { cookie } : {},
        }),
        deps(),
        job.id,
      );
    const mine = await consumerCookie(handle.db, consumer);
    const output = await body(await read(mine));
    expect((output.logs as { text: string }[]).map((l) => l.text)).toEqual([
      "epoch 1 loss 0.69\n",
      "epoch 2 loss 0.41\n",
    ]);
    expect(output.result).toMatchObject({
      hash: keccak256(result),
      exitCode: 0,
      usedSeconds: 42,
      submitTxHash: tx,
    });
    const download = await read(mine, "/result");
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(result);
    expect(download.headers.get("x-result-hash")).toBe(keccak256(result));
    expect((await read(await consumerCookie(handle.db, stranger))).status).toBe(404);
    expect((await read(await consumerCookie(handle.db, stranger), "/result")).status).toBe(404);
    expect((await read(null)).status).toBe(401);
  });

  it("refuses a log chunk that would pass the job's cap and stores nothing of it", async () => {
    const { job, lease } = await placedJob();
    const item = (await work(a.key)).items.find((i) => i.leaseId === lease.id);
    if (!item) throw new Error("lease not offered");
    await handleQuote(
      agentRequest(`/api/agent/leases/${lease.id}/quote`, a.key, {
        json: { signature: await signFromWork(testKey(71), item) },
      }),
      deps(),
      lease.id,
    );
    await funded((await leaseById(handle.db, lease.id)) as LeaseRow);
    const chunk = "y".repeat(agentLimits.logChunkBytes);
    const log = () =>
      handleLogs(
        agentRequest(`/api/agent/jobs/${job.id}/logs`, a.key, {
          body: chunk,
          headers: { "content-type": "text/plain" },
        }),
        deps(),
        job.id,
      );
    const fits = agentLimits.logBytesPerJob / agentLimits.logChunkBytes;
    for (let i = 0; i < fits; i++) expect((await log()).status).toBe(200);
    const over = await log();
    expect(over.status).toBe(422);
    expect(String((await body(over)).message)).toContain("cap");
    const [row] = await queryRows<{ bytes: number; chunks: number }>(
      handle.db,
      sql`select log_bytes::int as bytes, (select count(*)::int from agent_job_logs where job_id = ${job.id}) as chunks
          from agent_job_runs where job_id = ${job.id}`,
    );
    expect(row).toEqual({ bytes: agentLimits.logBytesPerJob, chunks: fits });
  });

  it("stores one of eight concurrent result uploads and eight concurrent log chunks in order", async () => {
    const { job, lease } = await placedJob();
    const item = (await work(a.key)).items.find((i) => i.leaseId === lease.id);
    if (!item) throw new Error("lease not offered");
    await handleQuote(
      agentRequest(`/api/agent/leases/${lease.id}/quote`, a.key, {
        json: { signature: await signFromWork(testKey(71), item) },
      }),
      deps(),
      lease.id,
    );
    await funded((await leaseById(handle.db, lease.id)) as LeaseRow);
    const logs = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        handleLogs(
          agentRequest(`/api/agent/jobs/${job.id}/logs`, a.key, {
            body: `line ${i}\n`,
            headers: { "content-type": "text/plain" },
          }),
          deps(),
          job.id,
        ),
      ),
    );
    expect(logs.map((r) => r.status)).toEqual(Array(8).fill(200));
    const seqs = await queryRows<{ seq: number }>(
      handle.db,
      sql`select seq from agent_job_logs where job_id = ${job.id} order by seq`,
    );
    expect(seqs.map((r) => r.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const puts = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        handleResult(
          agentRequest(`/api/agent/jobs/${job.id}/result`, a.key, {
            method: "PUT",
            body: new TextEncoder().encode(`result ${i}`) as BodyInit,
            headers: {
              "content-type": "application/octet-stream",
              "x-used-seconds": "5",
              "x-exit-code": "0",
            },
          }),
          deps(),
          job.id,
        ),
      ),
    );
    const statuses = puts.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409, 409, 409, 409, 409, 409, 409]);
  });
});
