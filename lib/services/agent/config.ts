import "server-only";
import { getDb } from "@/db";
import { clientIpOptions, sessionSecret } from "@/lib/auth/config";
import { logError } from "@/lib/log";
import type { AgentDeps } from "./handlers";
import { sweepAgents } from "./heartbeat";
import { agentLimits } from "./limits";

const holder = globalThis as typeof globalThis & { __gpuMarketAgentSweep?: NodeJS.Timeout };

/**
 * Every heartbeat interval, in this server process: providers whose agent went silent go
 * offline, and come back when it returns. Started with the server's background loops
 * (lib/services/background.ts) and, for servers built without them, with the first agent
 * request; idempotent.
 */
export function startAgentSweep(): void {
  if (holder.__gpuMarketAgentSweep) return;
  let running = false;
  holder.__gpuMarketAgentSweep = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      const { wentOffline, cameBack } = await sweepAgents(await getDb());
      for (const id of wentOffline)
        console.info(`agents: provider ${id} missed 3 heartbeats, offline`);
      for (const id of cameBack) console.info(`agents: provider ${id} heard again, online`);
    } catch (error) {
      logError("agent heartbeat sweep failed", error);
    } finally {
      running = false;
    }
  }, agentLimits.heartbeatSeconds * 1000);
  holder.__gpuMarketAgentSweep.unref();
}

/** The agent routes' dependencies, from the environment and the app database. */
export async function agentDeps(): Promise<AgentDeps> {
  startAgentSweep();
  return { db: await getDb(), clientIp: clientIpOptions(), secret: sessionSecret() };
}
