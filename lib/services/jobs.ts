import "server-only";
import { randomUUID } from "node:crypto";
import type { Db, Executor } from "@/db/client";
import { appendEvents } from "@/db/queries/events";
import { type JobRow, jobById, jobByKey, transitionJob } from "@/db/queries/jobs";
import { holdingLeaseOfJob, type LeaseRow, transitionLease } from "@/db/queries/leases";
import { offersInMarkets, releaseGpus } from "@/db/queries/offers";
import { DUPLICATE_SUBMIT, insertJobAndReserve, JOB_NOT_PENDING } from "@/db/queries/placement";
import { AppError } from "@/lib/errors";
import { describeNoMatch, type NoMatchView } from "@/lib/market/messages";
import type { SubmitJobInput } from "@/lib/market/schemas";
import { explainNoMatch } from "@/lib/matching/explain";
import { rankFeasible } from "@/lib/matching/feasibility";
import { candidatesFor, marketsFor, placeJob, reservationFor, toMatchJob } from "./placement";
import { sealEnv } from "./secrets";

export type SubmitResult = { job: JobRow; lease: LeaseRow | undefined; created: boolean };

/**
 * Stores the job and tries to place it, in two round trips and no BEGIN/COMMIT: read the
 * candidates, then one statement (one transaction) writes the job with its placement on the
 * engine's choice: GPUs, lease, alternatives, events. Only if that offer was locked by another
 * match does the job go in as pending and placeJob try the next offers. The same idempotency
 * key returns the job already stored, untouched.
 */
export async function submitJob(
  db: Db,
  consumer: string,
  input: SubmitJobInput,
  now = new Date(),
): Promise<SubmitResult> {
  const id = randomUUID();
  const values = {
    id,
    consumer,
    kind: input.kind,
    image: input.image,
    command: input.command,
    env: sealEnv(input.env, id),
    gpuModels: input.gpuModels,
    minVramGb: input.minVramGb ?? null,
    gpuCount: input.gpuCount,
    regions: input.regions,
    maxPricePerGpuHour: input.maxPricePerGpuHour,
    maxHours: input.maxHours,
    idempotencyKey: input.idempotencyKey,
  };
  const want = toMatchJob(values);
  const candidates = await candidatesFor(db, want, marketsFor(want));
  const best = rankFeasible(want, candidates)[0];
  const first = best && reservationFor(values, best, candidates, new Set(), consumer, now);
  let lease: LeaseRow | undefined;
  try {
    const { created, reserved } = await insertJobAndReserve(db, values, first?.reservation);
    if (!created) return existingJob(db, consumer, input.idempotencyKey);
    lease = reserved ? first?.lease : undefined;
    if (best && !reserved) {
      lease = await placeJob(db, values, consumer, now, new Set([best.id]));
    }
  } catch (error) {
    if (isAbort(error, DUPLICATE_SUBMIT)) return existingJob(db, consumer, input.idempotencyKey);
    if (!isAbort(error, JOB_NOT_PENDING)) throw error;
    return { ...(await existingJob(db, consumer, input.idempotencyKey)), created: true };
  }
  const job: JobRow = {
    ...values,
    gpuModels: [...values.gpuModels],
    regions: [...values.regions],
    status: lease ? "matched" : "pending",
    createdAt: now,
    updatedAt: now,
  };
  return { job, lease, created: true };
}

async function existingJob(db: Db, consumer: string, idempotencyKey: string) {
  const job = await jobByKey(db, consumer, idempotencyKey);
  if (!job) throw new Error("a job reported as stored is missing");
  return { job, lease: await holdingLeaseOfJob(db, job.id), created: false };
}

function isAbort(error: unknown, message: string): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e.message.includes(message)) return true;
  }
  return false;
}

/** Why a job cannot be placed right now, and what would place it (reads every offer it could use). */
export async function explainJob(executor: Executor, job: JobRow): Promise<NoMatchView> {
  const want = toMatchJob(job);
  const offers = await offersInMarkets(executor, marketsFor(want));
  return describeNoMatch(explainNoMatch(want, offers));
}

/** A job that exists and belongs to the consumer, or a not_found that reveals nothing. */
export async function ownJob(executor: Executor, consumer: string, jobId: string) {
  const job = await jobById(executor, jobId);
  if (!job || job.consumer !== consumer) {
    throw new AppError("not_found", "No such job in your account.", { jobId: ["no such job"] });
  }
  return job;
}

/**
 * Cancels a job that is not funded yet; a reservation it holds is released in the same
 * transaction. Returns the offer whose capacity came back, so callers can re-match its market.
 */
export async function cancelJob(db: Db, consumer: string, jobId: string) {
  return db.transaction(async (tx) => {
    await ownJob(tx, consumer, jobId);
    const moved = await transitionJob(tx, jobId, ["pending", "matched", "quoted"], "cancelled");
    if (!moved) {
      throw new AppError(
        "conflict",
        "This job can no longer be cancelled: it is funded or closed.",
      );
    }
    const events: Parameters<typeof appendEvents>[1] = [
      {
        aggregate: "job",
        aggregateId: jobId,
        type: "job.cancelled",
        fromStatus: moved.from,
        toStatus: "cancelled",
        actor: consumer,
      },
    ];
    let released: { market: string; offerId: string } | undefined;
    if (moved.from !== "pending") {
      const lease = await holdingLeaseOfJob(tx, jobId);
      const ended =
        lease && (await transitionLease(tx, lease, ["reserved", "quoted"], "cancelled"));
      if (!lease || !ended) throw new Error(`job ${jobId} was ${moved.from} without a live lease`);
      await releaseGpus(tx, { market: lease.market, id: lease.offerId }, lease.gpuCount);
      released = { market: lease.market, offerId: lease.offerId };
      events.push({
        aggregate: "lease",
        aggregateId: lease.id,
        type: "lease.cancelled",
        fromStatus: lease.status,
        toStatus: "cancelled",
        actor: consumer,
      });
    }
    await appendEvents(tx, events);
    return { jobId, from: moved.from, released };
  });
}
