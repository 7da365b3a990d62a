import "server-only";
import { sql } from "drizzle-orm";
import { type Executor, queryRows } from "@/db/client";
import type { JobStatus } from "@/db/schema/jobs";
import { textArray } from "./util";

/** One row of a buyer's job list: the job, its current lease, and the chain's money once funded. */
export type ConsumerJobRow = {
  id: string;
  kind: string;
  image: string;
  status: JobStatus;
  gpuModels: string[];
  gpuCount: number;
  createdAt: Date;
  updatedAt: Date;
  /** The market (`model/region`) of the lease that holds or held the job; null if never placed. */
  market: string | null;
  pricePerGpuHour: bigint | null;
  /** Escrowed on chain (null until the index has seen it funded). */
  escrow: bigint | null;
  /** Paid to the provider and the fee, once settled. */
  cost: bigint | null;
  /** Back to the buyer (unused escrow and slashed collateral), once settled. */
  refund: bigint | null;
};

const big = (v: string | null): bigint | null => (v === null ? null : BigInt(v));
const date = (v: Date | string): Date => (v instanceof Date ? v : new Date(v));

const statusFilter = (statuses?: readonly JobStatus[]) =>
  statuses && statuses.length > 0 ? sql`and j.status = any(${textArray(statuses)})` : sql``;

/** How many jobs a consumer has, optionally of some statuses (on `jobs_consumer_idx`). */
export async function countJobsOfConsumer(
  executor: Executor,
  consumer: string,
  statuses?: readonly JobStatus[],
): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    executor,
    sql`select count(*)::int as n from jobs j
        where j.consumer = ${consumer} ${statusFilter(statuses)}`,
  );
  return row?.n ?? 0;
}

/**
 * A consumer's jobs, newest first, optionally of some statuses, one page of them: one statement
 * on `jobs_consumer_idx`, each job's lease the way `marketplaceJobRef` picks it (the funded one,
 * else the newest), and its chain job, read for the page's rows only.
 */
export async function jobsOfConsumer(
  executor: Executor,
  consumer: string,
  {
    statuses,
    limit,
    offset = 0,
  }: { statuses?: readonly JobStatus[]; limit: number; offset?: number },
): Promise<ConsumerJobRow[]> {
  const filter = statusFilter(statuses);
  const rows = await queryRows<{
    id: string;
    kind: string;
    image: string;
    status: JobStatus;
    gpu_models: string[];
    gpu_count: number;
    created_at: Date | string;
    updated_at: Date | string;
    market: string | null;
    price: string | null;
    escrow: string | null;
    cost: string | null;
    refund: string | null;
  }>(
    executor,
    sql`select j.id, j.kind, j.image, j.status, j.gpu_models, j.gpu_count, j.created_at,
          j.updated_at, l.market, l.price_per_gpu_hour::text as price, c.escrow::text as escrow,
          case when c.settled_at is not null
               then (coalesce(c.provider_amount, 0) + coalesce(c.fee, 0))::text end as cost,
          c.consumer_amount::text as refund
        from jobs j
        left join lateral (
          select l.market, l.price_per_gpu_hour, l.chain_job_id,
                 exists (select 1 from chain_jobs c where c.job_id = l.chain_job_id) as on_chain
          from leases l
          where l.job_id = j.id
          order by on_chain desc, l.created_at desc
          limit 1
        ) l on true
        left join chain_jobs c on c.job_id = l.chain_job_id
        where j.consumer = ${consumer} ${filter}
        order by j.created_at desc, j.id desc
        limit ${limit} offset ${offset}`,
  );
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    image: r.image,
    status: r.status,
    gpuModels: r.gpu_models,
    gpuCount: r.gpu_count,
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
    market: r.market,
    pricePerGpuHour: big(r.price),
    escrow: big(r.escrow),
    cost: big(r.cost),
    refund: big(r.refund),
  }));
}

/** What the contract holds for an address to withdraw, as indexed (0 when never credited). */
export async function withdrawableOf(executor: Executor, address: string): Promise<bigint> {
  const [row] = await queryRows<{ withdrawable: string }>(
    executor,
    sql`select withdrawable::text from chain_accounts where address = ${address.toLowerCase()}`,
  );
  return row ? BigInt(row.withdrawable) : 0n;
}

/** A job's marketplace steps (submitted, matched, quoted, cancelled...) with their times. */
export async function jobEventTimes(
  executor: Executor,
  jobId: string,
): Promise<{ type: string; toStatus: string | null; at: Date }[]> {
  const rows = await queryRows<{ type: string; to_status: string | null; at: Date | string }>(
    executor,
    sql`select type, to_status, at from market_events
        where aggregate_id = ${jobId}::uuid and aggregate = 'job'
        order by id`,
  );
  return rows.map((r) => ({ type: r.type, toStatus: r.to_status, at: date(r.at) }));
}
