import "server-only";
import { randomUUID } from "node:crypto";
import type { Executor } from "@/db/client";
import { appendEvents } from "@/db/queries/events";
import { type JobRow, transitionJob } from "@/db/queries/jobs";
import { insertAlternatives, insertLease, type LeaseRow } from "@/db/queries/leases";
import { matchCandidates, reserveGpus } from "@/db/queries/offers";
import { gpuCatalog, marketKey, modelsWithVram, regions } from "@/lib/market/gpu-catalog";
import { limits } from "@/lib/market/limits";
import { alternativesTo } from "@/lib/matching/alternatives";
import { rankFeasible, ratePerSecond } from "@/lib/matching/feasibility";
import type { MatchJob, MatchOffer } from "@/lib/matching/types";
import { chainJobId } from "./quotes";

export function toMatchJob(job: JobRow): MatchJob {
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
const NEARLY_CANDIDATES = 4;
const PASSES = 8;

/**
 * Places a pending job inside the caller's transaction: reads candidates, lets the engine rank
 * them, and reserves GPUs on the best one it can lock. The first pass skips offers another
 * transaction holds (they are likely being taken); later passes wait for the best remaining
 * one, so a job is never left pending while capacity it fits is free. Then, in the same
 * transaction, the job moves pending -> matched (guarded), and the lease, the alternatives and
 * the events are written. Returns undefined when nothing fits; throws (rolling back) when the
 * job is no longer pending.
 */
export async function placeJob(
  tx: Executor,
  job: JobRow,
  actor: string | null,
  now = new Date(),
): Promise<LeaseRow | undefined> {
  const want = toMatchJob(job);
  const markets = marketsFor(want);
  if (markets.length === 0) return undefined;
  const busy = new Set<string>();
  let chosen: MatchOffer | undefined;
  let candidates: MatchOffer[] = [];
  for (let pass = 0; pass < PASSES && !chosen; pass++) {
    candidates = await matchCandidates(tx, want, markets, {
      feasible: FEASIBLE_CANDIDATES + busy.size,
      nearly: NEARLY_CANDIDATES,
    });
    const ranked = rankFeasible(want, candidates);
    if (ranked.length === 0) return undefined;
    for (const offer of pass === 0 ? ranked : ranked.slice(0, 1)) {
      if (await reserveGpus(tx, offer, want.gpuCount, pass === 0)) {
        chosen = offer;
        break;
      }
      busy.add(offer.id);
    }
  }
  if (!chosen) return undefined;

  const moved = await transitionJob(tx, job.id, ["pending"], "matched");
  if (!moved) throw new JobNotPendingError(job.id);
  const leaseId = randomUUID();
  const lease = await insertLease(tx, {
    id: leaseId,
    market: chosen.market,
    jobId: job.id,
    offerId: chosen.id,
    providerId: chosen.providerId,
    consumer: job.consumer,
    gpuCount: job.gpuCount,
    pricePerGpuHour: chosen.askWeiPerGpuHour,
    ratePerSecond: ratePerSecond(chosen.askWeiPerGpuHour, job.gpuCount),
    maxSeconds: job.maxHours * 3600,
    chainJobId: chainJobId(job.id),
    quoteExpiresAt: new Date(now.getTime() + limits.quoteTtlSeconds * 1000),
  });
  await insertAlternatives(
    tx,
    alternativesTo(want, chosen, candidates, busy).map((a) => ({
      market: chosen.market,
      leaseId,
      offerId: a.offer.id,
      providerId: a.offer.providerId,
      askWeiPerGpuHour: a.offer.askWeiPerGpuHour,
      reason: a.reason,
    })),
  );
  await appendEvents(tx, [
    {
      aggregate: "job",
      aggregateId: job.id,
      type: "job.matched",
      fromStatus: "pending",
      toStatus: "matched",
      actor,
      data: { leaseId, offerId: chosen.id, market: chosen.market },
    },
    {
      aggregate: "lease",
      aggregateId: leaseId,
      type: "lease.reserved",
      toStatus: "reserved",
      actor,
      data: { jobId: job.id, offerId: chosen.id, gpus: job.gpuCount },
    },
  ]);
  return lease;
}

export class JobNotPendingError extends Error {
  constructor(readonly jobId: string) {
    super(`job ${jobId} is no longer pending`);
    this.name = "JobNotPendingError";
  }
}
