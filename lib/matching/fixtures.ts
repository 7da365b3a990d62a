import type { MatchJob, MatchOffer } from "./types";

/** Test data builders shared by the matching tests and the benchmark. */
export function offer(over: Partial<MatchOffer> = {}): MatchOffer {
  const gpuModel = over.gpuModel ?? "h100-80gb";
  const region = over.region ?? "us-east";
  return {
    id: "o1",
    market: `${gpuModel}/${region}`,
    providerId: "p1",
    gpuModel,
    vramGb: 80,
    region,
    gpusFree: 8,
    askWeiPerGpuHour: 1_000n,
    minHours: 1,
    maxHours: 720,
    providerOnline: true,
    reliabilityBps: 10_000,
    createdAt: 0,
    // 1,000 ETH free: no fixture job comes near its collateral unless a test says so.
    freeStakeWei: 10n ** 21n,
    stakeMeetsMinimum: true,
    collateralBps: 1_000,
    ...over,
  };
}

export function job(over: Partial<MatchJob> = {}): MatchJob {
  return {
    gpuModels: ["h100-80gb"],
    minVramGb: null,
    gpuCount: 1,
    regions: [],
    maxPricePerGpuHour: 2_000n,
    maxHours: 10,
    ...over,
  };
}
