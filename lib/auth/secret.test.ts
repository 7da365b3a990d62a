import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadOrCreateSecret, secretFilePath } from "./secret";

describe("session secret", () => {
  it("lives next to the PGlite data folder", () => {
    expect(secretFilePath("/srv/app/.data/pglite")).toBe("/srv/app/.data/session-secret");
  });

  it("prefers SESSION_SECRET", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "secret-"));
    expect(loadOrCreateSecret("x".repeat(32), path.join(dir, "s"))).toBe("x".repeat(32));
  });

  it("generates a 0600 file once and reuses it", () => {
    const file = path.join(
      mkdtempSync(path.join(os.tmpdir(), "secret-")),
      "data",
      "session-secret",
    );
    const first = loadOrCreateSecret(undefined, file);
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadOrCreateSecret(undefined, file)).toBe(first);
    expect(readFileSync(file, "utf8").trim()).toBe(first);
  });

  it("refuses a truncated secret file instead of signing with it", () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "secret-")), "session-secret");
    writeFileSync(file, "short\n");
    expect(() => loadOrCreateSecret(undefined, file)).toThrow(/shorter than 32/);
  });
});
