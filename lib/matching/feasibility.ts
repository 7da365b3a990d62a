import type { Failure, MatchJob, MatchOffer, StakeFailureKind } from "./types";

const BPS = 10_000n;
/** Hours whose seconds a double still holds exactly: far beyond any job. */
const MAX_HOURS = BigInt(Math.floor(Number.MAX_SAFE_INTEGER / 3600));

/**
 * The collateral that funding `job` on `offer` locks from the provider's free stake, as the
 * contract's fundJob computes it: `escrow * collateralBps / 10000` rounded down, where the escrow
 * is the lease's rate per second (pay-as-ask, rounded up) times its max seconds.
 */
export function collateralFor(job: MatchJob, offer: MatchOffer): bigint {
  const escrow = ratePerSecond(offer.askWeiPerGpuHour, job.gpuCount) * BigInt(job.maxHours * 3600);
  return (escrow * BigInt(offer.collateralBps)) / BPS;
}

/**
 * The most collateral the job can lock on any offer it fits: the collateral at its max price,
 * since a fitting offer asks no more and the collateral never falls as the ask rises.
 */
export function collateralCap(job: MatchJob, collateralBps: number): bigint {
  const escrow = ratePerSecond(job.maxPricePerGpuHour, job.gpuCount) * BigInt(job.maxHours * 3600);
  return (escrow * BigInt(collateralBps)) / BPS;
}

/**
 * Why the offer's provider cannot back the job, given its free stake and whether it meets the
 * minimum (by default the offer's own; a batch passes what it has left after its earlier jobs).
 */
export function stakeFailureOf(
  job: MatchJob,
  offer: MatchOffer,
  freeStakeWei = offer.freeStakeWei,
  meetsMinimum = offer.stakeMeetsMinimum,
): StakeFailureKind | undefined {
  if (!meetsMinimum) return "minStake";
  if (!stakeCovers(job, offer, freeStakeWei, true)) return "stake";
  return undefined;
}

/**
 * The longest max hours (at least 1) whose collateral the provider's free stake covers for this
 * job on this offer, or undefined when not even one hour fits. Infinity when the market asks for
 * no collateral.
 */
export function maxHoursBacked(
  job: MatchJob,
  offer: MatchOffer,
  freeStakeWei = offer.freeStakeWei,
): number | undefined {
  if (offer.collateralBps === 0) return Number.POSITIVE_INFINITY;
  const perHour =
    ratePerSecond(offer.askWeiPerGpuHour, job.gpuCount) * 3600n * BigInt(offer.collateralBps);
  // floor(rate * 3600 * h * bps / 10000) <= free  <=>  h * perHour < (free + 1) * 10000.
  const hours = ((freeStakeWei + 1n) * BPS - 1n) / perHour;
  if (freeStakeWei < 0n || hours < 1n) return undefined;
  return hours > MAX_HOURS ? Number(MAX_HOURS) : Number(hours);
}

/** Every dimension on which the offer cannot host the job; empty when it can. */
export function failuresOf(job: MatchJob, offer: MatchOffer): Failure[] {
  const out: Failure[] = [];
  if (job.gpuModels.length > 0 && !job.gpuModels.includes(offer.gpuModel)) out.push("model");
  if (job.minVramGb != null && offer.vramGb < job.minVramGb) out.push("vram");
  if (job.regions.length > 0 && !job.regions.includes(offer.region)) out.push("region");
  if (offer.askWeiPerGpuHour > job.maxPricePerGpuHour) out.push("price");
  if (offer.gpusFree < job.gpuCount) out.push("capacity");
  if (job.maxHours > offer.maxHours || job.maxHours < offer.minHours) out.push("duration");
  if (!offer.providerOnline) out.push("offline");
  const stake = stakeFailureOf(job, offer);
  if (stake) out.push(stake);
  return out;
}

/** failuresOf(job, offer) is empty, without building it (the matching's innermost test). */
export function isFeasible(job: MatchJob, offer: MatchOffer): boolean {
  return fitsTerms(job, offer) && stakeCovers(job, offer);
}

