import { maxWeightAssignment } from "./assignment";
import { chooseOffer, compareJobsForRematch, isFeasible } from "./feasibility";
import type { MatchJob, MatchOffer } from "./types";

export type QualityJob = MatchJob & { id: string; createdAt: number };

/**
 * The surplus rate a placement creates: what the consumer was willing to pay above the ask per
 * hour (price gap x GPUs). Per hour, because an assignment is a snapshot of the market: each
 * offer serves one job at a time, and a short job frees it for the next sooner. Zero when the
 * offer cannot host the job.
 */
export function surplus(job: MatchJob, offer: MatchOffer): bigint {
  if (!isFeasible(job, offer)) return 0n;
  return (job.maxPricePerGpuHour - offer.askWeiPerGpuHour) * BigInt(job.gpuCount);
}

/** The best total surplus any assignment achieves (exact, Hungarian). */
export function optimalSurplus(jobs: readonly MatchJob[], offers: readonly MatchOffer[]): number {
  const weights = jobs.map((j) => offers.map((o) => Number(surplus(j, o))));
  return maxWeightAssignment(weights).total;
}

/**
 * The surplus the engine achieves when jobs come in `order` ("arrival": first come, first
 * served; "rematch": the pending queue's order, highest max price then oldest), each taking its
 * cheapest feasible offer, one job per offer.
 */
export function engineSurplus(
  jobs: readonly QualityJob[],
  offers: readonly MatchOffer[],
  order: "arrival" | "rematch",
): { surplus: number; placed: number } {
  const queue =
    order === "rematch"
      ? [...jobs].sort(compareJobsForRematch)
      : [...jobs].sort((a, b) => a.createdAt - b.createdAt);
  const free = new Map(offers.map((o) => [o.id, o]));
  let total = 0n;
  let placed = 0;
  for (const job of queue) {
    const offer = chooseOffer(job, [...free.values()]);
    if (!offer) continue;
    free.delete(offer.id);
    total += surplus(job, offer);
    placed++;
  }
  return { surplus: Number(total), placed };
}

/**
 * How close the engine gets to the best possible total surplus on a single-tenant instance
 * (each offer hosts at most one job, so the optimum is an assignment problem the Hungarian
 * algorithm solves exactly). Surplus must fit a double exactly: pass prices in small units
 * (e.g. gwei).
 */
export function matchQuality(
  jobs: readonly QualityJob[],
  offers: readonly MatchOffer[],
  order: "arrival" | "rematch" = "arrival",
  optimal = optimalSurplus(jobs, offers),
): { engine: number; optimal: number; pct: number; placed: number } {
  const engine = engineSurplus(jobs, offers, order);
  const pct = optimal === 0 ? 100 : (engine.surplus / optimal) * 100;
  return { engine: engine.surplus, optimal, pct, placed: engine.placed };
}
