import "server-only";
import type { Executor } from "@/db/client";
import type { JobInsert, Reservation } from "./placement";
import { prepared, runPrepared } from "./util";

/**
 * The write of a submit batch: many new jobs and their planned placements in one statement of
 * data-modifying CTEs (one transaction), lists travelling as JSON parameters so the text is fixed.
 */

const insertBatchStatement = prepared(
  "market_insert_jobs_and_reserve",
  `with jin as (
      select * from jsonb_to_recordset($1::jsonb) as x(
        n int, id uuid, consumer text, kind text, image text, command text, env jsonb,
        gpu_models text[], min_vram_gb int, gpu_count int, regions text[], max_price numeric,
        max_hours int, idempotency_key text, verify text[])),
    rin as (
      select * from jsonb_to_recordset($2::jsonb) as x(
        job_id uuid, lease_id uuid, market text, offer_id uuid, provider_id uuid, gpus int,
        price numeric, rate numeric, max_seconds int, chain_job_id text,
        quote_expires_at timestamptz, alternatives jsonb)),
    changed as (
      select c.m from jsonb_to_recordset($4::jsonb) as c(m text, v bigint)
      left join market_versions mv on mv.market = c.m
      where coalesce(mv.version, 0) <> c.v),
    u as (insert into users (address) select distinct consumer from jin order by consumer
      on conflict do nothing),
    want as (select market, offer_id, sum(gpus)::int as gpus from rin group by market, offer_id),
    lk as (
      select k.market, k.id from want w cross join lateral (
        select o.market, o.id from offers o
        where o.market = w.market and o.id = w.offer_id and o.status = 'active'
          and o.gpus_free >= w.gpus
        for update skip locked) k),
    placed as (select rin.* from rin join lk on lk.market = rin.market and lk.id = rin.offer_id),
    j as (
      insert into jobs (id, consumer, kind, image, command, env, gpu_models, min_vram_gb,
                        gpu_count, regions, max_price_per_gpu_hour, max_hours,
                        idempotency_key, status)
      select jin.id, jin.consumer, jin.kind, jin.image, jin.command, jin.env, jin.gpu_models,
             jin.min_vram_gb, jin.gpu_count, jin.regions, jin.max_price, jin.max_hours,
             jin.idempotency_key,
             case when exists (select 1 from placed where placed.job_id = jin.id)
                  then 'matched' else 'pending' end
      from jin order by jin.n
      on conflict (consumer, idempotency_key) do nothing
      returning id),
    took as (
      select placed.market, placed.offer_id, sum(placed.gpus)::int as gpus
      from placed join j on j.id = placed.job_id group by placed.market, placed.offer_id),
    r as (
      update offers o set gpus_free = o.gpus_free - took.gpus, updated_at = now()
      from took where o.market = took.market and o.id = took.offer_id
      returning o.id, o.xmin),
    l as (
      insert into leases (id, market, job_id, offer_id, provider_id, consumer, gpu_count,
                          price_per_gpu_hour, rate_per_second, max_seconds, chain_job_id,
                          quote_expires_at)
      select p.lease_id, p.market, p.job_id, p.offer_id, p.provider_id, jin.consumer, p.gpus,
             p.price, p.rate, p.max_seconds, p.chain_job_id, p.quote_expires_at
      from placed p join j on j.id = p.job_id join jin on jin.id = p.job_id
      returning id, job_id),
    a as (
      insert into lease_alternatives (market, lease_id, offer_id, provider_id,
                                      ask_wei_per_gpu_hour, reason)
      select p.market, l.id, x.offer_id, x.provider_id, x.ask, x.reason
      from l join placed p on p.lease_id = l.id
      cross join jsonb_to_recordset(p.alternatives) as x(
        offer_id uuid, provider_id uuid, ask numeric, reason text)),
    e as (
      insert into market_events (aggregate, aggregate_id, type, from_status, to_status, actor, data)
      select v.aggregate, v.aggregate_id, v.type, v.from_status, v.to_status, v.actor, v.data
      from (
        select jin.n, 1 as k, 'job' as aggregate, jin.id as aggregate_id,
               'job.submitted' as type, null as from_status, 'pending' as to_status,
               jin.consumer as actor,
               jsonb_build_object('gpuCount', jin.gpu_count,
                                  'maxPricePerGpuHour', jin.max_price::text) as data
        from jin join j on j.id = jin.id
        union all
        select jin.n, 2, 'job', jin.id, 'job.matched', 'pending', 'matched', jin.consumer,
               jsonb_build_object('leaseId', p.lease_id, 'offerId', p.offer_id,
                                  'market', p.market)
        from l join placed p on p.lease_id = l.id join jin on jin.id = p.job_id
        union all
        select jin.n, 3, 'lease', p.lease_id, 'lease.reserved', null, 'reserved', jin.consumer,
               jsonb_build_object('jobId', p.job_id, 'offerId', p.offer_id, 'gpus', p.gpus)
        from l join placed p on p.lease_id = l.id join jin on jin.id = p.job_id
      ) v
      order by v.n, v.k)
    select jin.id::text as id,
           exists (select 1 from j where j.id = jin.id) as created,
           exists (select 1 from l where l.job_id = jin.id) as reserved,
           coalesce(jin.verify && (select array_agg(m) from changed), false) as recheck,
           case when (select count(*) from r) <> (select count(*) from took)
                then market_abort($3::text) else 1 end as ok,
           (select coalesce(json_agg(json_build_object('offer', t.offer_id, 'gpus', t.gpus)), '[]')
            from took t) as took,
           (select min(r.xmin::text) from r) as xid,
           (select coalesce(json_agg(m), '[]') from changed) as changed
    from jin order by jin.n`,
);

