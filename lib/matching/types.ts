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
  /**
   * The provider's stake free to back new jobs, in wei: the indexed free stake (stake - locked -
   * pending unstake) less the collateral of its leases that hold GPUs but are not funded yet
   * (funding them will lock it). 0 for a provider with no indexed stake; negative when its
   * unfunded leases already ask for more than it has.
   */
  freeStakeWei: bigint;
  /** The provider's stake less its pending unstake meets the market's minimum stake. */
  stakeMeetsMinimum: boolean;
  /**
   * The market's collateral share in basis points, as read with the offer: funding a job on it
   * locks `escrow * collateralBps / 10000` of the provider's free stake.
   */
  collateralBps: number;
};

/** A provider's stake as the matching sees it (the stake fields of its offers). */
export type ProviderStake = Pick<MatchOffer, "freeStakeWei" | "stakeMeetsMinimum">;

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

/**
 * The dimensions on which the offer's provider fails a job: its free stake cannot cover the
 * collateral the job would lock (`stake`: a shorter or smaller job may fit), or its stake is
 * below the market's minimum (`minStake`: it takes no job). Kept apart from `failureKinds`, which
 * are the offer's own terms and name the per-dimension counts a no-match view labels.
 */
export const stakeFailureKinds = ["stake", "minStake"] as const;
export type StakeFailureKind = (typeof stakeFailureKinds)[number];

/** Anything that keeps an offer from hosting a job. */
export type Failure = FailureKind | StakeFailureKind;
