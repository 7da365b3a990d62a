import "server-only";
import { sql } from "drizzle-orm";
import { type Executor, queryRows } from "@/db/client";
import type { ChainJobStatus } from "@/db/schema/chain";
import type { JobStatus } from "@/db/schema/jobs";

/**
 * What the pages read from the chain indexer's rows (lib/indexer): a job's events and state, a
 * provider's stake and earnings, an account's refunds, the market's totals. Never an RPC call.
 * Amounts travel as text (numeric(78,0) does not fit a float) and come back as bigint; block
 * numbers as text too; times inside JSON as epoch seconds, so neither driver's timestamp format
 * nor the session's time zone matters.
 */

const big = (v: string | number | null | undefined): bigint => BigInt(v ?? 0);
const bigOrNull = (v: string | null): bigint | null => (v === null ? null : BigInt(v));
/** node-postgres and PGlite both hand timestamptz over as Date; text is accepted as well. */
const date = (v: Date | string): Date => (v instanceof Date ? v : new Date(v));
const dateOrNull = (v: Date | string | null): Date | null => (v === null ? null : date(v));
const fromEpoch = (seconds: string | number): Date => new Date(Number(seconds) * 1000);

/** One stored ComputeMarket event: its decoded arguments as the indexer keeps them. */
export type StoredEvent = {
  name: string;
  txHash: string;
  blockNumber: bigint;
  blockTime: Date;
  logIndex: number;
  args: Record<string, string | number | boolean>;
};

type EventJson = {
  name: string;
  tx: string;
  block: string;
  time: string;
  log: number;
  args: Record<string, string | number | boolean>;
};

const eventOf = (e: EventJson): StoredEvent => ({
  name: e.name,
  txHash: e.tx,
  blockNumber: BigInt(e.block),
  blockTime: fromEpoch(e.time),
  logIndex: e.log,
  args: e.args,
});

/** A job as chain_jobs holds it (the contract's view of it, from its events). */
export type ChainJob = {
  jobId: string;
  consumer: string;
  provider: string;
  status: ChainJobStatus;
  ratePerSecond: bigint;
  maxSeconds: bigint;
  escrow: bigint;
  collateral: bigint;
  feeBps: number;
  fundedAt: Date;
  startDeadline: Date;
  deadline: Date;
  startedAt: Date | null;
  submittedAt: Date | null;
  usedSeconds: bigint | null;
  resultHash: string | null;
  challengeEndsAt: Date | null;
  disputedAt: Date | null;
  disputeEndsAt: Date | null;
  settledAt: Date | null;
  providerAmount: bigint | null;
  fee: bigint | null;
  consumerAmount: bigint | null;
  slashed: bigint | null;
};

type ChainJobSql = {
  job_id: string;
  consumer: string;
  provider: string;
  status: ChainJobStatus;
  rate_per_second: string;
  max_seconds: string;
  escrow: string;
  collateral: string;
  fee_bps: number;
  funded_at: Date | string;
  start_deadline: Date | string;
  deadline: Date | string;
  started_at: Date | string | null;
  submitted_at: Date | string | null;
  used_seconds: string | null;
  result_hash: string | null;
  challenge_ends_at: Date | string | null;
  disputed_at: Date | string | null;
  dispute_ends_at: Date | string | null;
  settled_at: Date | string | null;
  provider_amount: string | null;
  fee: string | null;
  consumer_amount: string | null;
  slashed: string | null;
};

/**
 * A chain job with every event that names it, in chain order, in one statement (the job's
 * primary key, then `chain_events_job_idx`). Undefined when the index has not seen it funded.
 */
