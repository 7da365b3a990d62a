import "server-only";
import { sql } from "drizzle-orm";
import { type Executor, queryRows } from "@/db/client";
import type { ChainJobStatus } from "@/db/schema/chain";
import { big, bigOrNull, date } from "./row-values";

/** An account's refunds and the market's totals from the chain indexer's rows (lib/indexer). */

export type RefundRow = {
  jobId: string;
  /** The escrow that came back (the unused seconds, or all of it on a no-show). */
  refund: bigint;
  /** The provider's collateral paid to the consumer (no-show, or a dispute with a slash). */
  slash: bigint;
  /** The job's state on chain (expired, finalized or resolved). */
  status: ChainJobStatus | null;
  provider: string | null;
  escrow: bigint | null;
  txHash: string;
  blockNumber: bigint;
  blockTime: Date;
};

/**
 * Refunds and slash payouts credited to an account, one row per settled job (its refund and
 * slash moves come from the one settling event), newest first, at most `limit`; the totals cover
 * them all. One statement over the account's moves (`chain_balance_moves_account_idx`), each
 * joined to its job by key.
 */
export async function accountRefundRows(
  executor: Executor,
  address: string,
  limit: number,
): Promise<{ rows: RefundRow[]; refunded: bigint; slashPayouts: bigint; jobs: number }> {
  const rows = await queryRows<{
    job_id: string;
    refund: string;
    slash: string;
    status: ChainJobStatus | null;
    provider: string | null;
    escrow: string | null;
    tx_hash: string;
    block_number: string;
    block_time: Date | string;
    refunded: string;
    slash_payouts: string;
    jobs: string;
  }>(
    executor,
    sql`select m.job_id,
               coalesce(sum(m.amount) filter (where m.kind = 'refund'), 0)::text as refund,
               coalesce(sum(m.amount) filter (where m.kind = 'slash'), 0)::text as slash,
               j.status, j.provider, j.escrow::text, m.tx_hash, m.block_number::text,
               m.block_time,
               (sum(sum(m.amount) filter (where m.kind = 'refund')) over ())::text as refunded,
               (sum(sum(m.amount) filter (where m.kind = 'slash')) over ())::text as slash_payouts,
               (count(*) over ())::text as jobs
        from chain_balance_moves m
        left join chain_jobs j on j.job_id = m.job_id
        where m.account = ${address} and m.kind in ('refund', 'slash')
        group by m.job_id, m.tx_hash, m.block_number, m.block_time, j.status, j.provider, j.escrow
        order by m.block_number desc, m.job_id
        limit ${limit}`,
  );
  const first = rows[0];
  return {
    rows: rows.map((r) => ({
      jobId: r.job_id,
      refund: BigInt(r.refund),
      slash: BigInt(r.slash),
      status: r.status,
      provider: r.provider,
      escrow: bigOrNull(r.escrow),
      txHash: r.tx_hash,
      blockNumber: BigInt(r.block_number),
      blockTime: date(r.block_time),
    })),
    refunded: big(first?.refunded),
    slashPayouts: big(first?.slash_payouts),
    jobs: Number(first?.jobs ?? 0),
  };
}

export type MarketTotalsRow = {
  jobsFunded: number;
  jobsCompleted: number;
  paidToProviders: bigint;
  gpuSeconds: bigint;
  jobsRunning: number;
  jobsOpen: number;
};

/**
 * The market's totals over chain_jobs, in one statement. A job's GPUs come from its lease in the
 * marketplace (joined by chain job id); a job funded straight on chain, without a lease here,
 * counts as one GPU: the contract knows a rate, not a GPU count. Every lease of one job has the
 * job's GPU count (a job placed again after a quote expired has several, with the same chain
 * id), hence the max per chain id. It reads every chain job and every lease: a home-page figure
 * to cache, not to ask per request at scale.
 */
export async function marketTotalsRow(executor: Executor): Promise<MarketTotalsRow> {
  const [row] = await queryRows<{
    funded: string;
    completed: string;
    paid: string;
    gpu_seconds: string;
    running: string;
    open: string;
  }>(
    executor,
    sql`select count(*)::text as funded,
               count(*) filter (where j.status in ('finalized', 'resolved'))::text as completed,
               coalesce(sum(j.provider_amount)
                          filter (where j.status in ('finalized', 'resolved')), 0)::text as paid,
               coalesce(sum(j.used_seconds::numeric * coalesce(l.gpu_count, 1))
                          filter (where j.status in ('finalized', 'resolved')), 0)::text
                 as gpu_seconds,
               count(*) filter (where j.status = 'running')::text as running,
               count(*) filter (where j.status in ('funded', 'running', 'submitted', 'disputed'))::text
                 as open
        from chain_jobs j
        left join (select chain_job_id, max(gpu_count) as gpu_count
                   from leases group by chain_job_id) l on l.chain_job_id = j.job_id`,
  );
  return {
    jobsFunded: Number(row?.funded ?? 0),
    jobsCompleted: Number(row?.completed ?? 0),
    paidToProviders: big(row?.paid),
    gpuSeconds: big(row?.gpu_seconds),
    jobsRunning: Number(row?.running ?? 0),
    jobsOpen: Number(row?.open ?? 0),
  };
}
