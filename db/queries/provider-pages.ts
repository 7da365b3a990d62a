import "server-only";
import { sql } from "drizzle-orm";
import { type Executor, queryRows } from "@/db/client";
import type { OfferStatus } from "@/db/schema";
import type { ChainJobStatus } from "@/db/schema/chain";
import { offersChanged } from "./offer-changes";

/**
 * What the provider's pages read beyond the chain reads in chain/reads.ts: its offers with their
 * live leases, its agent keys, the jobs it served, its GPU time per day, and the market's
 * disputes for the arbiter. Every read is keyed by the provider (its id or its address) that the
 * caller's session named; amounts travel as text and come back as bigint.
 */

const big = (v: string | null | undefined): bigint => BigInt(v ?? 0);
const bigOrNull = (v: string | null): bigint | null => (v === null ? null : BigInt(v));
const date = (v: Date | string): Date => (v instanceof Date ? v : new Date(v));
const dateOrNull = (v: Date | string | null): Date | null => (v === null ? null : date(v));

export type ProviderOffer = {
  id: string;
  market: string;
  gpuModel: string;
  region: string;
  gpusTotal: number;
  gpusFree: number;
  askWeiPerGpuHour: bigint;
  minHours: number;
  maxHours: number;
  status: OfferStatus;
  measuredTflops: number | null;
  /** Leases that hold GPUs now (reserved, quoted, funded, running). */
  liveLeases: number;
  /** Of those, the ones a job is running or funded on. */
  runningLeases: number;
  createdAt: Date;
};

/** The provider's listed offers (removed ones left out), oldest first, with their live leases. */
export async function providerOffers(
  executor: Executor,
  providerId: string,
): Promise<ProviderOffer[]> {
  const rows = await queryRows<{
    id: string;
    market: string;
    gpu_model: string;
    region: string;
    gpus_total: number;
    gpus_free: number;
    ask: string;
    min_hours: number;
    max_hours: number;
    status: OfferStatus;
    measured_tflops: number | null;
    live: number;
    running: number;
    created_at: Date | string;
  }>(
    executor,
    sql`select o.id, o.market, o.gpu_model, o.region, o.gpus_total, o.gpus_free,
          o.ask_wei_per_gpu_hour::text as ask, o.min_hours, o.max_hours, o.status,
          o.measured_tflops, o.created_at,
          coalesce(l.live, 0)::int as live, coalesce(l.running, 0)::int as running
        from offers o
        left join lateral (
          select count(*) as live,
                 count(*) filter (where status in ('funded', 'running')) as running
          from leases
          where market = o.market and offer_id = o.id
            and status in ('reserved', 'quoted', 'funded', 'running')
        ) l on true
        where o.provider_id = ${providerId}::uuid and o.status <> 'removed'
        order by o.created_at, o.id`,
  );
  return rows.map((r) => ({
    id: r.id,
    market: r.market,
    gpuModel: r.gpu_model,
    region: r.region,
    gpusTotal: r.gpus_total,
    gpusFree: r.gpus_free,
    askWeiPerGpuHour: big(r.ask),
    minHours: r.min_hours,
    maxHours: r.max_hours,
    status: r.status,
    measuredTflops: r.measured_tflops,
    liveLeases: r.live,
    runningLeases: r.running,
    createdAt: date(r.created_at),
  }));
}

/**
 * Removes an offer only while none of its GPUs is leased (gpus_free = gpus_total: every lease
 * that holds GPUs has taken them off gpus_free), in one guarded statement on the offer's row, so
 * a reservation that locks the row first wins and the removal is refused. Undefined when refused.
 */
export async function removeIdleOffer(
  executor: Executor,
  offer: { market: string; id: string },
): Promise<{ id: string; status: OfferStatus } | undefined> {
  offersChanged();
  const [row] = await queryRows<{ id: string; status: OfferStatus }>(
    executor,
    sql`update offers set status = 'removed', updated_at = now()
        where market = ${offer.market} and id = ${offer.id}::uuid
          and status in ('active', 'paused') and gpus_free = gpus_total
        returning id, status`,
  );
  return row;
}

export type ApiKeyListing = {
  id: string;
  label: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

/** The provider's agent keys, live ones first, newest first; never the key or its hash. */
export async function apiKeysOfProvider(
  executor: Executor,
  providerId: string,
): Promise<ApiKeyListing[]> {
  const rows = await queryRows<{
    id: string;
    label: string;
    prefix: string;
    created_at: Date | string;
    last_used_at: Date | string | null;
    revoked_at: Date | string | null;
  }>(
    executor,
    sql`select id, label, prefix, created_at, last_used_at, revoked_at
        from provider_api_keys
        where provider_id = ${providerId}::uuid
        order by revoked_at is not null, created_at desc, id`,
  );
  return rows.map((r) => ({
    id: r.id,
    label: r.label,
    prefix: r.prefix,
    createdAt: date(r.created_at),
    lastUsedAt: dateOrNull(r.last_used_at),
    revokedAt: dateOrNull(r.revoked_at),
  }));
}

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

/** GPUs the provider lists now (active or paused offers): the denominator of utilization. */
export async function listedGpus(executor: Executor, providerId: string): Promise<number> {
  const [row] = await queryRows<{ gpus: number }>(
    executor,
    sql`select coalesce(sum(gpus_total), 0)::int as gpus from offers
        where provider_id = ${providerId}::uuid and status <> 'removed'`,
  );
  return row?.gpus ?? 0;
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