/**
 * The provider's stake backs the job: it meets the minimum and its free stake (by default the
 * offer's own) covers the collateral. Checked last, after the offer's terms: it costs a few
 * bigint operations.
 */
export function stakeCovers(
  job: MatchJob,
  offer: MatchOffer,
  freeStakeWei = offer.freeStakeWei,
  meetsMinimum = offer.stakeMeetsMinimum,
): boolean {
  if (!meetsMinimum) return false;
  // Most providers have far more free stake than a job's collateral: a bound in floating point
  // decides those without the bigint arithmetic (ten times dearer, and run for every candidate).
  // The collateral is at most (ask * GPUs / 3600 + 1) * seconds * bps / 10000 (the rate is
  // rounded up by less than 1 wei/s); the margins dwarf the doubles' rounding.
  const bound =
    ((Number(offer.askWeiPerGpuHour) * job.gpuCount) / 3600 + 1) *
    ((job.maxHours * 3600 * offer.collateralBps) / 10_000);
  if (bound * (1 + 1e-9) < Number(freeStakeWei) * (1 - 1e-9)) return true;
  return collateralFor(job, offer) <= freeStakeWei;
}

/** The offer's own terms fit the job: every dimension but the provider's stake. */
export function fitsTerms(job: MatchJob, offer: MatchOffer): boolean {
  return (
    offer.providerOnline &&
    offer.gpusFree >= job.gpuCount &&
    offer.askWeiPerGpuHour <= job.maxPricePerGpuHour &&
    job.maxHours <= offer.maxHours &&
    job.maxHours >= offer.minHours &&
    (job.minVramGb == null || offer.vramGb >= job.minVramGb) &&
    (job.gpuModels.length === 0 || job.gpuModels.includes(offer.gpuModel)) &&
    (job.regions.length === 0 || job.regions.includes(offer.region))
  );
}

/** The market's order of preference: cheapest ask, then most reliable, then oldest, then id. */
export function compareOffers(a: MatchOffer, b: MatchOffer): number {
  if (a.askWeiPerGpuHour !== b.askWeiPerGpuHour) {
    return a.askWeiPerGpuHour < b.askWeiPerGpuHour ? -1 : 1;
  }
  if (a.reliabilityBps !== b.reliabilityBps) return b.reliabilityBps - a.reliabilityBps;
  if (a.createdAt !== b.createdAt) return a.createdAt - b.createdAt;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The feasible offers, best first. */
export function rankFeasible(job: MatchJob, offers: readonly MatchOffer[]): MatchOffer[] {
  return offers.filter((o) => isFeasible(job, o)).sort(compareOffers);
}

/** The offer the job should take, or undefined when none can host it. */
export function chooseOffer(job: MatchJob, offers: readonly MatchOffer[]): MatchOffer | undefined {
  let best: MatchOffer | undefined;
  for (const o of offers) {
    if (isFeasible(job, o) && (!best || compareOffers(o, best) < 0)) best = o;
  }
  return best;
}

/**
 * Pending jobs are re-matched by the highest max price first, then the oldest, so that when
 * capacity is scarce it goes to whoever values it most.
 */
export function compareJobsForRematch(
  a: { maxPricePerGpuHour: bigint; createdAt: number; id: string },
  b: { maxPricePerGpuHour: bigint; createdAt: number; id: string },
): number {
  if (a.maxPricePerGpuHour !== b.maxPricePerGpuHour) {
    return a.maxPricePerGpuHour > b.maxPricePerGpuHour ? -1 : 1;
  }
  if (a.createdAt !== b.createdAt) return a.createdAt - b.createdAt;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Pay-as-ask: the wei per second the contract escrows, rounded up so no provider is underpaid. */
export function ratePerSecond(askWeiPerGpuHour: bigint, gpuCount: number): bigint {
  const perHour = askWeiPerGpuHour * BigInt(gpuCount);
  return (perHour + 3599n) / 3600n;
}
