/** The agent API's limits, in one place (README: "Agent API"). */
export const agentLimits = {
  /** How often an agent sends a heartbeat; three missed and its provider is marked offline. */
  heartbeatSeconds: 10,
  missedHeartbeats: 3,
  /** How long GET /api/agent/work holds a request when nothing changed. */
  maxWaitMs: 25_000,
  /** JSON bodies (heartbeat, quote, start, submitted). */
  jsonBodyBytes: 16 * 1024,
  /** One log chunk, and all of one job's logs together. */
  logChunkBytes: 64 * 1024,
  logBytesPerJob: 2 * 1024 * 1024,
  /** One job's result. */
  resultBytes: 8 * 1024 * 1024,
} as const;

/** A provider is offline when its agent has been silent this long. */
export function silenceMs(): number {
  return agentLimits.heartbeatSeconds * agentLimits.missedHeartbeats * 1000;
}
