import { compareOffers, failuresOf } from "./feasibility";
import type { MatchJob, MatchOffer } from "./types";

export type LossReason = "price" | "reliability" | "age" | "capacity" | "offline" | "busy";

export type Alternative = { offer: MatchOffer; reason: LossReason };

/**
 * Why each other candidate lost to the chosen offer: a feasible one lost on price, reliability
 * or age (the ranking's keys, in order) or because a concurrent match held it (`busy`); a nearly
 * feasible one (failing on one dimension only) lost on price (above the job's cap), capacity or
 * its provider being offline. Offers failing on model, region or duration are left out.
 */
export function alternativesTo(
  job: MatchJob,
  chosen: MatchOffer,
  candidates: readonly MatchOffer[],
  busyIds: ReadonlySet<string> = new Set(),
  max = 8,
): Alternative[] {
  const out: Alternative[] = [];
  for (const offer of [...candidates].sort(compareOffers)) {
    if (offer.id === chosen.id) continue;
    const failed = failuresOf(job, offer);
    let reason: LossReason | undefined;
    if (busyIds.has(offer.id)) reason = "busy";
    else if (failed.length === 0) {
      if (offer.askWeiPerGpuHour !== chosen.askWeiPerGpuHour) reason = "price";
      else if (offer.reliabilityBps !== chosen.reliabilityBps) reason = "reliability";
      else reason = "age";
    } else if (failed.length === 1 && failed[0] === "price") reason = "price";
    else if (failed.length === 1 && failed[0] === "capacity") reason = "capacity";
    else if (failed.length === 1 && failed[0] === "offline") reason = "offline";
    if (reason) out.push({ offer, reason });
    if (out.length >= max) break;
  }
  return out;
}
