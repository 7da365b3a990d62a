import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { processRuntime } from "@/lib/agent/runtimes/process";
import { jobTemplates } from "./templates";

/** Runs a template through the agent's process runtime, as a provider's agent would. */
async function runTemplate(id: string, env: Record<string, string>) {
  const template = jobTemplates.find((t) => t.id === id);
  if (!template) throw new Error(`no template ${id}`);
  const dir = mkdtempSync(path.join(os.tmpdir(), "example-"));
  let output = "";
  const outcome = await processRuntime.run(
    {
      jobId: "00000000-0000-4000-8000-00000000e0e0",
      image: template.image,
      command: template.command,
      env: { ...Object.fromEntries(template.env.map((e) => [e.name, e.value])), ...env },
      gpuIndices: [],
      dir,
      timeoutSeconds: 120,
      outputCapBytes: 1 << 20,
    },
    (text) => {
      output += text;
    },
    new AbortController().signal,
  );
  return {
    outcome,
    output,
    result: JSON.parse(readFileSync(path.join(dir, "out", "result.json"), "utf8")),
  };
}

describe("example jobs", () => {
  it("the MLP learns the spirals: loss falls and held-out accuracy passes 90%", async () => {
    const { outcome, output, result } = await runTemplate("mlp-spirals", { EPOCHS: "30" });
    expect(outcome.exitCode).toBe(0);
    const losses = [...output.matchAll(/epoch +\d+ +loss ([\d.]+)/g)].map((m) => Number(m[1]));
    expect(losses).toHaveLength(30);
    expect(losses.at(-1)).toBeLessThan((losses[0] as number) / 3);
    expect(result.final.testAccuracy).toBeGreaterThan(0.9);
  });

  it("the burn-in reports GFLOPS each second", async () => {
    const { outcome, result } = await runTemplate("matmul-burn-in", { DURATION_SECONDS: "2" });
    expect(outcome.exitCode).toBe(0);
    expect(result.gflopsPerSecond).toHaveLength(2);
    expect(result.gflopsPerSecond[0]).toBeGreaterThan(0);
  });
});
