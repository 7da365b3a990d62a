import "server-only";
import type { Db, Executor } from "@/db/client";
import { appendEvents } from "@/db/queries/events";
import { transitionJob } from "@/db/queries/jobs";
import {
  expiredQuotes,
  holdingLeaseOfJob,
  type LeaseRow,
  leaseById,
  transitionLease,
} from "@/db/queries/leases";
import { releaseGpus } from "@/db/queries/offers";
import type { JobStatus, LeaseStatus } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { sourcesOf } from "./job-lifecycle";

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
  return db.transaction((tx) => advanceJobIn(tx, jobId, step, actor));
}

async function advanceJobIn(tx: Executor, jobId: string, step: Step, actor: string | null) {
  const moved = await transitionJob(tx, jobId, sourcesOf(step.to, step.only), step.to);
  if (!moved)
    throw new AppError("conflict", `This job cannot move to ${step.to} from where it is.`);
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

/**
 * Quotes nobody funded in time: the lease expires, its GPUs go back to the offer and the job
 * returns to pending to be matched again. Each in its own transaction; funding that wins the
 * race on a job makes its expiry a no-op. Returns the markets that regained capacity.
 */
export async function expireQuotes(db: Db, now = new Date(), batch = 100) {
  const due = await expiredQuotes(db, now, batch);
  const markets = new Map<string, { gpuModel: string; region: string }>();
  const expired: string[] = [];
  for (const lease of due) {
    const done = await db
      .transaction((tx) =>
        advanceJobIn(
          tx,
          lease.jobId,
          {
            to: "pending",
            only: ["matched", "quoted"],
            lease: { from: ["reserved", "quoted"], to: "expired", release: true, id: lease.id },
          },
          null,
        ),
      )
      .catch((error: unknown) => {
        if (error instanceof AppError && error.code === "conflict") return undefined;
        throw error;
      });
    if (!done) continue;
    expired.push(lease.id);
    const [gpuModel = "", region = ""] = lease.market.split("/");
    markets.set(lease.market, { gpuModel, region });
  }
  return { expired, markets: [...markets.values()] };
}
