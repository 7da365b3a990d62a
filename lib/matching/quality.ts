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

/**
 * How close the engine gets to the best possible total surplus on a single-tenant instance
 * (each offer hosts at most one job, so the optimum is an assignment problem the Hungarian
 * algorithm solves exactly). The engine is run as the market runs it: jobs in `order`, each
 * taking its cheapest feasible offer. Surplus must fit a double exactly: pass prices in small
 * units (e.g. gwei).
 */
export function matchQuality(
  jobs: readonly QualityJob[],
  offers: readonly MatchOffer[],
  order: "arrival" | "rematch" = "arrival",
): { engine: number; optimal: number; pct: number; placed: number } {
  const queue =
    order === "rematch"
      ? [...jobs].sort(compareJobsForRematch)
      : [...jobs].sort((a, b) => a.createdAt - b.createdAt);
  const free = new Map(offers.map((o) => [o.id, o]));
  let engine = 0n;
  let placed = 0;
  for (const job of queue) {
    const offer = chooseOffer(job, [...free.values()]);
    if (!offer) continue;
    free.delete(offer.id);
    engine += surplus(job, offer);
    placed++;
  }
  const weights = jobs.map((j) => offers.map((o) => Number(surplus(j, o))));
  const optimal = maxWeightAssignment(weights).total;
  const pct = optimal === 0 ? 100 : (Number(engine) / optimal) * 100;
  return { engine: Number(engine), optimal, pct, placed };
}
