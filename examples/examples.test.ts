import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { exampleJobTemplates } from "@/components/market/job-templates";
import { processRuntime } from "@/lib/agent/runtimes/process";
import { jobForm } from "@/lib/services/browse/job-form";
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
    dir,
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

  it("the text embedding finds each query's documents and keeps topics together", async () => {
    const { outcome, output, dir, result } = await runTemplate("text-embed", {});
    expect(outcome.exitCode).toBe(0);
    // examples/corpus.txt: six topics of ten lines each, in order (machine learning, cooking,
    // the ocean, astronomy, football, gardening).
    const corpus = readFileSync(path.join(import.meta.dirname, "corpus.txt"), "utf8")
      .split("\n")
      .filter(Boolean);
    expect(result.documents).toBe(corpus.length);
    expect(result.documents).toBe(60);
    const topic = (d: number) => Math.floor(d / 10);
    const expected: Record<string, number> = {
      "gpu training loss": 0,
      "bake bread in the oven": 1,
      "fish on the coral reef": 2,
    };
    expect(result.queries.map((q: { query: string }) => q.query)).toEqual(Object.keys(expected));
    for (const q of result.queries as { query: string; nearest: { document: number }[] }[]) {
      expect(q.nearest).toHaveLength(3);
      for (const hit of q.nearest) expect(topic(hit.document)).toBe(expected[q.query]);
    }
    // Each document's nearest other document is of its own topic, for nearly all of them.
    const neighbours = result.documentNeighbours as number[];
    const same = neighbours.filter((n, d) => n !== d && topic(n) === topic(d)).length;
    expect(same).toBeGreaterThanOrEqual(54);
    // The embedding file is there, one float32 row per document, with the size and hash reported.
    const file = readFileSync(path.join(dir, "out", "embeddings.f32"));
    expect(file.byteLength).toBe(60 * result.dimensions * 4);
    expect(result.embeddings).toEqual({
      file: "embeddings.f32",
      bytes: file.byteLength,
      sha256: createHash("sha256").update(file).digest("hex"),
    });
    expect(output).toContain(`sha256 ${result.embeddings.sha256}`);
  });

  it("offers every example on the New job page, each valid as the form submits it", () => {
    expect(exampleJobTemplates.map((t) => t.id)).toEqual(jobTemplates.map((t) => t.id));
    for (const t of exampleJobTemplates) {
      const parsed = jobForm.safeParse(t.values);
      expect(parsed.error?.issues ?? [], t.id).toEqual([]);
    }
  });
});
