import "server-only";
import { sql } from "drizzle-orm";
import { type Executor, queryRows } from "@/db/client";
import type { AlternativeReason } from "@/db/schema";
import type { ChainJobStatus } from "@/db/schema/chain";

/**
 * What the provider's pages read of the work done and missed, beyond the chain reads in
 * chain/reads.ts: the jobs it served, its GPU time per day, the placements it lost, the market's
 * settings, and the market's disputes for the arbiter. (What it lists, its offers and keys, is in
 * provider-listing.ts.) Every read is keyed by the provider (its id or its address) that the
 * caller's session named; amounts travel as text and come back as bigint.
 */

const big = (v: string | null | undefined): bigint => BigInt(v ?? 0);
const bigOrNull = (v: string | null): bigint | null => (v === null ? null : BigInt(v));
const date = (v: Date | string): Date => (v instanceof Date ? v : new Date(v));
const dateOrNull = (v: Date | string | null): Date | null => (v === null ? null : date(v));

export type ServedJob = {
  chainJobId: string;
  /** The marketplace job, when the chain job came from one of our leases. */
  jobId: string | null;
  consumer: string;
  status: ChainJobStatus;
  gpuModel: string | null;
  gpuCount: number | null;
  ratePerSecond: bigint;
  escrow: bigint;
  collateral: bigint;
  fundedAt: Date;
  startedAt: Date | null;
  usedSeconds: bigint | null;
  settledAt: Date | null;
  /** Net pay credited at settlement; null while unsettled. */
  providerAmount: bigint | null;
  slashed: bigint | null;
};

/**
 * The jobs the provider was funded for on chain, newest first (`chain_jobs_provider_idx`), with
 * the lease that placed each (`leases_chain_job_idx`) for its GPUs.
 */
export async function servedJobs(
  executor: Executor,
  address: string,
  limit: number,
): Promise<ServedJob[]> {
  const rows = await queryRows<{
    job_id: string;
    marketplace_job: string | null;
    consumer: string;
    status: ChainJobStatus;
    gpu_model: string | null;
    gpu_count: number | null;
    rate: string;
    escrow: string;
    collateral: string;
    funded_at: Date | string;
    started_at: Date | string | null;
    used_seconds: string | null;
    settled_at: Date | string | null;
    provider_amount: string | null;
    slashed: string | null;
  }>(
    executor,
    sql`select j.job_id, l.job_id as marketplace_job, j.consumer, j.status,
          split_part(l.market, '/', 1) as gpu_model, l.gpu_count,
          j.rate_per_second::text as rate, j.escrow::text, j.collateral::text, j.funded_at,
          j.started_at, j.used_seconds::text, j.settled_at, j.provider_amount::text,
          j.slashed::text
        from chain_jobs j
        left join lateral (
          select job_id, market, gpu_count from leases
          where chain_job_id = j.job_id limit 1
        ) l on true
        where j.provider = ${address}
        order by j.funded_at desc, j.job_id
        limit ${limit}`,
  );
  return rows.map((r) => ({
    chainJobId: r.job_id,
    jobId: r.marketplace_job,
    consumer: r.consumer,
    status: r.status,
    gpuModel: r.gpu_model,
    gpuCount: r.gpu_count,
    ratePerSecond: big(r.rate),
    escrow: big(r.escrow),
    collateral: big(r.collateral),
    fundedAt: date(r.funded_at),
    startedAt: dateOrNull(r.started_at),
    usedSeconds: bigOrNull(r.used_seconds),
    settledAt: dateOrNull(r.settled_at),
    providerAmount: bigOrNull(r.provider_amount),
    slashed: bigOrNull(r.slashed),
  }));
}

/**
 * GPU-seconds the provider's jobs ran in each UTC day of firstDay..lastDay: each started job's
 * run (from its start for its used seconds once submitted, else until `now` or its deadline)
 * cut at the day's bounds, times the lease's GPUs (one GPU for a job funded without a lease).
 */
