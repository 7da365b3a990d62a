import { compareOffers, failuresOf } from "./feasibility";
import type { MatchJob, MatchOffer } from "./types";

export type LossReason =
  | "price"
  | "reliability"
  | "age"
  | "capacity"
  | "offline"
  | "busy"
  | "stake"
  | "minStake";

export type Alternative = { offer: MatchOffer; reason: LossReason };

/** Why a feasible offer ranked behind the chosen one: the ranking's keys, in order. */
function rankingReason(offer: MatchOffer, chosen: MatchOffer): LossReason {
  if (offer.askWeiPerGpuHour !== chosen.askWeiPerGpuHour) return "price";
  if (offer.reliabilityBps !== chosen.reliabilityBps) return "reliability";
  return "age";
}

/**
 * Why each other candidate lost to the chosen offer: a feasible one lost on price, reliability
 * or age (the ranking's keys, in order) or because a concurrent match held it (`busy`); a nearly
 * feasible one (failing on one dimension only) lost on price (above the job's cap), capacity or
 * its provider being offline. One that fits on every term but its provider's stake lost on stake
 * (`stake`: free stake short of the collateral the job would lock on it; `minStake`: stake below
 * the market's minimum) only when it ranks ahead of the winner: otherwise more stake would not
 * have won it, and it lost on the ranking like a feasible one. Offers failing on model, region or
 * duration are left out.
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
    const only = failed.length === 1 ? failed[0] : undefined;
    let reason: LossReason | undefined;
    if (busyIds.has(offer.id)) reason = "busy";
    else if (failed.length === 0) reason = rankingReason(offer, chosen);
    else if (only === "stake" || only === "minStake") {
      reason = compareOffers(offer, chosen) < 0 ? only : rankingReason(offer, chosen);
    } else if (only === "price" || only === "capacity" || only === "offline") reason = only;
    if (reason) out.push({ offer, reason });
    if (out.length >= max) break;
  }
  return out;
}
