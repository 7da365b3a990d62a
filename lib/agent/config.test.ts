import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config";
import { loadOrCreateSignerKey } from "./signer-key";

const key = `gmk_${"a".repeat(43)}`;

describe("agent config", () => {
  it("takes flags over environment over the file, and defaults the rest", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "agent-config-"));
    const file = path.join(dir, "agent.json");
    writeFileSync(
      file,
      JSON.stringify({ server: "http://file:1", apiKey: key, gpus: 2, runtime: "docker" }),
    );
    const config = loadConfig(["--config", file, "--gpus", "4"], {
      AGENT_SERVER_URL: "http://env:2",
    });
    expect(config).toMatchObject({
      server: "http://env:2",
      apiKey: key,
      gpus: 4,
      runtime: "docker",
      workDir: ".data/agent",
      keyFile: path.join(".data/agent", "signer.key"),
      simulateGpus: 0,
    });
  });

  it("says what is wrong with a bad key or runtime", () => {
    expect(() => loadConfig(["--api-key", "nope"], {})).toThrow(ConfigError);
    expect(() => loadConfig(["--api-key", key, "--runtime", "vm"], {})).toThrow(/runtime/);
  });
});

describe("signer key file", () => {
  it("is created on first run with mode 0600 and read back the same", () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "agent-key-")), "sub", "signer.key");
    const first = loadOrCreateSignerKey(file);
    expect(first.created).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = loadOrCreateSignerKey(file);
    expect(again.created).toBe(false);
    expect(again.account.address).toBe(first.account.address);
  });
});