export async function gpuSecondsPerDay(
  executor: Executor,
  address: string,
  w: { firstDay: string; lastDay: string; now: Date },
): Promise<{ day: string; gpuSeconds: number }[]> {
  const rows = await queryRows<{ day: string; gpu_seconds: string }>(
    executor,
    sql`with runs as (
          select j.started_at as run_from,
                 case when j.used_seconds is not null
                        then j.started_at + make_interval(secs => j.used_seconds::float8)
                      else least(${w.now.toISOString()}::timestamptz, j.deadline) end as run_to,
                 coalesce(l.gpu_count, 1) as gpus
          from chain_jobs j
          left join lateral (
            select gpu_count from leases where chain_job_id = j.job_id limit 1
          ) l on true
          where j.provider = ${address} and j.started_at is not null
            and j.started_at < (${w.lastDay}::date + 1)::timestamp at time zone 'UTC'
            -- A job settles after its run ends: one settled before the range never ran in it
            -- (so a provider's long history is not looked up lease by lease).
            and (j.settled_at is null
                 or j.settled_at >= ${w.firstDay}::date::timestamp at time zone 'UTC')
        ),
        days as (
          select d::date as day,
                 d at time zone 'UTC' as day_from,
                 (d + interval '1 day') at time zone 'UTC' as day_to
          from generate_series(${w.firstDay}::date::timestamp, ${w.lastDay}::date::timestamp,
                               interval '1 day') d
        )
        select to_char(d.day, 'YYYY-MM-DD') as day,
               coalesce(sum(r.gpus * greatest(0, extract(epoch from
                 least(r.run_to, d.day_to) - greatest(r.run_from, d.day_from)))), 0)::text
                 as gpu_seconds
        from days d
        left join runs r on r.run_from < d.day_to and r.run_to > d.day_from
        group by d.day
        order by d.day`,
  );
  return rows.map((r) => ({ day: r.day, gpuSeconds: Math.round(Number(r.gpu_seconds)) }));
}

export type LostPlacement = {
  leaseId: string;
  offerId: string;
  market: string;
  reason: AlternativeReason;
  /** The losing offer's ask when the job was placed. */
  yourAsk: bigint;
  /** The winner's ask: the lease's price. */
  winningAsk: bigint;
  gpuCount: number;
  /** The job's longest run, as the lease escrows it (its collateral's term). */
  maxSeconds: number;
  at: Date;
};

/**
 * The placements a provider's offers were in the running for but lost, newest first
 * (`lease_alternatives_provider_idx`), with the lease that won each for the winner's ask and the
 * job's size and term.
 */
export async function lostPlacements(
  executor: Executor,
  providerId: string,
  limit: number,
): Promise<LostPlacement[]> {
  const rows = await queryRows<{
    lease_id: string;
    offer_id: string;
    market: string;
    reason: AlternativeReason;
    your_ask: string;
    winning_ask: string;
    gpu_count: number;
    max_seconds: number;
    at: Date | string;
  }>(
    executor,
    sql`select a.lease_id, a.offer_id, a.market, a.reason,
          a.ask_wei_per_gpu_hour::text as your_ask, l.price_per_gpu_hour::text as winning_ask,
          l.gpu_count, l.max_seconds::int as max_seconds, a.created_at as at
        from lease_alternatives a
        join leases l on l.market = a.market and l.id = a.lease_id
        where a.provider_id = ${providerId}::uuid
        order by a.created_at desc, a.lease_id, a.offer_id
        limit ${limit}`,
  );
  return rows.map((r) => ({
    leaseId: r.lease_id,
    offerId: r.offer_id,
    market: r.market,
    reason: r.reason,
    yourAsk: big(r.your_ask),
    winningAsk: big(r.winning_ask),
    gpuCount: r.gpu_count,
    maxSeconds: r.max_seconds,
    at: date(r.at),
  }));
}

/** What the pages need of the market's parameters, as the index last saw them. */
export type MarketSettings = {
  arbiter: string;
  minStake: bigint;
  unstakeCooldownSeconds: number;
  collateralBps: number;
};

