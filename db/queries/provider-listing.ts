import "server-only";
import { sql } from "drizzle-orm";
import { type Executor, queryRows } from "@/db/client";
import type { OfferStatus } from "@/db/schema";
import { offersChanged } from "./offer-changes";

/**
 * What the provider lists and runs, for its pages: its offers with their live leases, the GPUs
 * listed now and day by day (from the offers' events), its agent keys and since when its agent
 * is online. Every read is keyed by the provider id the caller's session named.
 */

const big = (v: string | null | undefined): bigint => BigInt(v ?? 0);
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

/** GPUs the provider lists now (active or paused offers): the denominator of utilization. */
export async function listedGpus(executor: Executor, providerId: string): Promise<number> {
  const [row] = await queryRows<{ gpus: number }>(
    executor,
    sql`select coalesce(sum(gpus_total), 0)::int as gpus from offers
        where provider_id = ${providerId}::uuid and status <> 'removed'`,
  );
  return row?.gpus ?? 0;
}

/**
 * GPU-seconds the provider had listed (active or paused offers, at the size they had then) in
 * each UTC day of firstDay..lastDay, up to `now`: utilization's denominator. The sizes come from
 * the offers' events, which carry them (`offer.created`: gpus; `offer.updated`: gpusTotal;
 * `offer.removed`: none left), each holding until the offer's next one. An offer written
 * without its events (seeded outside the offer services) counts at its size now from its
 * creation, and until its last update once removed.
 */
export async function listedGpuSecondsPerDay(
  executor: Executor,
  providerId: string,
  w: { firstDay: string; lastDay: string; now: Date },
): Promise<{ day: string; listedGpuSeconds: number }[]> {
  const rows = await queryRows<{ day: string; listed: string }>(
    executor,
    sql`with mine as (
          select id, created_at, updated_at, gpus_total, status from offers
          where provider_id = ${providerId}::uuid
        ),
        changes as (
          select e.aggregate_id as offer_id, e.at, e.id as seq,
                 case e.type when 'offer.created' then (e.data->>'gpus')::int
                             when 'offer.updated' then (e.data->>'gpusTotal')::int
                             else 0 end as gpus
          from mine o join market_events e on e.aggregate_id = o.id
          where e.type in ('offer.created', 'offer.updated', 'offer.removed')
          union all
          select o.id, o.created_at, -1, o.gpus_total from mine o
          where not exists (select 1 from market_events e
                            where e.aggregate_id = o.id and e.type = 'offer.created')
          union all
          select o.id, o.updated_at, 9223372036854775807, 0 from mine o
          where o.status = 'removed'
            and not exists (select 1 from market_events e
                            where e.aggregate_id = o.id and e.type = 'offer.removed')
        ),
        spans as (
          select gpus, at as span_from,
                 coalesce(lead(at) over (partition by offer_id order by at, seq),
                          'infinity'::timestamptz) as span_to
          from changes
        ),
        days as (
          select d::date as day,
                 d at time zone 'UTC' as day_from,
                 least((d + interval '1 day') at time zone 'UTC',
                       ${w.now.toISOString()}::timestamptz) as day_to
          from generate_series(${w.firstDay}::date::timestamp, ${w.lastDay}::date::timestamp,
                               interval '1 day') d
        )
        select to_char(d.day, 'YYYY-MM-DD') as day,
               coalesce(sum(s.gpus * greatest(0, extract(epoch from
                 least(s.span_to, d.day_to) - greatest(s.span_from, d.day_from)))), 0)::text
                 as listed
        from days d
        left join spans s on s.gpus > 0 and s.span_from < d.day_to and s.span_to > d.day_from
        group by d.day
        order by d.day`,
  );
  return rows.map((r) => ({ day: r.day, listedGpuSeconds: Math.round(Number(r.listed)) }));
}

/**
 * Since when the provider's agent has been online without a break, as far as its heartbeats
 * tell: its first heartbeat, or the last time the provider came back online after (the heartbeat
 * sweep takes a silent agent's provider offline and its next heartbeat brings it back, each a
 * `provider.online` or `provider.offline` event; an owner's own toggle too). Undefined without
 * an agent. Gaps shorter than the sweep's silence, or while no sweep ran, do not show.
 */
export async function agentOnlineSince(
  executor: Executor,
  providerId: string,
): Promise<Date | undefined> {
  const [row] = await queryRows<{ since: Date | string }>(
    executor,
    sql`select greatest(a.created_at, (
              select max(e.at) from market_events e
              where e.aggregate_id = a.provider_id and e.type = 'provider.online'
            )) as since
        from provider_agents a
        where a.provider_id = ${providerId}::uuid`,
  );
  return row ? date(row.since) : undefined;
}
