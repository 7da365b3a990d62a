import type { FailureKind, MatchJob, MatchOffer } from "./types";

/** Every dimension on which the offer cannot host the job; empty when it can. */
export function failuresOf(job: MatchJob, offer: MatchOffer): FailureKind[] {
  const out: FailureKind[] = [];
  if (job.gpuModels.length > 0 && !job.gpuModels.includes(offer.gpuModel)) out.push("model");
  if (job.minVramGb != null && offer.vramGb < job.minVramGb) out.push("vram");
  if (job.regions.length > 0 && !job.regions.includes(offer.region)) out.push("region");
  if (offer.askWeiPerGpuHour > job.maxPricePerGpuHour) out.push("price");
  if (offer.gpusFree < job.gpuCount) out.push("capacity");
  if (job.maxHours > offer.maxHours || job.maxHours < offer.minHours) out.push("duration");
  if (!offer.providerOnline) out.push("offline");
  return out;
}

/** failuresOf(job, offer) is empty, without building it (the matching's innermost test). */
export function isFeasible(job: MatchJob, offer: MatchOffer): boolean {
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
