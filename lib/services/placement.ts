import "server-only";
import { randomUUID } from "node:crypto";
import type { Executor } from "@/db/client";
import type { JobRow } from "@/db/queries/jobs";
import type { LeaseRow } from "@/db/queries/leases";
import { matchCandidates } from "@/db/queries/offers";
import { reserveAndRecord } from "@/db/queries/placement";
import { gpuCatalog, marketKey, modelsWithVram, regions } from "@/lib/market/gpu-catalog";
import { limits } from "@/lib/market/limits";
import { alternativesTo } from "@/lib/matching/alternatives";
import { rankFeasible, ratePerSecond } from "@/lib/matching/feasibility";
import type { MatchJob, MatchOffer } from "@/lib/matching/types";
import { chainJobId } from "./quotes";

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
const PASSES = 8;

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

/**
 * Places a pending job inside the caller's transaction: reads candidates, lets the engine rank
 * them, and reserves GPUs on the best one it can lock. The first pass skips offers another
 * transaction holds (they are likely being taken); later passes wait for the best remaining
 * one, so a job is never left pending while capacity it fits is free. The reservation, the
 * guarded pending -> matched move, the lease, its alternatives and the events are one
 * statement (one transaction by itself, or part of the caller's). Returns undefined when
 * nothing fits; throws, writing nothing, when the job is no longer pending.
 */
export async function placeJob(
  tx: Executor,
  job: Pick<
    JobRow,
    | "id"
    | "consumer"
    | "gpuModels"
    | "minVramGb"
    | "gpuCount"
    | "regions"
    | "maxPricePerGpuHour"
    | "maxHours"
  >,
  actor: string | null,
  now = new Date(),
  prefetched?: MatchOffer[],
): Promise<LeaseRow | undefined> {
  const want = toMatchJob(job);
  const markets = marketsFor(want);
  if (markets.length === 0) return undefined;
  const busy = new Set<string>();
  const quoteExpiresAt = new Date(now.getTime() + limits.quoteTtlSeconds * 1000);
  const chainId = chainJobId(job.id);
  for (let pass = 0; pass < PASSES; pass++) {
    const candidates =
      pass === 0 && prefetched ? prefetched : await candidatesFor(tx, want, markets, busy.size);
    const ranked = rankFeasible(want, candidates);
    if (ranked.length === 0) return undefined;
    for (const offer of pass === 0 ? ranked : ranked.slice(0, 1)) {
      const lease = {
        id: randomUUID(),
        market: offer.market,
        jobId: job.id,
        offerId: offer.id,
        providerId: offer.providerId,
        consumer: job.consumer,
        gpuCount: job.gpuCount,
        pricePerGpuHour: offer.askWeiPerGpuHour,
        ratePerSecond: ratePerSecond(offer.askWeiPerGpuHour, job.gpuCount),
        maxSeconds: job.maxHours * 3600,
        chainJobId: chainId,
        quoteSigner: null,
        quoteSignature: null,
        quoteExpiresAt,
        fundTxHash: null,
        resultTxHash: null,
        status: "reserved" as const,
        createdAt: now,
        updatedAt: now,
      } satisfies LeaseRow;
      const { reserved } = await reserveAndRecord(
        tx,
        {
          leaseId: lease.id,
          jobId: job.id,
          consumer: job.consumer,
          offer,
          gpuCount: lease.gpuCount,
          pricePerGpuHour: lease.pricePerGpuHour,
          ratePerSecond: lease.ratePerSecond,
          maxSeconds: lease.maxSeconds,
          chainJobId: chainId,
          quoteExpiresAt,
          actor,
          alternatives: alternativesTo(want, offer, candidates, busy).map((a) => ({
            offerId: a.offer.id,
            providerId: a.offer.providerId,
            askWeiPerGpuHour: a.offer.askWeiPerGpuHour,
            reason: a.reason,
          })),
        },
        pass > 0,
      );
      if (reserved) return lease;
      busy.add(offer.id);
    }
  }
  return undefined;
}
