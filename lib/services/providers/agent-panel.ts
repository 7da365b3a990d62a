import "server-only";
import type { Db } from "@/db/client";
import { agentOnlineSince } from "@/db/queries/provider-listing";
import { agentStatus } from "../agent/heartbeat";

/**
 * The agent as the provider's agent page shows it: what its last heartbeat said, and since when
 * it has been online without a break (null while the provider is offline or the agent silent).
 */
export async function agentPanel(db: Db, providerId: string, now = new Date()) {
  const [agent, since] = await Promise.all([
    agentStatus(db, providerId, now),
    agentOnlineSince(db, providerId),
  ]);
  if (!agent) return null;
  const online = agent.providerStatus === "online" && !agent.silent;
  return { ...agent, onlineSince: online ? (since ?? null) : null };
}
