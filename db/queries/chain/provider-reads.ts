import "server-only";
import { sql } from "drizzle-orm";
import { type Executor, queryRows } from "@/db/client";
import { big, dateOrNull, fromEpoch } from "./row-values";

/**
 * A provider's stake and earnings from the chain indexer's rows (lib/indexer), never an RPC call.
 */

export type ProviderSlash = {
  jobId: string;
  /** The consumer the slashed stake went to. */
  consumer: string;
  amount: bigint;
  /** JobExpired: a no-show; DisputeResolved: a dispute the arbiter decided against the provider. */
  cause: "no_show" | "dispute";
  /** The dispute's slash share in basis points; null for a no-show (the job's no-show share). */
  slashBps: number | null;
  txHash: string;
  blockNumber: bigint;
  blockTime: Date;
};

export type ProviderStakeRow = {
  address: string;
  stake: bigint;
  locked: bigint;
  pendingUnstake: bigint;
  unstakeReadyAt: Date | null;
  signer: string;
  slashedTotal: bigint;
  /** Newest first. */
  slashes: ProviderSlash[];
};

/**
 * A provider's stake position and every slash with the job that caused it, in one statement:
 * chain_providers by key, the provider's slashed jobs (`chain_jobs_provider_idx`) and their
 * settling event (`chain_events_job_idx`). Undefined for an address that never staked.
 */
export async function providerStakeRow(
  executor: Executor,
  address: string,
): Promise<ProviderStakeRow | undefined> {
  const [row] = await queryRows<{
    address: string;
    stake: string;
    locked: string;
    pending_unstake: string;
    unstake_ready_at: Date | string | null;
    signer: string;
    slashed_total: string;
    slashes: {
      job: string;
      consumer: string;
      amount: string;
      name: string;
      bps: number | null;
      tx: string;
      block: string;
      time: string;
    }[];
  }>(
    executor,
    sql`select p.address, p.stake::text, p.locked::text, p.pending_unstake::text,
          p.unstake_ready_at, p.signer, p.slashed_total::text,
          coalesce((
            select json_agg(json_build_object(
                     'job', j.job_id, 'consumer', j.consumer, 'amount', j.slashed::text,
                     'name', e.name, 'bps', j.slash_bps, 'tx', e.tx_hash,
                     'block', e.block_number::text,
                     'time', extract(epoch from e.block_time)::bigint::text)
                   order by e.block_number desc, e.log_index desc)
            from chain_jobs j
            join chain_events e on e.job_id = j.job_id
                               and e.name in ('JobExpired', 'DisputeResolved')
            where j.provider = p.address and j.slashed > 0), '[]'::json) as slashes
        from chain_providers p
        where p.address = ${address}`,
  );
  if (!row) return undefined;
  return {
    address: row.address,
    stake: big(row.stake),
    locked: big(row.locked),
    pendingUnstake: big(row.pending_unstake),
    unstakeReadyAt: dateOrNull(row.unstake_ready_at),
    signer: row.signer,
    slashedTotal: big(row.slashed_total),
    slashes: row.slashes.map((s) => ({
      jobId: s.job,
      consumer: s.consumer,
      amount: BigInt(s.amount),
      cause: s.name === "JobExpired" ? "no_show" : "dispute",
      slashBps: s.name === "JobExpired" ? null : s.bps,
      txHash: s.tx,
      blockNumber: BigInt(s.block),
      blockTime: fromEpoch(s.time),
    })),
  };
}

/** UTC days as `YYYY-MM-DD` and instants, worked out by the service. */
export type EarningsWindow = {
  firstDay: string;
  lastDay: string;
  weekStart: Date;
  weekEnd: Date;
  monthStart: Date;
  monthEnd: Date;
  claimsLimit: number;
};