/** The market's arbiter and stake rules; undefined before the index has the contract's state. */
export async function marketSettings(executor: Executor): Promise<MarketSettings | undefined> {
  const [row] = await queryRows<{
    arbiter: string | null;
    min_stake: string | null;
    cooldown: string | null;
    collateral_bps: string | null;
  }>(
    executor,
    sql`select state->>'arbiter' as arbiter, state->>'minStake' as min_stake,
          state->>'unstakeCooldown' as cooldown, state->>'collateralBps' as collateral_bps
        from chain_market limit 1`,
  );
  if (!row) return undefined;
  return {
    arbiter: (row.arbiter ?? "").toLowerCase(),
    minStake: big(row.min_stake),
    unstakeCooldownSeconds: Number(row.cooldown ?? 0),
    collateralBps: Number(row.collateral_bps ?? 0),
  };
}

export type DisputedJob = {
  chainJobId: string;
  jobId: string | null;
  consumer: string;
  provider: string;
  providerName: string | null;
  gpuCount: number | null;
  gpuModel: string | null;
  ratePerSecond: bigint;
  maxSeconds: bigint;
  escrow: bigint;
  collateral: bigint;
  feeBps: number;
  disputeDefaultPayBps: number;
  fundedAt: Date;
  startedAt: Date | null;
  submittedAt: Date | null;
  usedSeconds: bigint;
  resultHash: string | null;
  disputedAt: Date;
  disputeEndsAt: Date;
  /** The provider's record at the time of reading: jobs settled and slashes suffered. */
  providerSettledJobs: number;
  providerSlashedJobs: number;
};

/** Every job in dispute on the market, oldest dispute first, with both sides' facts. */
export async function disputedJobs(executor: Executor, limit = 100): Promise<DisputedJob[]> {
  const rows = await queryRows<{
    job_id: string;
    marketplace_job: string | null;
    consumer: string;
    provider: string;
    provider_name: string | null;
    gpu_count: number | null;
    gpu_model: string | null;
    rate: string;
    max_seconds: string;
    escrow: string;
    collateral: string;
    fee_bps: number;
    default_pay_bps: number;
    funded_at: Date | string;
    started_at: Date | string | null;
    submitted_at: Date | string | null;
    used_seconds: string | null;
    result_hash: string | null;
    disputed_at: Date | string;
    dispute_ends_at: Date | string;
    settled_jobs: number;
    slashed_jobs: number;
  }>(
    executor,
    sql`select j.job_id, l.job_id as marketplace_job, j.consumer, j.provider,
          p.name as provider_name, l.gpu_count, split_part(l.market, '/', 1) as gpu_model,
          j.rate_per_second::text as rate, j.max_seconds::text, j.escrow::text,
          j.collateral::text, j.fee_bps, j.dispute_default_pay_bps as default_pay_bps,
          j.funded_at, j.started_at, j.submitted_at, j.used_seconds::text, j.result_hash,
          j.disputed_at, j.dispute_ends_at,
          (select count(*)::int from chain_jobs s
           where s.provider = j.provider and s.status in ('finalized', 'resolved', 'expired'))
            as settled_jobs,
          (select count(*)::int from chain_jobs s
           where s.provider = j.provider and s.slashed > 0) as slashed_jobs
        from chain_jobs j
        left join lateral (
          select job_id, market, gpu_count from leases where chain_job_id = j.job_id limit 1
        ) l on true
        left join providers p on p.address = j.provider
        where j.status = 'disputed'
        order by j.disputed_at, j.job_id
        limit ${limit}`,
  );
  return rows.map((r) => ({
    chainJobId: r.job_id,
    jobId: r.marketplace_job,
    consumer: r.consumer,
    provider: r.provider,
    providerName: r.provider_name,
    gpuCount: r.gpu_count,
    gpuModel: r.gpu_model,
    ratePerSecond: big(r.rate),
    maxSeconds: big(r.max_seconds),
    escrow: big(r.escrow),
    collateral: big(r.collateral),
    feeBps: r.fee_bps,
    disputeDefaultPayBps: r.default_pay_bps,
    fundedAt: date(r.funded_at),
    startedAt: dateOrNull(r.started_at),
    submittedAt: dateOrNull(r.submitted_at),
    usedSeconds: big(r.used_seconds),
    resultHash: r.result_hash,
    disputedAt: date(r.disputed_at),
    disputeEndsAt: date(r.dispute_ends_at),
    providerSettledJobs: r.settled_jobs,
    providerSlashedJobs: r.slashed_jobs,
  }));
}
