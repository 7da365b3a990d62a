import { execFile } from "node:child_process";
import os from "node:os";
import { promisify } from "node:util";

/** One GPU as nvidia-smi reports it, or as `--simulate-gpus` pretends (labelled). */
export type Gpu = { index: number; model: string; vramMb: number; driver: string };

export type Hardware = {
  gpus: Gpu[];
  simulatedGpus: boolean;
  cpu: { model: string; cores: number };
  memoryMb: number;
  os: string;
};

/** The query the agent runs; `parseNvidiaSmi` reads its output. */
export const NVIDIA_SMI_ARGS = [
  "--query-gpu=index,name,memory.total,driver_version,pci.bus_id",
  "--format=csv,noheader,nounits",
];

/**
 * The GPUs in `nvidia-smi --query-gpu=index,name,memory.total,driver_version,pci.bus_id
 * --format=csv,noheader,nounits` output: one line per GPU, memory in MiB. A field nvidia-smi
 * cannot read ("[N/A]", "[Not Supported]") becomes 0 or ""; lines that are not GPUs (e.g. "No
 * devices were found") are skipped.
 */
export function parseNvidiaSmi(output: string): Gpu[] {
  const gpus: Gpu[] = [];
  for (const line of output.split(/\r?\n/)) {
    const fields = line.split(",").map((f) => f.trim());
    if (fields.length < 4) continue;
    const [index, model, memory, driver] = fields as [string, string, string, string];
    if (!/^\d+$/.test(index) || !model) continue;
    const known = (value: string) => (/^\[.*\]$/.test(value) ? "" : value);
    const vram = Number(known(memory));
    gpus.push({
      index: Number(index),
      model,
      vramMb: Number.isFinite(vram) ? Math.round(vram) : 0,
      driver: known(driver),
    });
  }
  return gpus;
}

/** GPUs for demos and tests, named so nobody mistakes them for real ones. */
export function simulatedGpus(count: number, model = "Simulated H100 80GB"): Gpu[] {
  return Array.from({ length: count }, (_, index) => ({
    index,
    model,
    vramMb: 81_920,
    driver: "simulated",
  }));
}

const run = promisify(execFile);

/** nvidia-smi's GPUs, or [] when it is absent or finds none. */
export async function detectNvidiaGpus(binary = "nvidia-smi"): Promise<Gpu[]> {
  try {
    const { stdout } = await run(binary, NVIDIA_SMI_ARGS, { timeout: 10_000 });
    return parseNvidiaSmi(stdout);
  } catch {
    return [];
  }
}

/** What this machine has: real GPUs (or simulated ones when asked), CPU and memory always. */
export async function detectHardware(options: {
  simulateGpus?: number;
  nvidiaSmi?: string;
}): Promise<Hardware> {
  const simulated = (options.simulateGpus ?? 0) > 0;
  const gpus = simulated
    ? simulatedGpus(options.simulateGpus ?? 0)
    : await detectNvidiaGpus(options.nvidiaSmi);
  const cpus = os.cpus();
  return {
    gpus,
    simulatedGpus: simulated,
    cpu: { model: cpus[0]?.model.trim() || "unknown CPU", cores: Math.max(cpus.length, 1) },
    memoryMb: Math.round(os.totalmem() / 1024 / 1024),
    os: `${os.platform()} ${os.arch()}`,
  };
}