export type EarningsRow = {
  /** Every UTC day from firstDay to lastDay, zero days included. */
  days: { day: string; amount: bigint; jobs: number }[];
  week: bigint;
  month: bigint;
  allTime: bigint;
  credited: bigint;
  withdrawn: bigint;
  withdrawable: bigint;
  /** Newest first, at most claimsLimit. */
  claims: { amount: bigint; txHash: string; blockNumber: bigint; blockTime: Date }[];
  claimCount: number;
};

/**
 * A provider's pay (balance moves of kind `pay`: its net pay per settled job) by UTC day of the
 * block, its totals, its balance and its withdrawals, in one statement over the account's moves
 * (`chain_balance_moves_account_idx`) and its chain_accounts row.
 */
export async function providerEarningsRow(
  executor: Executor,
  address: string,
  w: EarningsWindow,
): Promise<EarningsRow> {
  const [row] = await queryRows<{
    days: { day: string; amount: string; jobs: number }[];
    week: string;
    month: string;
    all_time: string;
    credited: string | null;
    withdrawn: string | null;
    withdrawable: string | null;
    claims: { amount: string; tx: string; block: string; time: string }[];
    claim_count: number;
  }>(
    executor,
    sql`with pay as (
          select m.amount, m.block_time from chain_balance_moves m
          where m.account = ${address} and m.kind = 'pay'
        ),
        per_day as (
          select (block_time at time zone 'UTC')::date as day, sum(amount) as amount,
                 count(*)::int as jobs
          from pay
          where block_time >= (${w.firstDay}::date)::timestamp at time zone 'UTC'
            and block_time < (${w.lastDay}::date + 1)::timestamp at time zone 'UTC'
          group by 1
        ),
        withdrawals as (
          select -m.amount as amount, m.tx_hash, m.block_number, m.log_index, m.block_time
          from chain_balance_moves m
          where m.account = ${address} and m.kind = 'withdrawn'
        )
        select
          (select json_agg(json_build_object('day', to_char(d.day, 'YYYY-MM-DD'),
                                             'amount', coalesce(p.amount, 0)::text,
                                             'jobs', coalesce(p.jobs, 0))
                           order by d.day)
           from generate_series(${w.firstDay}::date::timestamp, ${w.lastDay}::date::timestamp,
                                interval '1 day') d(day)
           left join per_day p on p.day = d.day::date) as days,
          (select coalesce(sum(amount), 0)::text from pay
           where block_time >= ${w.weekStart.toISOString()}::timestamptz
             and block_time < ${w.weekEnd.toISOString()}::timestamptz) as week,
          (select coalesce(sum(amount), 0)::text from pay
           where block_time >= ${w.monthStart.toISOString()}::timestamptz
             and block_time < ${w.monthEnd.toISOString()}::timestamptz) as month,
          (select coalesce(sum(amount), 0)::text from pay) as all_time,
          a.credited::text, a.withdrawn::text, a.withdrawable::text,
          coalesce((
            select json_agg(json_build_object('amount', c.amount::text, 'tx', c.tx_hash,
                                              'block', c.block_number::text,
                                              'time', extract(epoch from c.block_time)::bigint::text)
                            order by c.block_number desc, c.log_index desc)
            from (select * from withdrawals
                  order by block_number desc, log_index desc
                  limit ${w.claimsLimit}) c), '[]'::json) as claims,
          (select count(*)::int from withdrawals) as claim_count
        from (select 1) one
        left join chain_accounts a on a.address = ${address}`,
  );
  if (!row) throw new Error("the earnings statement returned no row");
  return {
    days: (row.days ?? []).map((d) => ({ day: d.day, amount: BigInt(d.amount), jobs: d.jobs })),
    week: big(row.week),
    month: big(row.month),
    allTime: big(row.all_time),
    credited: big(row.credited),
    withdrawn: big(row.withdrawn),
    withdrawable: big(row.withdrawable),
    claims: row.claims.map((c) => ({
      amount: BigInt(c.amount),
      txHash: c.tx,
      blockNumber: BigInt(c.block),
      blockTime: fromEpoch(c.time),
    })),
    claimCount: row.claim_count,
  };
}
