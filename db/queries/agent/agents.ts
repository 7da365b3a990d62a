import "server-only";
import { and, eq, lt, sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { type AgentHardware, providerAgents, providers } from "@/db/schema";

export type ProviderAgentRow = typeof providerAgents.$inferSelect;

export type HeartbeatValues = {
  providerId: string;
  agentVersion: string;
  hardware: AgentHardware;
  tflops: number | null;
  tflopsDevice: "gpu" | "cpu" | null;
  at: Date;
};

/** Records a heartbeat; returns the row as it was before (undefined on the agent's first). */
export async function recordHeartbeat(
  executor: Executor,
  values: HeartbeatValues,
): Promise<{ before: Pick<ProviderAgentRow, "offlineByAgent"> | undefined }> {
  const [before] = await executor
    .select({ offlineByAgent: providerAgents.offlineByAgent })
    .from(providerAgents)
    .where(eq(providerAgents.providerId, values.providerId))
    .for("update");
  const row = {
    agentVersion: values.agentVersion,
    hardware: values.hardware,
    tflops: values.tflops,
    tflopsDevice: values.tflopsDevice,
    lastHeartbeatAt: values.at,
  };
  await executor
    .insert(providerAgents)
    .values({ providerId: values.providerId, ...row })
    .onConflictDoUpdate({ target: providerAgents.providerId, set: row });
  return { before };
}

export async function agentOfProvider(executor: Executor, providerId: string) {
  const [row] = await executor
    .select()
    .from(providerAgents)
    .where(eq(providerAgents.providerId, providerId));
  return row;
}

/** Marks (or clears) that the heartbeat sweep, not the provider, took the provider offline. */
export async function setOfflineByAgent(executor: Executor, providerId: string, value: boolean) {
  await executor
    .update(providerAgents)
    .set({ offlineByAgent: value })
    .where(eq(providerAgents.providerId, providerId));
}

/** Online providers whose agent has been silent since `before`. */
export async function silentAgents(executor: Executor, before: Date) {
  return executor
    .select({ providerId: providers.id, address: providers.address })
    .from(providerAgents)
    .innerJoin(providers, eq(providers.id, providerAgents.providerId))
    .where(and(lt(providerAgents.lastHeartbeatAt, before), eq(providers.status, "online")));
}

/** Providers the sweep took offline whose agent is heard from again since `since`. */
export async function returnedAgents(executor: Executor, since: Date) {
  return executor
    .select({ providerId: providers.id, address: providers.address })
    .from(providerAgents)
    .innerJoin(providers, eq(providers.id, providerAgents.providerId))
    .where(
      and(
        sql`${providerAgents.lastHeartbeatAt} >= ${since.toISOString()}`,
        eq(providers.status, "offline"),
        eq(providerAgents.offlineByAgent, true),
      ),
    );
}
