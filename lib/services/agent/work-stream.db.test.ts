/**
 * The agent's work stream (GET /api/agent/work?stream=1): over one open, authenticated
 * connection, a line each time the provider's leases change, and nothing in between.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { createTestDb, testDriver } from "@/db/testing";
import { cancelJob } from "../lifecycle/cancel";
import { submitJob } from "../submit/submit-job";
import { parseJob, wallet } from "../testing";
import { handleWork } from "./handlers";
import { agentTestDeps, seedAgentProvider } from "./testing";
import type { AgentWork } from "./work";

let handle: DbHandle;
const consumer = wallet(0xc0ffe1).toLowerCase();

beforeAll(async () => {
  handle = await createTestDb();
});
afterAll(async () => {
  await handle?.close();
});

/** Reads NDJSON lines from a streamed answer, one at a time. */
function lineReader(response: Response) {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  return async (): Promise<AgentWork | "end"> => {
    for (;;) {
      const end = buffered.indexOf("\n");
      if (end >= 0) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 1);
        return JSON.parse(line) as AgentWork;
      }
      const { done, value } = await reader.read();
      if (done) return "end";
      buffered += decoder.decode(value, { stream: true });
    }
  };
}

describe(`agent work stream on ${testDriver()}`, () => {
  it("sends the placement, then the cancellation, on one connection, and ends when the agent hangs up", async () => {
    const a = await seedAgentProvider(handle.db, 81);
    const deps = agentTestDeps(handle.db);
    const request = (query: string, signal?: AbortSignal) =>
      new Request(`http://market.test/api/agent/work${query}`, {
        headers: { authorization: `Bearer ${a.key}` },
        signal,
      });
    const first = (await (await handleWork(request(""), deps)).json()) as AgentWork;
    expect(first.items).toEqual([]);

    const hangUp = new AbortController();
    const response = await handleWork(
      request(`?since=${first.fingerprint}&wait=20&stream=1`, hangUp.signal),
      deps,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/x-ndjson");
    const next = lineReader(response);
    // Nothing is sent while nothing changes: the first line is the placement.
    const pending = next();
    await new Promise((r) => setTimeout(r, 300));
    const { job, lease } = await submitJob(
      handle.db,
      consumer,
      parseJob({ gpuModels: ["h100-80gb"], gpuCount: 1, maxHours: 1, command: "true" }),
    );
    if (!lease) throw new Error("not placed");
    const placed = await pending;
    if (placed === "end") throw new Error("the stream ended");
    expect(placed.items.map((i) => [i.leaseId, i.status])).toEqual([[lease.id, "reserved"]]);
    expect(placed.fingerprint).not.toBe(first.fingerprint);

    await cancelJob(handle.db, consumer, job.id);
    const cancelled = await next();
    if (cancelled === "end") throw new Error("the stream ended");
    expect(cancelled.items).toEqual([]);

    hangUp.abort();
    expect(await next()).toBe("end");
  });

  it("refuses a stream without a valid key before opening it", async () => {
    const response = await handleWork(
      new Request("http://market.test/api/agent/work?stream=1&wait=20", {
        headers: { authorization: "Bearer gmk_not-a-key" },
      }),
      agentTestDeps(handle.db),
    );
    expect(response.status).toBe(401);
  });
});
