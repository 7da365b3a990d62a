import { gpuCatalog, marketKey, regions } from "@/lib/market/gpu-catalog";
import type { MatchJob, MatchOffer } from "./types";

/**
 * Seeded synthetic markets for the match benchmark and the quality check: a skewed model mix,
 * asks spread around a per-model reference price, and jobs that name one model, a few models or
 * a minimum VRAM, with or without a region constraint.
 */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Reference asks in gwei per GPU-hour (1 gwei = 1e9 wei), by catalog id. */
const referenceGwei: Record<string, number> = {
  "h200-141gb": 1_400_000,
  "h100-80gb": 1_000_000,
  "a100-80gb": 600_000,
  "a100-40gb": 450_000,
  "l40s-48gb": 350_000,
  "rtx4090-24gb": 200_000,
  "rtx3090-24gb": 120_000,
  "a10-24gb": 150_000,
  "t4-16gb": 60_000,
  "mi300x-192gb": 1_200_000,
};
const modelWeights = [6, 14, 12, 8, 8, 14, 10, 10, 12, 6];

function pickWeighted<T>(rnd: () => number, items: readonly T[], weights: readonly number[]): T {
  const total = weights.reduce((a, b) => a + b, 0);
  let x = rnd() * total;
  for (let i = 0; i < items.length; i++) {
    x -= weights[i] ?? 0;
    if (x < 0) return items[i] as T;
  }
  return items[items.length - 1] as T;
}

const pick = <T>(rnd: () => number, items: readonly T[]): T =>
  items[Math.floor(rnd() * items.length)] as T;

export type WorkloadOffer = MatchOffer & { gpusTotal: number };
export type WorkloadJob = MatchJob & { id: string; createdAt: number };

/** Offers with prices in `unit` wei per gwei of reference price (1 for gwei, 1e9 for wei). */
export function makeOffers(
  n: number,
  seed: number,
  opts: { unit?: bigint; providers?: number; gpuSizes?: readonly number[] } = {},
): WorkloadOffer[] {
  const rnd = prng(seed);
  const unit = opts.unit ?? 1n;
  const sizes = opts.gpuSizes ?? [1, 2, 4, 8, 8, 16];
  return Array.from({ length: n }, (_, i) => {
    const model = pickWeighted(rnd, gpuCatalog, modelWeights);
    const region = pick(rnd, regions);
    const gpus = pick(rnd, sizes);
    const ask = Math.round((referenceGwei[model.id] ?? 100_000) * (0.7 + rnd() * 0.6));
    return {
      id: `offer-${i}`,
      market: marketKey(model.id, region),
      providerId: `provider-${Math.floor(rnd() * (opts.providers ?? 500))}`,
      gpuModel: model.id,
      vramGb: model.vramGb,
      region,
      gpusTotal: gpus,
      gpusFree: gpus,
      askWeiPerGpuHour: BigInt(ask) * unit,
      minHours: 1,
      maxHours: pick(rnd, [24, 168, 720]),
      providerOnline: rnd() > 0.03,
      reliabilityBps: 9_000 + Math.floor(rnd() * 1_001),
      createdAt: i,
      // Ample stake (a million ETH), drawn from no random number so the seeded markets stay as
      // they were: the workloads measure the other dimensions; stake has its own tests.
      freeStakeWei: 10n ** 24n,
      stakeMeetsMinimum: true,
      collateralBps: 1_000,
    };
  });
}

export function makeJobs(
  n: number,
  seed: number,
  opts: { unit?: bigint; gpuCounts?: readonly number[] } = {},
): WorkloadJob[] {
  const rnd = prng(seed);
  const unit = opts.unit ?? 1n;
  const counts = opts.gpuCounts ?? [1, 1, 1, 1, 2, 2, 2, 4, 4, 8];
  return Array.from({ length: n }, (_, i) => {
    const model = pickWeighted(rnd, gpuCatalog, modelWeights);
    const shape = rnd();
    let gpuModels: string[] = [model.id];
    let minVramGb: number | null = null;
    if (shape > 0.85) {
      gpuModels = [];
      minVramGb = model.vramGb;
    } else if (shape > 0.6) {
      const similar = gpuCatalog.filter((g) => Math.abs(g.vramGb - model.vramGb) <= 24);
      gpuModels = [...new Set([model.id, pick(rnd, similar).id, pick(rnd, similar).id])];
    }
    const regionCount = rnd() < 0.5 ? 0 : 1 + Math.floor(rnd() * 2);
    const jobRegions = [...new Set(Array.from({ length: regionCount }, () => pick(rnd, regions)))];
    const ref = referenceGwei[model.id] ?? 100_000;
    return {
      id: `job-${i}`,
      createdAt: i,
      gpuModels,
      minVramGb,
      gpuCount: pick(rnd, counts),
      regions: jobRegions,
      maxPricePerGpuHour: BigInt(Math.round(ref * (0.8 + rnd() * 0.8))) * unit,
      maxHours: pick(rnd, [1, 4, 12, 24, 72, 168]),
    };
  });
}