export async function chainJobWithEvents(
  executor: Executor,
  chainJobId: string,
): Promise<{ job: ChainJob; events: StoredEvent[] } | undefined> {
  const [row] = await queryRows<ChainJobSql & { events: EventJson[] }>(
    executor,
    sql`select j.job_id, j.consumer, j.provider, j.status, j.rate_per_second::text,
          j.max_seconds::text, j.escrow::text, j.collateral::text, j.fee_bps, j.funded_at,
          j.start_deadline, j.deadline, j.started_at, j.submitted_at, j.used_seconds::text,
          j.result_hash, j.challenge_ends_at, j.disputed_at, j.dispute_ends_at, j.settled_at,
          j.provider_amount::text, j.fee::text, j.consumer_amount::text, j.slashed::text,
          coalesce((
            select json_agg(json_build_object(
                     'name', e.name, 'tx', e.tx_hash, 'block', e.block_number::text,
                     'time', extract(epoch from e.block_time)::bigint::text,
                     'log', e.log_index, 'args', e.args)
                   order by e.block_number, e.log_index)
            from chain_events e where e.job_id = j.job_id), '[]'::json) as events
        from chain_jobs j
        where j.job_id = ${chainJobId.toLowerCase()}`,
  );
  if (!row) return undefined;
  return {
    job: {
      jobId: row.job_id,
      consumer: row.consumer,
      provider: row.provider,
      status: row.status,
      ratePerSecond: big(row.rate_per_second),
      maxSeconds: big(row.max_seconds),
      escrow: big(row.escrow),
      collateral: big(row.collateral),
      feeBps: row.fee_bps,
      fundedAt: date(row.funded_at),
      startDeadline: date(row.start_deadline),
      deadline: date(row.deadline),
      startedAt: dateOrNull(row.started_at),
      submittedAt: dateOrNull(row.submitted_at),
      usedSeconds: bigOrNull(row.used_seconds),
      resultHash: row.result_hash,
      challengeEndsAt: dateOrNull(row.challenge_ends_at),
      disputedAt: dateOrNull(row.disputed_at),
      disputeEndsAt: dateOrNull(row.dispute_ends_at),
      settledAt: dateOrNull(row.settled_at),
      providerAmount: bigOrNull(row.provider_amount),
      fee: bigOrNull(row.fee),
      consumerAmount: bigOrNull(row.consumer_amount),
      slashed: bigOrNull(row.slashed),
    },
    events: row.events.map(eventOf),
  };
}

/** A marketplace job, who may see it, and the chain job id its lease carries. */
export type MarketplaceJobRef = {
  jobId: string;
  consumer: string;
  status: JobStatus;
  /** The provider of the lease below; null when the job was never placed. */
  provider: string | null;
  /**
   * The chain id of the job's lease that the index has seen funded, else of its newest lease
   * (a job placed again after a quote expired has several leases); null when never placed.
   */
  chainJobId: string | null;
  /** The index holds that chain job. */
  onChain: boolean;
};

/** One statement: the job (primary key), its leases (`leases_job_idx`), their provider. */
export async function marketplaceJobRef(
  executor: Executor,
  jobId: string,
): Promise<MarketplaceJobRef | undefined> {
  const [row] = await queryRows<{
    id: string;
    consumer: string;
    status: JobStatus;
    provider: string | null;
    chain_job_id: string | null;
    on_chain: boolean | null;
  }>(
    executor,
    sql`select j.id, j.consumer, j.status, p.address as provider, l.chain_job_id, l.on_chain
        from jobs j
        left join lateral (
          select l.chain_job_id, l.provider_id,
                 exists (select 1 from chain_jobs c where c.job_id = l.chain_job_id) as on_chain
          from leases l
          where l.job_id = j.id
          order by on_chain desc, l.created_at desc
          limit 1
        ) l on true
        left join providers p on p.id = l.provider_id
        where j.id = ${jobId}::uuid`,
  );
  if (!row) return undefined;
  return {
    jobId: row.id,
    consumer: row.consumer,
    status: row.status,
    provider: row.provider,
    chainJobId: row.chain_job_id,
    onChain: row.on_chain === true,
  };
}

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
