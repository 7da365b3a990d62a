import "server-only";
import { randomUUID } from "node:crypto";
import type { Db, Executor } from "@/db/client";
import { appendEvents } from "@/db/queries/events";
import { type JobRow, jobById, jobByKey, transitionJob } from "@/db/queries/jobs";
import { holdingLeaseOfJob, type LeaseRow, transitionLease } from "@/db/queries/leases";
import { offersInMarkets, releaseGpus } from "@/db/queries/offers";
import {
  DUPLICATE_SUBMIT,
  insertJobAndReserve,
  JOB_NOT_PENDING,
  type JobInsert,
} from "@/db/queries/placement";
import { AppError } from "@/lib/errors";
import { describeNoMatch, type NoMatchView } from "@/lib/market/messages";
import type { SubmitJobInput } from "@/lib/market/schemas";
import { explainNoMatch } from "@/lib/matching/explain";
import { rankFeasible } from "@/lib/matching/feasibility";
import { candidatesFor, marketsFor, placeJob, reservationFor, toMatchJob } from "./placement";
import { sealEnv } from "./secrets";
import { submitBatcher } from "./submit-batch";

export type SubmitResult = { job: JobRow; lease: LeaseRow | undefined; created: boolean };

/** What a submit stores: the job row's values, secrets sealed, id chosen here. */
export function jobValues(consumer: string, input: SubmitJobInput): JobInsert {
  const id = randomUUID();
  return {
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
}

/**
 * Stores the job and tries to place it. Submits arriving together are placed as one batch
 * (`submit-batch.ts`): one read of the order book, the engine places them in arrival order, one
 * statement writes them all. The same idempotency key returns the job already stored, untouched.
 */
export async function submitJob(
  db: Db,
  consumer: string,
  input: SubmitJobInput,
  now = new Date(),
): Promise<SubmitResult> {
  return submitBatcher(db).submit(jobValues(consumer, input), now);
}

/**
 * One submit on its own, in two round trips and no BEGIN/COMMIT: read the candidates, then one
 * statement (one transaction) writes the job with its placement on the engine's choice: GPUs,
 * lease, alternatives, events. Only if that offer was locked by another match does the job go in
 * as pending and placeJob try the next offers. The batch falls back to this when its statement
 * fails, so one bad submit fails alone.
 */
export async function submitOne(db: Db, values: JobInsert, now: Date): Promise<SubmitResult> {
  const consumer = values.consumer;
  const want = toMatchJob(values);
  const candidates = await candidatesFor(db, want, marketsFor(want));
  const best = rankFeasible(want, candidates)[0];
  const first = best && reservationFor(values, best, candidates, new Set(), consumer, now);
  try {
    const { created, reserved } = await insertJobAndReserve(db, values, first?.reservation);
    if (!created) return existingJob(db, consumer, values.idempotencyKey);
    if (reserved) return newJob(values, first?.lease, now);
  } catch (error) {
    if (isAbort(error, DUPLICATE_SUBMIT)) return existingJob(db, consumer, values.idempotencyKey);
    throw error;
  }
  return best
    ? retryPlacement(db, values, now, new Set([best.id]))
    : newJob(values, undefined, now);
}

/** The job just stored, as the caller sees it. */
export function newJob(values: JobInsert, lease: LeaseRow | undefined, now: Date): SubmitResult {
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

/**
 * A job stored as pending whose planned offer was taken first (`busy`), or that needs its own
 * read: placeJob tries the next candidates, then waits for the best one.
 */
export async function retryPlacement(
  db: Db,
  values: JobInsert,
  now: Date,
  busy: Set<string>,
): Promise<SubmitResult> {
  try {
    return newJob(values, await placeJob(db, values, values.consumer, now, busy), now);
  } catch (error) {
    if (!isAbort(error, JOB_NOT_PENDING)) throw error;
    // Placed or cancelled by someone else meanwhile: report it as it is now.
    return { ...(await existingJob(db, values.consumer, values.idempotencyKey)), created: true };
  }
}

export async function existingJob(db: Db, consumer: string, idempotencyKey: string) {
  const job = await jobByKey(db, consumer, idempotencyKey);
  if (!job) throw new Error("a job reported as stored is missing");
  return { job, lease: await holdingLeaseOfJob(db, job.id), created: false };
}

export function isAbort(error: unknown, message: string): boolean {
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
