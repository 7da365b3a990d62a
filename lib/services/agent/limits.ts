import { env } from "@/lib/env";

/**
 * The agent API's limits, in one place (README: "Agent API"): settings in lib/env.ts (AGENT_*),
 * read when used, with these defaults.
 */
export const agentLimits = {
  /** How often an agent sends a heartbeat (AGENT_HEARTBEAT_SECONDS, 10). */
  get heartbeatSeconds() {
    return env().AGENT_HEARTBEAT_SECONDS;
  },
  /** Heartbeats missed before the provider is marked offline (AGENT_MISSED_HEARTBEATS, 3). */
  get missedHeartbeats() {
    return env().AGENT_MISSED_HEARTBEATS;
  },
  /** How long GET /api/agent/work holds a request when nothing changed (AGENT_WORK_WAIT_SECONDS, 25). */
  get maxWaitMs() {
    return env().AGENT_WORK_WAIT_SECONDS * 1000;
  },
  /** JSON bodies: heartbeat, quote, start, submitted (AGENT_JSON_BODY_BYTES, 16 KiB). */
  get jsonBodyBytes() {
    return env().AGENT_JSON_BODY_BYTES;
  },
  /** One log chunk (AGENT_LOG_CHUNK_BYTES, 64 KiB). */
  get logChunkBytes() {
    return env().AGENT_LOG_CHUNK_BYTES;
  },
  /** All of one job's logs together (AGENT_LOG_BYTES_PER_JOB, 2 MiB). */
  get logBytesPerJob() {
    return env().AGENT_LOG_BYTES_PER_JOB;
  },
  /** One job's result (AGENT_RESULT_BYTES, 8 MiB). */
  get resultBytes() {
    return env().AGENT_RESULT_BYTES;
  },
};

/** A provider is offline when its agent has been silent this long. */
export function silenceMs(): number {
  return agentLimits.heartbeatSeconds * agentLimits.missedHeartbeats * 1000;
}
