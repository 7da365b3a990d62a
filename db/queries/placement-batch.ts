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
        max_hours int, idempotency_key text, verify text[],
        lease_id uuid, market text, offer_id uuid, provider_id uuid, price numeric, rate numeric,
        max_seconds int, chain_job_id text, quote_expires_at timestamptz, alternatives jsonb)),
    changed as (
      select c.m from jsonb_to_recordset($3::jsonb) as c(m text, v bigint)
      left join market_versions mv on mv.market = c.m
      where coalesce(mv.version, 0) <> c.v),
    u as (
      insert into users (address) select distinct consumer from jin order by consumer
      on conflict do nothing),
    want as (
      select market, offer_id, sum(gpu_count)::int as gpus from jin
      where offer_id is not null group by market, offer_id),
    lk as (
      select k.market, k.id from want w cross join lateral (
        select o.market, o.id from offers o
        where o.market = w.market and o.id = w.offer_id and o.status = 'active'
          and o.gpus_free >= w.gpus
        for update skip locked) k),
    j as (
      insert into jobs (id, consumer, kind, image, command, env, gpu_models, min_vram_gb,
                        gpu_count, regions, max_price_per_gpu_hour, max_hours,
                        idempotency_key, status)
      select jin.id, jin.consumer, jin.kind, jin.image, jin.command, jin.env, jin.gpu_models,
             jin.min_vram_gb, jin.gpu_count, jin.regions, jin.max_price, jin.max_hours,
             jin.idempotency_key, case when lk.id is null then 'pending' else 'matched' end
      from jin left join lk on lk.market = jin.market and lk.id = jin.offer_id
      order by jin.n
      on conflict (consumer, idempotency_key) do nothing
      returning id, status),
    placed as (select jin.* from jin join j on j.id = jin.id where j.status = 'matched'),
    took as (
      select market, offer_id, sum(gpu_count)::int as gpus from placed group by market, offer_id),
    r as (
      update offers o set gpus_free = o.gpus_free - took.gpus, updated_at = now()
      from took where o.market = took.market and o.id = took.offer_id
      returning o.id, o.xmin),
    l as (
      insert into leases (id, market, job_id, offer_id, provider_id, consumer, gpu_count,
                          price_per_gpu_hour, rate_per_second, max_seconds, chain_job_id,
                          quote_expires_at)
      select p.lease_id, p.market, p.id, p.offer_id, p.provider_id, p.consumer, p.gpu_count,
             p.price, p.rate, p.max_seconds, p.chain_job_id, p.quote_expires_at
      from placed p),
    a as (
      insert into lease_alternatives (market, lease_id, offer_id, provider_id,
                                      ask_wei_per_gpu_hour, reason)
      select p.market, p.lease_id, x.offer_id, x.provider_id, x.ask, x.reason
      from placed p cross join jsonb_to_recordset(p.alternatives) as x(
        offer_id uuid, provider_id uuid, ask numeric, reason text)),
    e as (
      insert into market_events (aggregate, aggregate_id, type, from_status, to_status, actor, data)
      select v.aggregate, v.aggregate_id, v.type, v.from_status, v.to_status, jin.consumer, v.data
      from jin join j on j.id = jin.id
      cross join lateral (values
        (1, 'job', jin.id, 'job.submitted', null, 'pending',
         jsonb_build_object('gpuCount', jin.gpu_count, 'maxPricePerGpuHour', jin.max_price::text)),
        (2, 'job', jin.id, 'job.matched', 'pending', 'matched',
         jsonb_build_object('leaseId', jin.lease_id, 'offerId', jin.offer_id, 'market', jin.market)),
        (3, 'lease', jin.lease_id, 'lease.reserved', null, 'reserved',
         jsonb_build_object('jobId', jin.id, 'offerId', jin.offer_id, 'gpus', jin.gpu_count))
      ) v(k, aggregate, aggregate_id, type, from_status, to_status, data)
      where v.k = 1 or j.status = 'matched'
      order by jin.n, v.k)
    select j.id is not null as created, coalesce(j.status = 'matched', false) as reserved,
           coalesce(jin.verify && (select array_agg(m) from changed), false) as recheck,
           case when (select count(*) from r) <> (select count(*) from took)
                then market_abort($2::text) else 1 end as ok,
           -- The batch's figures, on the first row only.
           case when jin.n = 0 then
             (select coalesce(json_agg(json_build_object('offer', t.offer_id, 'gpus', t.gpus)), '[]')
              from took t) end as took,
           case when jin.n = 0 then (select min(r.xmin::text) from r) end as xid,
           case when jin.n = 0 then (select coalesce(json_agg(m), '[]') from changed) end as changed
    from jin left join j on j.id = jin.id order by jin.n`,
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
 * as xmin), so the batcher can tell whether a read of the book already saw them. A job going in
 * as pending carries `verify`, the markets it accepts: if one of them moved past the version in
 * `marketVersions` (capacity appeared since the book was read), its outcome says `recheck`.
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
  const jobs = items.map(({ job: j, verify, reservation: r }, n) => ({
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
    ...(r && {
      lease_id: r.leaseId,
      market: r.offer.market,
      offer_id: r.offer.id,
      provider_id: r.offer.providerId,
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
    }),
  }));
  const rows = await runPrepared<{
    created: boolean;
    reserved: boolean;
    recheck: boolean;
    took: { offer: string; gpus: number }[] | null;
    xid: string | null;
    changed: string[] | null;
  }>(executor, insertBatchStatement, [
    JSON.stringify(jobs),
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
