import { describe, expect, it } from "vitest";
import { benchmark, cpuMatmulBenchmark } from "./benchmark";

describe("matmul benchmark", () => {
  it("measures a positive CPU rate, labelled CPU", () => {
    const result = cpuMatmulBenchmark(64, 50);
    expect(result.device).toBe("cpu");
    expect(result.tflops).toBeGreaterThan(0);
    expect(result.detail).toContain("CPU");
  });

  it("falls back to the CPU when there are no real GPUs", async () => {
    expect((await benchmark({ realGpus: false })).device).toBe("cpu");
  });
});
