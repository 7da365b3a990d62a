import "server-only";
import { z } from "zod";
import type { Db } from "@/db/client";
import {
  agentOfProvider,
  recordHeartbeat,
  returnedAgents,
  setOfflineByAgent,
  silentAgents,
} from "@/db/queries/agent/agents";
import type { ProviderRow } from "@/db/queries/providers";
import { providerById } from "@/db/queries/providers";
import { transaction } from "@/db/retry";
import { chainConfig } from "@/lib/env";
import { text } from "@/lib/validation/text";
import { changeProviderStatus } from "../providers/providers";
import { agentLimits, silenceMs } from "./limits";

const short = (max: number) => text().trim().min(1).max(max);

export const heartbeatInput = z
  .object({
    agentVersion: short(40),
    hardware: z
      .object({
        gpus: z
          .array(
            z
              .object({
                index: z.number().int().min(0).max(63),
                model: short(120),
                vramMb: z.number().int().min(0).max(10_000_000),
                driver: text().trim().max(40),
              })
              .strict(),
          )
          .max(64),
        simulatedGpus: z.boolean(),
        cpu: z.object({ model: short(200), cores: z.number().int().min(1).max(4096) }).strict(),
        memoryMb: z
          .number()
          .int()
          .min(1)
          .max(1 << 30),
        os: short(80),
      })
      .strict(),
    benchmark: z
      .object({
        tflops: z.number().finite().min(0).max(1_000_000),
        device: z.enum(["gpu", "cpu"]),
      })
      .strict()
      .nullable(),
  })
  .strict();
export type HeartbeatInput = z.infer<typeof heartbeatInput>;

/**
 * Records the agent's heartbeat (hardware, measured TFLOPS, version). A provider the heartbeat
 * sweep took offline comes back online (and its markets are matched again); one its owner took
 * offline stays so.
 */
export async function heartbeat(
  db: Db,
  provider: ProviderRow,
  input: HeartbeatInput,
  now = new Date(),
) {
  const { before } = await transaction(db, (tx) =>
    recordHeartbeat(tx, {
      providerId: provider.id,
      agentVersion: input.agentVersion,
      hardware: input.hardware,
      tflops: input.benchmark?.tflops ?? null,
      tflopsDevice: input.benchmark?.device ?? null,
      at: now,
    }),
  );
  let status = provider.status;
  if (before?.offlineByAgent) status = await backOnline(db, provider);
  return {
    providerId: provider.id,
    address: provider.address,
    signerAddress: provider.signerAddress,
    status,
    heartbeatSeconds: agentLimits.heartbeatSeconds,
    chain: chainOfMarket(),
  };
}

/** Where the agent sends acknowledgeStart and submitResult (its own RPC URL may override). */
function chainOfMarket() {
  const config = chainConfig();
  return {
    chainId: config.chain.id,
    name: config.chain.name,
    rpcUrl: config.rpcUrl ?? null,
    marketAddress: config.marketAddress ?? null,
  };
}

async function backOnline(db: Db, provider: { id: string; address: string }) {
  const moved = await changeProviderStatus(db, provider.address, "online");
  if (moved.status === "online") await setOfflineByAgent(db, provider.id, false);
  return moved.status;
}

/**
 * Marks offline the online providers whose agent missed its last three heartbeats (the engine
 * places nothing there: offers.provider_online follows the provider's status), and back online
 * those the sweep took offline whose agent is heard again. Returns who moved.
 */
export async function sweepAgents(db: Db, now = new Date()) {
  const wentOffline: string[] = [];
  const cameBack: string[] = [];
  const since = new Date(now.getTime() - silenceMs());
  for (const { providerId, address } of await silentAgents(db, since)) {
    // The flag first: a heartbeat that lands in between finds it and brings the provider back.
    await setOfflineByAgent(db, providerId, true);
    const moved = await changeProviderStatus(db, address, "offline");
    if (moved.status === "offline") wentOffline.push(providerId);
  }
  for (const { providerId, address } of await returnedAgents(db, since)) {
    if ((await backOnline(db, { id: providerId, address })) === "online") cameBack.push(providerId);
  }
  return { wentOffline, cameBack };
}

/** The agent as the provider's pages show it: hardware, TFLOPS, last heartbeat, online. */
export async function agentStatus(db: Db, providerId: string, now = new Date()) {
  const [agent, provider] = await Promise.all([
    agentOfProvider(db, providerId),
    providerById(db, providerId),
  ]);
  if (!agent || !provider) return null;
  return {
    ...agent,
    providerStatus: provider.status,
    silent: now.getTime() - agent.lastHeartbeatAt.getTime() > silenceMs(),
  };
}
