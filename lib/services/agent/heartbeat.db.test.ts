/**
 * A provider whose agent misses three heartbeats is marked offline through the provider status
 * path (its offers stop being matched: offers.provider_online follows), and comes back online
 * when heartbeats return; a provider its owner took offline stays offline.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DbHandle, queryRows } from "@/db/client";
import { createTestDb, testDriver } from "@/db/testing";
import { changeProviderStatus } from "../providers/providers";
import { handleHeartbeat } from "./handlers";
import { sweepAgents } from "./heartbeat";
import { silenceMs } from "./limits";
import { agentRequest, agentTestDeps, seedAgentProvider } from "./testing";

let handle: DbHandle;
const beat = {
  agentVersion: "0.1.0",
  hardware: {
    gpus: [],
    simulatedGpus: false,
    cpu: { model: "cpu", cores: 2 },
    memoryMb: 4096,
    os: "linux x64",
  },
  benchmark: null,
};

beforeAll(async () => {
  handle = await createTestDb();
});
afterAll(async () => {
  await handle?.close();
});

async function online(providerId: string) {
  const rows = await queryRows<{ status: string; offers_online: boolean }>(
    handle.db,
    sql`select p.status, bool_and(o.provider_online) as offers_online
        from providers p join offers o on o.provider_id = p.id where p.id = ${providerId} group by p.status`,
  );
  return rows[0];
}

describe(`agent heartbeats on ${testDriver()}`, () => {
  it("takes a silent agent's provider offline after three missed heartbeats and back when it returns", async () => {
    const p = await seedAgentProvider(handle.db, 81);
    const t0 = new Date();
    const at = (ms: number) => new Date(t0.getTime() + ms);
    const heartbeat = (now: Date) =>
      handleHeartbeat(
        agentRequest("/api/agent/heartbeat", p.key, { json: beat }),
        agentTestDeps(handle.db, { now: () => now }),
      );
    expect((await heartbeat(t0)).status).toBe(200);
    // Two missed heartbeats: still online.
    expect((await sweepAgents(handle.db, at(silenceMs() - 1000))).wentOffline).toEqual([]);
    expect(await online(p.provider.id)).toEqual({ status: "online", offers_online: true });
    // The third: offline, and its offers are no longer matched.
    expect((await sweepAgents(handle.db, at(silenceMs() + 1000))).wentOffline).toEqual([
      p.provider.id,
    ]);
    expect(await online(p.provider.id)).toEqual({ status: "offline", offers_online: false });
    // Heard again: online.
    const back = await heartbeat(at(silenceMs() + 5000));
    expect(await back.json()).toMatchObject({ status: "online" });
    expect(await online(p.provider.id)).toEqual({ status: "online", offers_online: true });
  });

  it("leaves offline a provider its owner took offline, whatever its agent says", async () => {
    const p = await seedAgentProvider(handle.db, 82);
    const now = new Date();
    await handleHeartbeat(
      agentRequest("/api/agent/heartbeat", p.key, { json: beat }),
      agentTestDeps(handle.db, { now: () => now }),
    );
    await changeProviderStatus(handle.db, p.address, "offline");
    await sweepAgents(handle.db, new Date(now.getTime() + silenceMs() + 1000));
    const again = await handleHeartbeat(
      agentRequest("/api/agent/heartbeat", p.key, { json: beat }),
      agentTestDeps(handle.db),
    );
    expect(await again.json()).toMatchObject({ status: "offline" });
    expect((await sweepAgents(handle.db)).cameBack).not.toContain(p.provider.id);
    expect((await online(p.provider.id))?.status).toBe("offline");
  });
});
