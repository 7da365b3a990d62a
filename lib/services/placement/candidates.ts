import "server-only";
import type { Executor } from "@/db/client";
import type { JobRow } from "@/db/queries/jobs";
import { matchCandidates } from "@/db/queries/offers";
import { gpuCatalog, marketKey, modelsWithVram, regions } from "@/lib/market/gpu-catalog";
import type { MatchJob, MatchOffer } from "@/lib/matching/types";

export function toMatchJob(
  job: Pick<
    JobRow,
    "gpuModels" | "minVramGb" | "gpuCount" | "regions" | "maxPricePerGpuHour" | "maxHours"
  >,
): MatchJob {
  return {
    gpuModels: job.gpuModels,
    minVramGb: job.minVramGb,
    gpuCount: job.gpuCount,
    regions: job.regions,
    maxPricePerGpuHour: job.maxPricePerGpuHour,
    maxHours: job.maxHours,
  };
}

/** The (model, region) markets a job accepts: the shards a match for it may touch. */
export function marketsFor(job: MatchJob): string[] {
  let models: string[] = job.gpuModels.length ? [...job.gpuModels] : gpuCatalog.map((g) => g.id);
  if (job.minVramGb != null) {
    const big = new Set<string>(modelsWithVram(job.minVramGb));
    models = models.filter((m) => big.has(m));
  }
  const where: readonly string[] = job.regions.length ? job.regions : regions;
  return models.flatMap((m) => where.map((r) => marketKey(m, r)));
}

const FEASIBLE_CANDIDATES = 8;
const PER_MARKET = 4;
/** How many candidates a job's read returns: the best feasible overall and per market. */
export const CANDIDATE_LIMITS = { feasible: FEASIBLE_CANDIDATES, perMarket: PER_MARKET };

/** The rows the engine ranks for a job; `extra` widens the net past offers found busy. */
export function candidatesFor(
  executor: Executor,
  want: MatchJob,
  markets: readonly string[],
  extra = 0,
): Promise<MatchOffer[]> {
  return matchCandidates(executor, want, markets, {
    feasible: FEASIBLE_CANDIDATES + extra,
    perMarket: PER_MARKET + extra,
  });
}
