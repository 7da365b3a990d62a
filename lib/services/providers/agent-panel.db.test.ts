/**
 * The agent panel's "online since": the agent's first heartbeat, then the moment its provider
 * came back online after the heartbeat sweep took it offline for silence; none while offline.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { eventsOf } from "@/db/queries/events";
import { providerById } from "@/db/queries/providers";
import { createTestDb, testDriver } from "@/db/testing";
import { heartbeat, heartbeatInput, sweepAgents } from "../agent/heartbeat";
import { silenceMs } from "../agent/limits";
import { seedAgentProvider } from "../agent/testing";
import { agentPanel } from "./agent-panel";

let handle: DbHandle;
const beat = heartbeatInput.parse({
  agentVersion: "0.1.0",
  hardware: {
    gpus: [],
    simulatedGpus: false,
    cpu: { model: "cpu", cores: 2 },
    memoryMb: 4096,
    os: "linux x64",
  },
  benchmark: null,
});

beforeAll(async () => {
  handle = await createTestDb();
});
afterAll(async () => {
  await handle?.close();
});

describe(`the agent panel on ${testDriver()}`, () => {
  it("says since when the agent has been online, from its heartbeats", async () => {
    const p = await seedAgentProvider(handle.db, 91);
    const provider = async () => {
      const row = await providerById(handle.db, p.provider.id);
      if (!row) throw new Error("the seeded provider is gone");
      return row;
    };
    expect(await agentPanel(handle.db, p.provider.id)).toBeNull();

    const t0 = new Date();
    const at = (ms: number) => new Date(t0.getTime() + ms);
    await heartbeat(handle.db, await provider(), beat, t0);
    const first = await agentPanel(handle.db, p.provider.id, at(1_000));
    expect(first?.lastHeartbeatAt).toEqual(t0);
    // The first heartbeat (the agent's row is written with it).
    expect(first?.onlineSince).toEqual(first?.createdAt);
    // Later heartbeats keep the run going: the same start.
    await heartbeat(handle.db, await provider(), beat, at(30_000));
    expect((await agentPanel(handle.db, p.provider.id, at(31_000)))?.onlineSince).toEqual(
      first?.onlineSince,
    );

    // Silent past the sweep's limit: offline, no "online since".
    const silent = at(30_000 + silenceMs() + 1_000);
    expect((await sweepAgents(handle.db, silent)).wentOffline).toEqual([p.provider.id]);
    const off = await agentPanel(handle.db, p.provider.id, silent);
    expect(off?.providerStatus).toBe("offline");
    expect(off?.onlineSince).toBeNull();

    // Heard again: back online, since that return, not the first heartbeat.
    await heartbeat(handle.db, await provider(), beat, at(30_000 + silenceMs() + 5_000));
    const back = await agentPanel(handle.db, p.provider.id, at(30_000 + silenceMs() + 6_000));
    const returned = (await eventsOf(handle.db, p.provider.id)).filter(
      (e) => e.type === "provider.online",
    );
    expect(returned).toHaveLength(1);
    expect(back?.providerStatus).toBe("online");
    expect(back?.onlineSince).toEqual(returned[0]?.at);
    expect(back?.onlineSince?.getTime()).toBeGreaterThanOrEqual(first?.onlineSince?.getTime() ?? 0);
    expect(back?.onlineSince).not.toEqual(first?.onlineSince);
  });
});
