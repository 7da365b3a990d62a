/** An offer as the matching engine sees it: plain data, no database. */
export type MatchOffer = {
  id: string;
  market: string;
  providerId: string;
  gpuModel: string;
  vramGb: number;
  region: string;
  gpusFree: number;
  askWeiPerGpuHour: bigint;
  minHours: number;
  maxHours: number;
  providerOnline: boolean;
  /** Completed-without-fault share in basis points (10000 = perfect record). */
  reliabilityBps: number;
  /** Milliseconds since the epoch; older offers win ties. */
  createdAt: number;
};

/** What a job needs. Empty `gpuModels` or `regions` means "any". */
export type MatchJob = {
  gpuModels: readonly string[];
  minVramGb?: number | null;
  gpuCount: number;
  regions: readonly string[];
  maxPricePerGpuHour: bigint;
  maxHours: number;
};

/** The dimensions on which an offer can fail a job. */
export const failureKinds = [
  "model",
  "vram",
  "region",
  "price",
  "capacity",
  "duration",
  "offline",
] as const;
export type FailureKind = (typeof failureKinds)[number];
