import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { detectHardware, parseNvidiaSmi, simulatedGpus } from "./hardware";

const fixture = (name: string) =>
  readFileSync(path.join(import.meta.dirname, "fixtures", name), "utf8");

describe("nvidia-smi output", () => {
  it("reads eight H100s with their memory and driver", () => {
    const gpus = parseNvidiaSmi(fixture("nvidia-smi-8xh100.csv"));
    expect(gpus).toHaveLength(8);
    expect(gpus[7]).toEqual({
      index: 7,
      model: "NVIDIA H100 80GB HBM3",
      vramMb: 81559,
      driver: "550.54.15",
    });
  });

  it("reads a consumer card", () => {
    expect(parseNvidiaSmi(fixture("nvidia-smi-rtx4090.csv"))).toEqual([
      { index: 0, model: "NVIDIA GeForce RTX 4090", vramMb: 24564, driver: "535.183.01" },
    ]);
  });

  it("keeps a GPU whose memory reads [N/A] (as 0 MiB) and CRLF line ends", () => {
    const gpus = parseNvidiaSmi(fixture("nvidia-smi-a100-na.csv"));
    expect(gpus.map((g) => [g.model, g.vramMb])).toEqual([
      ["NVIDIA A100-SXM4-40GB", 40960],
      ["NVIDIA A100-SXM4-40GB", 0],
    ]);
  });

  it("finds no GPU in 'No devices were found'", () => {
    expect(parseNvidiaSmi(fixture("nvidia-smi-no-devices.txt"))).toEqual([]);
  });
});

describe("hardware", () => {
  it("labels simulated GPUs and always reports CPU and memory", async () => {
    const hw = await detectHardware({ simulateGpus: 2 });
    expect(hw.simulatedGpus).toBe(true);
    expect(hw.gpus).toEqual(simulatedGpus(2));
    expect(hw.gpus[0]?.model).toContain("Simulated");
    expect(hw.cpu.cores).toBeGreaterThan(0);
    expect(hw.memoryMb).toBeGreaterThan(0);
  });

  it("reports no GPU when nvidia-smi is absent", async () => {
    const hw = await detectHardware({ nvidiaSmi: "/nonexistent/nvidia-smi" });
    expect(hw).toMatchObject({ gpus: [], simulatedGpus: false });
  });
});
