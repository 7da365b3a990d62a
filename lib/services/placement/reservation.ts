import "server-only";
import { randomUUID } from "node:crypto";
import type { JobRow } from "@/db/queries/jobs";
import type { LeaseRow } from "@/db/queries/leases";
import type { Reservation } from "@/db/queries/placement/records";
import { limits } from "@/lib/market/limits";
import { alternativesTo } from "@/lib/matching/alternatives";
import { ratePerSecond } from "@/lib/matching/feasibility";
import type { MatchOffer } from "@/lib/matching/types";
import { chainJobId } from "@/lib/web3/job-id";
import { toMatchJob } from "./candidates";

export type PlaceableJob = Pick<
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

/**
 * The lease a placement of `job` on `offer` would write (as the caller will see it), and the
 * placement statements' input for it: pay-as-ask, the chain job id, the quote's expiry, and the
 * candidates that lost with the reason.
 */
export function reservationFor(
  job: PlaceableJob,
  offer: MatchOffer,
  candidates: readonly MatchOffer[],
  busy: ReadonlySet<string>,
  actor: string | null,
  now: Date,
): { lease: LeaseRow; reservation: Reservation } {
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
    alternatives: alternativesTo(toMatchJob(job), offer, candidates, busy).map((a) => ({
      offerId: a.offer.id,
      providerId: a.offer.providerId,
      askWeiPerGpuHour: a.offer.askWeiPerGpuHour,
      reason: a.reason,
    })),
  };
  return { lease, reservation };
}
