import "server-only";
import type { Db, Executor } from "@/db/client";
import { appendEvents } from "@/db/queries/events";
import { jobById, transitionJob } from "@/db/queries/jobs";
import { holdingLeaseOfJob, type LeaseRow, leaseById, transitionLease } from "@/db/queries/leases";
import { releaseGpus } from "@/db/queries/offers";
import { transaction } from "@/db/retry";
import type { JobStatus, LeaseStatus } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { sourcesOf } from "./transitions";

type Step = {
  to: JobStatus;
  only?: readonly JobStatus[];
  lease?: { from: readonly LeaseStatus[]; to: LeaseStatus; release: boolean; id?: string };
  set?: Partial<Pick<LeaseRow, "fundTxHash" | "resultTxHash">>;
};

/**
 * One lifecycle step as one transaction: the job moves first (its row lock orders every
 * concurrent step on the same job), then its lease, then, when the lease ends, its GPUs go back
 * to the offer. Exactly one of several concurrent callers wins; the others get a conflict.
 */
export async function advanceJob(
  db: Db,
  jobId: string,
  step: Step,
  actor: string | null,
): Promise<{ from: JobStatus; lease: LeaseRow | undefined }> {
  return transaction(db, (tx) => advanceJobIn(tx, jobId, step, actor));
}

/** `advanceJob` inside the caller's transaction. */
export async function advanceJobIn(tx: Executor, jobId: string, step: Step, actor: string | null) {
  const moved = await transitionJob(tx, jobId, sourcesOf(step.to, step.only), step.to);
  if (!moved) {
    const now = await jobById(tx, jobId);
    throw new AppError(
      "conflict",
      now ? `This job is ${now.status}; it cannot move to ${step.to}.` : "No such job.",
    );
  }
  const events: Parameters<typeof appendEvents>[1] = [
    {
      aggregate: "job",
      aggregateId: jobId,
      type: `job.${step.to}`,
      fromStatus: moved.from,
      toStatus: step.to,
      actor,
    },
  ];
  let lease: LeaseRow | undefined;
  if (step.lease) {
    const pinned = step.lease.id;
    const held = pinned ? await leaseById(tx, pinned) : await holdingLeaseOfJob(tx, jobId);
    lease = held && (await transitionLease(tx, held, step.lease.from, step.lease.to, step.set));
    if (!held || !lease) {
      // A pinned lease that moved on (a sweeper raced another) is a lost race, not a bug.
      if (pinned) throw new AppError("conflict", "This lease has already moved on.");
      throw new Error(`job ${jobId} has no lease in ${step.lease.from.join("/")}`);
    }
    if (step.lease.release) {
      await releaseGpus(tx, { market: held.market, id: held.offerId }, held.gpuCount);
    }
    events.push({
      aggregate: "lease",
      aggregateId: held.id,
      type: `lease.${step.lease.to}`,
      fromStatus: held.status,
      toStatus: step.lease.to,
      actor,
    });
  }
  await appendEvents(tx, events);
  return { from: moved.from, lease };
}

/** JobFunded seen on chain. */
export const markFunded = (
  db: Db,
  jobId: string,
  fundTxHash: string,
  actor: string | null = null,
) =>
  advanceJob(
    db,
    jobId,
    {
      to: "funded",
      lease: { from: ["quoted"], to: "funded", release: false },
      set: { fundTxHash },
    },
    actor,
  );

/** The provider's agent started the container. */
export const markRunning = (db: Db, jobId: string, actor: string | null = null) =>
  advanceJob(
    db,
    jobId,
    { to: "running", lease: { from: ["funded"], to: "running", release: false } },
    actor,
  );

/** ResultSubmitted seen on chain: the GPUs are free again while the challenge window runs. */
export const markSubmitted = (
  db: Db,
  jobId: string,
  resultTxHash: string,
  actor: string | null = null,
) =>
  advanceJob(
    db,
    jobId,
    {
      to: "submitted",
      lease: { from: ["running"], to: "released", release: true },
      set: { resultTxHash },
    },
    actor,
  );

export const markFinalized = (db: Db, jobId: string, actor: string | null = null) =>
  advanceJob(db, jobId, { to: "finalized" }, actor);
export const markDisputed = (db: Db, jobId: string, actor: string | null = null) =>
  advanceJob(db, jobId, { to: "disputed" }, actor);
export const markResolved = (db: Db, jobId: string, actor: string | null = null) =>
  advanceJob(db, jobId, { to: "resolved" }, actor);

/** A no-show (cancelExpired on chain): not started by the start deadline, or no result by the deadline; the GPUs are released. */
export const markExpired = (db: Db, jobId: string, actor: string | null = null) =>
  advanceJob(
    db,
    jobId,
    { to: "expired", lease: { from: ["funded", "running"], to: "expired", release: true } },
    actor,
  );
