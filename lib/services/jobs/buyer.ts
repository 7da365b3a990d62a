import "server-only";
import type { Db } from "@/db/client";
import {
  type ConsumerJobRow,
  countJobsOfConsumer,
  jobEventTimes,
  jobsOfConsumer,
  withdrawableOf,
} from "@/db/queries/consumer-jobs";
import { holdingLeaseOfJob } from "@/db/queries/leases";
import { type JobStatus, jobStatuses } from "@/db/schema/jobs";
import { type JobTimeline, jobTimelineOfMarketplaceJob } from "../chain/timeline";
import { type Quote, quoteOfLease } from "../quotes/sign-lease";
import { type JobView, type Placement, placementOf } from "./actions";
import { ownJob } from "./read";
import { redactEnv } from "./secrets";

/** Jobs listed on one page of /jobs. */
export const JOBS_PAGE_SIZE = 20;

/** The status filters of /jobs: a word a buyer uses for a group of statuses. */
export const jobFilters = {
  all: [],
  waiting: ["pending", "matched", "quoted"],
  active: ["funded", "running", "submitted", "disputed"],
  settled: ["finalized", "resolved", "expired"],
  cancelled: ["cancelled"],
} as const satisfies Record<string, readonly JobStatus[]>;
export type JobFilter = keyof typeof jobFilters;

export function jobFilterOf(raw: unknown): JobFilter {
  return typeof raw === "string" && raw in jobFilters ? (raw as JobFilter) : "all";
}

export type BuyerJobsPage = {
  items: ConsumerJobRow[];
  /** The buyer's jobs under the filter, all pages. */
  total: number;
  page: number;
  pages: number;
};

/**
 * One page of the signed-in buyer's jobs, newest first. A page past the end shows the last one
 * (a link kept from when there were more jobs still lands on jobs).
 */
export async function buyerJobs(
  db: Db,
  consumer: string,
  filter: JobFilter = "all",
  page = 1,
  pageSize = JOBS_PAGE_SIZE,
): Promise<BuyerJobsPage> {
  const address = consumer.toLowerCase();
  const statuses = jobFilters[filter];
  const total = await countJobsOfConsumer(db, address, statuses);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const shown = Math.min(Math.max(1, Math.trunc(page) || 1), pages);
  const items =
    total === 0
      ? []
      : await jobsOfConsumer(db, address, {
          statuses,
          limit: pageSize,
          offset: (shown - 1) * pageSize,
        });
  return { items, total, page: shown, pages };
}

export type MarketplaceStep = { type: string; toStatus: string | null; at: Date };

/** Everything the job page shows, for the job's own buyer only; secrets masked. */
export type BuyerJobDetail = {
  job: JobView;
  placement: Placement | null;
  /** The provider's signed quote while the job waits to be funded. */
  quote: Quote | null;
  /** The marketplace's steps before the chain (submitted, matched, quoted, cancelled). */
  steps: MarketplaceStep[];
  /** The chain's side (null until the index has seen the job funded). */
  chainJobId: string | null;
  timeline: JobTimeline | null;
  /** What the buyer's address can withdraw from the contract now (all jobs together). */
  withdrawable: bigint;
};

/**
 * A job of `consumer` with its lease, quote, steps and chain timeline. Another buyer's job (or
 * one that does not exist) is the same not_found, so an id reveals nothing.
 */
export async function buyerJobDetail(
  db: Db,
  consumer: string,
  jobId: string,
): Promise<BuyerJobDetail> {
  const me = consumer.toLowerCase();
  const job = await ownJob(db, me, jobId);
  const [lease, steps, chain, withdrawable] = await Promise.all([
    holdingLeaseOfJob(db, jobId),
    jobEventTimes(db, jobId),
    jobTimelineOfMarketplaceJob(db, jobId, me),
    withdrawableOf(db, me),
  ]);
  const quote =
    lease && lease.status === "quoted" ? ((await quoteOfLease(db, lease)) ?? null) : null;
  return {
    job: { ...job, env: redactEnv(job.env) },
    placement: lease ? placementOf(lease) : null,
    quote,
    steps,
    chainJobId: chain.chainJobId,
    timeline: chain.timeline,
    withdrawable,
  };
}

export { jobStatuses };
