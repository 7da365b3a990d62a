import { describe, expect, it } from "vitest";
import { LogStream } from "@/lib/agent/log-stream";
import { EnvError, parseEnv } from "@/lib/env";
import { agentLimits, silenceMs } from "./limits";

describe("the agent API's limits (AGENT_* settings)", () => {
  it("default to the documented values", () => {
    const e = parseEnv({});
    expect({
      heartbeat: e.AGENT_HEARTBEAT_SECONDS,
      missed: e.AGENT_MISSED_HEARTBEATS,
      wait: e.AGENT_WORK_WAIT_SECONDS,
      json: e.AGENT_JSON_BODY_BYTES,
      chunk: e.AGENT_LOG_CHUNK_BYTES,
      perJob: e.AGENT_LOG_BYTES_PER_JOB,
      result: e.AGENT_RESULT_BYTES,
    }).toEqual({
      heartbeat: 10,
      missed: 3,
      wait: 25,
      json: 16 * 1024,
      chunk: 64 * 1024,
      perJob: 2 * 1024 * 1024,
      result: 8 * 1024 * 1024,
    });
    // This test process sets none of them: the limits the handlers use are the defaults.
    expect(agentLimits.maxWaitMs).toBe(25_000);
    expect(agentLimits.resultBytes).toBe(8 * 1024 * 1024);
    expect(silenceMs()).toBe(30_000);
  });

  it("take a setting from the environment", () => {
    const e = parseEnv({ AGENT_HEARTBEAT_SECONDS: "30", AGENT_RESULT_BYTES: "1048576" });
    expect(e.AGENT_HEARTBEAT_SECONDS).toBe(30);
    expect(e.AGENT_RESULT_BYTES).toBe(1_048_576);
  });

  it.each([
    ["AGENT_HEARTBEAT_SECONDS", "0"],
    ["AGENT_HEARTBEAT_SECONDS", "ten"],
    ["AGENT_MISSED_HEARTBEATS", "1"],
    ["AGENT_WORK_WAIT_SECONDS", "600"],
    ["AGENT_JSON_BODY_BYTES", "1024"],
    ["AGENT_LOG_BYTES_PER_JOB", "1.5"],
    ["AGENT_RESULT_BYTES", String(65 * 1024 * 1024)],
  ])("refuse %s=%s, naming it", (variable, value) => {
    expect(() => parseEnv({ [variable]: value })).toThrow(EnvError);
    expect(() => parseEnv({ [variable]: value })).toThrow(variable);
  });

  it("never take log chunks smaller than the agent sends", () => {
    // LogStream sends up to CHUNK_CHARS characters: at most 4 bytes each in UTF-8.
    const largest = LogStream.CHUNK_CHARS * 4;
    expect(() => parseEnv({ AGENT_LOG_CHUNK_BYTES: String(largest - 1) })).toThrow(
      "AGENT_LOG_CHUNK_BYTES",
    );
    expect(parseEnv({ AGENT_LOG_CHUNK_BYTES: String(largest) }).AGENT_LOG_CHUNK_BYTES).toBe(
      largest,
    );
  });
});
