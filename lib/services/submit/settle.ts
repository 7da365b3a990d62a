import "server-only";
import type { Db } from "@/db/client";
import { type JobRow, jobByKey } from "@/db/queries/jobs";
import { holdingLeaseOfJob, type LeaseRow } from "@/db/queries/leases";
import type { JobInsert } from "@/db/queries/placement/records";
import type { BatchWrite } from "@/db/queries/placement/write-batch";
import { withRetry } from "@/db/retry";
import { placeJob } from "../placement/place-job";
import type { PlannedSubmit } from "./plan";
import type { SubmitResult } from "./queue";

/**
 * Each submit of a written batch learns its outcome: placed, queued as pending (nothing fits), a
 * repeat of a stored job, or placed again on its own (its offer was taken first, the book could
 * not decide, or a market it accepts gained capacity since the book was read).
 */
export function settleBatch(
  db: Db,
  planned: readonly PlannedSubmit[],
  write: BatchWrite,
  leases: readonly (LeaseRow | undefined)[],
): Promise<SubmitResult>[] {
  return planned.map(({ values, now, plan }, i) => {
    const outcome = write.outcomes[i];
    const lease = leases[i];
    if (!outcome?.created) return existingJob(db, values.consumer, values.idempotencyKey);
    if (outcome.reserved) return Promise.resolve(newJob(values, lease, now));
    if (plan.decided && !plan.offer && !outcome.recheck) {
      return Promise.resolve(newJob(values, undefined, now));
    }
    const busy = new Set<string>(plan.decided && plan.offer ? [plan.offer.id] : []);
    return placeAgain(db, values, now, busy);
  });
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

/** A repeated submit: the job stored under the key, as it is now. */
export async function existingJob(
  db: Db,
  consumer: string,
  idempotencyKey: string,
): Promise<SubmitResult> {
  const job = await jobByKey(db, consumer, idempotencyKey);
  if (!job) throw new Error("a job reported as stored is missing");
  return { job, lease: await holdingLeaseOfJob(db, job.id), created: false };
}

/**
 * A job stored as pending that should be placed now, on its own: `busy` holds the offer its plan
 * lost. Placed or cancelled by someone else meanwhile, it is reported as it is now.
 */
export async function placeAgain(
  db: Db,
  values: JobInsert,
  now: Date,
  busy: Set<string>,
): Promise<SubmitResult> {
  const result = await withRetry(() => placeJob(db, values, values.consumer, now, new Set(busy)));
  if (result.placed) return newJob(values, result.lease, now);
  if (result.stillPending) return newJob(values, undefined, now);
  return { ...(await existingJob(db, values.consumer, values.idempotencyKey)), created: true };
}