export type BatchWrite = {
  /**
   * Per item: stored, GPUs reserved, and for one stored as pending, whether a market it accepts
   * gained capacity since the book was read (`recheck`: it should be placed again now).
   */
  outcomes: { created: boolean; reserved: boolean; recheck: boolean }[];
  /** Markets whose version moved since the book was read. */
  changed: string[];
  /** GPUs taken per offer id. */
  took: Map<string, number>;
  /** The writing transaction's id (32-bit, as in xmin); null when it took no GPUs. */
  xid: string | null;
};

export const BATCH_LOST_OFFER = "an offer locked for the batch could not be updated";

/**
 * A batch of new jobs and the placements the engine planned for them, in one statement (one
 * transaction): the consumers' users rows, each planned offer locked FOR UPDATE SKIP
 * LOCKED when it still has the GPUs the batch takes from it, the jobs (`matched` when their
 * offer was locked, `pending` otherwise), the GPUs, leases, alternatives and events. A job whose
 * consumer already used its idempotency key is not written (`created` false) and takes nothing.
 * Keys must be distinct within a batch. `outcomes` are in the order of `items`; `took` is the GPUs
 * taken per offer and `xid` the transaction that took them (the offers' new row versions carry it
 * as xmin), so a batch planned meanwhile can tell whether its read already saw them.
 */
export async function insertJobsAndReserve(
  executor: Executor,
  items: readonly {
    job: JobInsert;
    reservation: Reservation | undefined;
    /** For a job going in as pending: the markets it accepts, checked against `marketVersions`. */
    verify?: readonly string[];
  }[],
  marketVersions: ReadonlyMap<string, string> = new Map(),
): Promise<BatchWrite> {
  const jobs = items.map(({ job: j, verify }, n) => ({
    n,
    id: j.id,
    consumer: j.consumer,
    kind: j.kind,
    image: j.image,
    command: j.command,
    env: j.env,
    gpu_models: j.gpuModels,
    min_vram_gb: j.minVramGb,
    gpu_count: j.gpuCount,
    regions: j.regions,
    max_price: j.maxPricePerGpuHour.toString(),
    max_hours: j.maxHours,
    idempotency_key: j.idempotencyKey,
    verify: verify ?? null,
  }));
  const reservations = items.flatMap(({ reservation: r }) =>
    r
      ? [
          {
            job_id: r.jobId,
            lease_id: r.leaseId,
            market: r.offer.market,
            offer_id: r.offer.id,
            provider_id: r.offer.providerId,
            gpus: r.gpuCount,
            price: r.pricePerGpuHour.toString(),
            rate: r.ratePerSecond.toString(),
            max_seconds: r.maxSeconds,
            chain_job_id: r.chainJobId,
            quote_expires_at: r.quoteExpiresAt.toISOString(),
            alternatives: r.alternatives.map((a) => ({
              offer_id: a.offerId,
              provider_id: a.providerId,
              ask: a.askWeiPerGpuHour.toString(),
              reason: a.reason,
            })),
          },
        ]
      : [],
  );
  const rows = await runPrepared<{
    id: string;
    created: boolean;
    reserved: boolean;
    recheck: boolean;
    took: { offer: string; gpus: number }[];
    xid: string | null;
    changed: string[];
  }>(executor, insertBatchStatement, [
    JSON.stringify(jobs),
    JSON.stringify(reservations),
    BATCH_LOST_OFFER,
    JSON.stringify([...marketVersions].map(([m, v]) => ({ m, v }))),
  ]);
  return {
    outcomes: rows.map((row) => ({
      created: row.created,
      reserved: row.reserved,
      recheck: row.recheck,
    })),
    changed: rows[0]?.changed ?? [],
    took: new Map((rows[0]?.took ?? []).map((t) => [t.offer, t.gpus])),
    xid: rows[0]?.xid ?? null,
  };
}
