import "server-only";
import type { Executor } from "@/db/client";
import {
  type ChainJob,
  chainJobWithEvents,
  marketplaceJobRef,
  type StoredEvent,
} from "@/db/queries/chain/job-reads";
import type { JobStatus } from "@/db/schema/jobs";
import { AppError } from "@/lib/errors";

type StepAt = {
  txHash: string;
  blockNumber: bigint;
  blockTime: Date;
  logIndex: number;
};

/** One on-chain step of a job, with the transaction and block that made it and its amounts. */
export type TimelineStep = StepAt &
  (
    | {
        step: "funded";
        escrow: bigint;
        collateral: bigint;
        ratePerSecond: bigint;
        maxSeconds: bigint;
      }
    | { step: "started" }
    | { step: "submitted"; usedSeconds: bigint; resultHash: string }
    | { step: "disputed" }
    | { step: "finalized"; providerPay: bigint; fee: bigint; refund: bigint; slash: bigint }
    | {
        step: "resolved";
        providerPay: bigint;
        fee: bigint;
        /** The escrow back to the consumer, without the slash. */
        refund: bigint;
        slash: bigint;
        providerPayBps: number;
        slashBps: number;
        /** Settled by anyone with the job's default split after the dispute timeout. */
        timedOut: boolean;
      }
    | { step: "expired"; providerPay: bigint; fee: bigint; refund: bigint; slash: bigint }
  );

/**
 * The moments that decide what can happen next, each set only while it applies: a funded job
 * must be acknowledged by `startDeadline` and have its result by `deadline`; a running one by
 * `deadline`; a submitted one can be disputed until, and finalized from, `challengeEndsAt`; a
 * disputed one can be settled by anyone from `disputeEndsAt`. All null once settled.
 */
export type JobDeadlines = {
  startDeadline: Date | null;
  deadline: Date | null;
  challengeEndsAt: Date | null;
  disputeEndsAt: Date | null;
};

export type JobTimeline = {
  job: ChainJob;
  steps: TimelineStep[];
  deadlines: JobDeadlines;
};

const CHAIN_JOB_ID = /^0x[0-9a-fA-F]{64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const num = (v: string | number | boolean | undefined) => BigInt(String(v ?? 0));

/** An event as a step; the job events' arguments are those of stylus-contract/src/events.rs. */
function stepOf(e: StoredEvent): TimelineStep | undefined {
  const at: StepAt = {
    txHash: e.txHash,
    blockNumber: e.blockNumber,
    blockTime: e.blockTime,
    logIndex: e.logIndex,
  };
  const a = e.args;
  switch (e.name) {
    case "JobFunded":
      return {
        ...at,
        step: "funded",
        escrow: num(a.escrow),
        collateral: num(a.collateral),
        ratePerSecond: num(a.ratePerSecond),
        maxSeconds: num(a.maxSeconds),
      };
    case "JobStarted":
      return { ...at, step: "started" };
    case "ResultSubmitted":
      return {
        ...at,
        step: "submitted",
        usedSeconds: num(a.usedSeconds),
        resultHash: String(a.resultHash),
      };
    case "JobDisputed":
      return { ...at, step: "disputed" };
    case "JobFinalized":
      return {
        ...at,
        step: "finalized",
        providerPay: num(a.providerAmount),
        fee: num(a.fee),
        refund: num(a.consumerRefund),
        slash: 0n,
      };
    case "DisputeResolved":
      return {
        ...at,
        step: "resolved",
        providerPay: num(a.providerAmount),
        fee: num(a.fee),
        // The event's consumerAmount includes the slash.
        refund: num(a.consumerAmount) - num(a.slashed),
        slash: num(a.slashed),
        providerPayBps: Number(a.providerPayBps),
        slashBps: Number(a.slashBps),
        timedOut: a.timedOut === true,
      };
    case "JobExpired":
      return {
        ...at,
        step: "expired",
        providerPay: 0n,
        fee: 0n,
        refund: num(a.consumerRefund),
        slash: num(a.slashed),
      };
    default:
      return undefined;
  }
}

export function deadlinesNow(job: ChainJob): JobDeadlines {
  const none: JobDeadlines = {
    startDeadline: null,
    deadline: null,
    challengeEndsAt: null,
    disputeEndsAt: null,
  };
  switch (job.status) {
    case "funded":
      return { ...none, startDeadline: job.startDeadline, deadline: job.deadline };
    case "running":
      return { ...none, deadline: job.deadline };
    case "submitted":
      return { ...none, challengeEndsAt: job.challengeEndsAt };
    case "disputed":
      return { ...none, disputeEndsAt: job.disputeEndsAt };
    default:
      return none;
  }
}

/**
 * A chain job's timeline from the index: every step with its transaction, block and amounts,
 * the job's state and the deadlines that apply now. Undefined when the index has not seen the
 * job funded. Chain data is public, so no viewer is checked here; the marketplace's own view
 * of a job goes through `jobTimelineOfMarketplaceJob`.
 */
export async function jobTimeline(
  db: Executor,
  chainJobId: string,
): Promise<JobTimeline | undefined> {
  if (!CHAIN_JOB_ID.test(chainJobId)) return undefined;
  const found = await chainJobWithEvents(db, chainJobId);
  if (!found) return undefined;
  const steps = found.events.map(stepOf).filter((s): s is TimelineStep => s !== undefined);
  return { job: found.job, steps, deadlines: deadlinesNow(found.job) };
}

export type MarketplaceJobTimeline = {
  jobId: string;
  /** The marketplace's status of the job (it follows the chain from `funded` on). */
  status: JobStatus;
  chainJobId: string | null;
  /** Null until the index has seen the job funded. */
  timeline: JobTimeline | null;
};

const notFound = () =>
  new AppError("not_found", "No such job in your account.", { jobId: ["no such job"] });

/**
 * A marketplace job's on-chain timeline, for its consumer or the provider its lease is with
 * (`viewer` is the session's address). Anyone else gets the same not_found as for a job that
 * does not exist, so a job id reveals nothing.
 */
export async function jobTimelineOfMarketplaceJob(
  db: Executor,
  jobId: string,
  viewer: string,
): Promise<MarketplaceJobTimeline> {
  if (!UUID.test(jobId)) throw notFound();
  const ref = await marketplaceJobRef(db, jobId);
  const me = viewer.toLowerCase();
  if (!ref || (ref.consumer !== me && ref.provider !== me)) throw notFound();
  const timeline =
    ref.chainJobId && ref.onChain ? await jobTimeline(db, ref.chainJobId) : undefined;
  return {
    jobId: ref.jobId,
    status: ref.status,
    chainJobId: ref.chainJobId,
    timeline: timeline ?? null,
  };
}
