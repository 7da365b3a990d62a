import "server-only";
import { randomUUID } from "node:crypto";
import type { Executor } from "@/db/client";
import type { JobRow } from "@/db/queries/jobs";
import type { LeaseRow } from "@/db/queries/leases";
import { matchCandidates } from "@/db/queries/offers";
import { type Reservation, reserveAndRecord } from "@/db/queries/placement";
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

type PlaceableJob = Pick<
  JobRow,
  | "id"
  | "consumer"
  | "gpuModels"
  | "minVramGb"
  | "gpuCount"
  | "regions"
  | "maxPricePerGpuHour"
  | "maxHours"
>;

/** The lease a placement of `job` on `offer` would write, and the statement's input for it. */
export function reservationFor(
  job: PlaceableJob,
  offer: MatchOffer,
  candidates: readonly MatchOffer[],
  busy: ReadonlySet<string>,
  actor: string | null,
  now: Date,
): { lease: LeaseRow; reservation: Reservation } {
  const want = toMatchJob(job);
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
    chainJobId: chainJobId(job.consumer, job.id),
    quoteSigner: null,
    quoteSignature: null,
    quoteExpiresAt: new Date(now.getTime() + limits.quoteTtlSeconds * 1000),
    fundTxHash: null,
    resultTxHash: null,
    status: "reserved" as const,
    createdAt: now,
    updatedAt: now,
  } satisfies LeaseRow;
  const reservation: Reservation = {
    leaseId: lease.id,
    jobId: job.id,
    consumer: job.consumer,
    offer,
    gpuCount: lease.gpuCount,
    pricePerGpuHour: lease.pricePerGpuHour,
    ratePerSecond: lease.ratePerSecond,
    maxSeconds: lease.maxSeconds,
    chainJobId: lease.chainJobId,
    quoteExpiresAt: lease.quoteExpiresAt,
    actor,
    alternatives: alternativesTo(want, offer, candidates, busy).map((a) => ({
      offerId: a.offer.id,
      providerId: a.offer.providerId,
      askWeiPerGpuHour: a.offer.askWeiPerGpuHour,
      reason: a.reason,
    })),
  };
  return { lease, reservation };
}

/**
 * Places a pending job: reads candidates, lets the engine rank them, and reserves GPUs on the
 * best one it can lock. The first pass skips offers another transaction holds (they are likely
 * being taken); later passes wait for the best remaining one, so a job is not left pending
 * while capacity it fits is free. The reservation, the guarded pending -> matched move, the
 * lease, its alternatives and the events are one statement (one transaction by itself, or part
 * of the caller's). Returns undefined when nothing fits; throws, writing nothing, when the job
 * is no longer pending. `busy`: offers already found locked by the caller.
 */
export async function placeJob(
  tx: Executor,
  job: PlaceableJob,
  actor: string | null,
  now = new Date(),
  busy = new Set<string>(),
): Promise<LeaseRow | undefined> {
  const want = toMatchJob(job);
  const markets = marketsFor(want);
  if (markets.length === 0) return undefined;
  for (let pass = 0; pass < PASSES; pass++) {
    const candidates = await candidatesFor(tx, want, markets, busy.size);
    const ranked = rankFeasible(want, candidates);
    if (ranked.length === 0) return undefined;
    const waitForBest = pass > 0 || busy.size > 0;
    for (const offer of waitForBest ? ranked.slice(0, 1) : ranked) {
      const { lease, reservation } = reservationFor(job, offer, candidates, busy, actor, now);
      const { reserved } = await reserveAndRecord(tx, reservation, waitForBest);
      if (reserved) return lease;
      busy.add(offer.id);
    }
  }
  return undefined;
}
