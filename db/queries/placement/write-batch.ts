import "server-only";
import type { Executor } from "@/db/client";
import { refusals } from "@/db/errors";
import { prepared, runPrepared } from "../util";
import {
  type JobInsert,
  jobRecord,
  type Reservation,
  reservationColumns,
  reservationRecord,
} from "./records";

/**
 * The write of a submit batch: new jobs and their planned placements in one statement of
 * data-modifying CTEs (one transaction), one JSON record per job so the text is fixed.
 *
 * Locks: planned offers, FOR UPDATE SKIP LOCKED, never waiting; the jobs are new rows nobody else
 * can hold. So this statement never waits on a lock another placement, cancel or expiry holds,
 * and takes no part in the job -> lease -> offer order (services README, "Lock order").
 */
const writeBatchStatement = prepared(
  "market_write_batch",
  `with batch_jobs as (
      select * from jsonb_to_recordset($1::jsonb) as x(
        n int, id uuid, consumer text, kind text, image text, command text, env jsonb,
        gpu_models text[], min_vram_gb int, gpu_count int, regions text[], max_price numeric,
        max_hours int, idempotency_key text, verify text[],
        ${reservationColumns})),
    markets_moved as (
      select read.market from jsonb_to_recordset($2::jsonb) as read(market text, version bigint)
      left join market_versions mv on mv.market = read.market
      where coalesce(mv.version, 0) <> read.version),
    new_users as (
      insert into users (address) select distinct consumer from batch_jobs order by consumer
      on conflict do nothing),
    gpus_wanted as (
      select market, offer_id, sum(gpu_count)::int as gpus from batch_jobs
      where offer_id is not null group by market, offer_id),
    offers_locked as (
      select locked.market, locked.id from gpus_wanted w cross join lateral (
        select o.market, o.id from offers o
        where o.market = w.market and o.id = w.offer_id and o.status = 'active'
          and o.gpus_free >= w.gpus
          and o.provider_online
        for update skip locked) locked),
    stored_jobs as (
      insert into jobs (id, consumer, kind, image, command, env, gpu_models, min_vram_gb,
                        gpu_count, regions, max_price_per_gpu_hour, max_hours,
                        idempotency_key, status)
      select b.id, b.consumer, b.kind, b.image, b.command, b.env, b.gpu_models, b.min_vram_gb,
             b.gpu_count, b.regions, b.max_price, b.max_hours, b.idempotency_key,
             case when ol.id is null then 'pending' else 'matched' end
      from batch_jobs b left join offers_locked ol on ol.market = b.market and ol.id = b.offer_id
      order by b.n
      on conflict (consumer, idempotency_key) do nothing
      returning id, status),
    placed_jobs as (
      select b.* from batch_jobs b join stored_jobs s on s.id = b.id where s.status = 'matched'),
    gpus_taken as (
      select market, offer_id, sum(gpu_count)::int as gpus from placed_jobs
      group by market, offer_id),
    offers_taken as (
      update offers o set gpus_free = o.gpus_free - t.gpus, updated_at = now()
      from gpus_taken t where o.market = t.market and o.id = t.offer_id
      returning o.id, o.xmin),
    new_leases as (
      insert into leases (id, market, job_id, offer_id, provider_id, consumer, gpu_count,
                          price_per_gpu_hour, rate_per_second, max_seconds, chain_job_id,
                          quote_expires_at)
      select p.lease_id, p.market, p.id, p.offer_id, p.provider_id, p.consumer, p.gpu_count,
             p.price, p.rate, p.max_seconds, p.chain_job_id, p.quote_expires_at
      from placed_jobs p),
    new_alternatives as (
      insert into lease_alternatives (market, lease_id, offer_id, provider_id,
                                      ask_wei_per_gpu_hour, reason)
      select p.market, p.lease_id, alt.offer_id, alt.provider_id, alt.ask, alt.reason
      from placed_jobs p cross join jsonb_to_recordset(p.alternatives) as alt(
        offer_id uuid, provider_id uuid, ask numeric, reason text)),
    new_events as (
      insert into market_events (aggregate, aggregate_id, type, from_status, to_status, actor, data)
      select ev.aggregate, ev.aggregate_id, ev.type, ev.from_status, ev.to_status, b.consumer,
             ev.data
      from batch_jobs b join stored_jobs s on s.id = b.id
      cross join lateral (values
        (1, 'job', b.id, 'job.submitted', null, 'pending',
         jsonb_build_object('gpuCount', b.gpu_count, 'maxPricePerGpuHour', b.max_price::text)),
        (2, 'job', b.id, 'job.matched', 'pending', 'matched',
         jsonb_build_object('leaseId', b.lease_id, 'offerId', b.offer_id, 'market', b.market)),
        (3, 'lease', b.lease_id, 'lease.reserved', null, 'reserved',
         jsonb_build_object('jobId', b.id, 'offerId', b.offer_id, 'gpus', b.gpu_count))
      ) ev(k, aggregate, aggregate_id, type, from_status, to_status, data)
      where ev.k = 1 or s.status = 'matched'
      order by b.n, ev.k)
    select s.id is not null as created, coalesce(s.status = 'matched', false) as reserved,
           coalesce(b.verify && (select array_agg(market) from markets_moved), false) as recheck,
           case when (select count(*) from offers_taken) <> (select count(*) from gpus_taken)
                then market_abort('${refusals.offer_lost}') else 1 end as ok,
           -- The batch's figures, on the first row only.
           case when b.n = 0 then
             (select coalesce(json_agg(json_build_object('offer', t.offer_id, 'gpus', t.gpus)), '[]')
              from gpus_taken t) end as took,
           case when b.n = 0 then (select min(t.xmin::text) from offers_taken t) end as xid,
           case when b.n = 0 then pg_current_xact_id()::text end as txid,
           case when b.n = 0 then (select coalesce(json_agg(market), '[]') from markets_moved) end
             as changed
    from batch_jobs b left join stored_jobs s on s.id = b.id order by b.n`,
);

/** One job of a batch: a planned reservation, or for a job nothing fits, the markets it accepts. */
export type BatchItem = {
  job: JobInsert;
  reservation: Reservation | undefined;
  /** For a job going in as pending: the markets it accepts, checked against the read versions. */
  verify?: readonly string[];
};

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
  /** The same, 64-bit (`pg_current_xact_id()`), to tell whether a snapshot saw the write. */
  txid: bigint | null;
};

/**
 * A batch of new jobs and the placements the engine planned for them, in one statement (one
 * transaction): the consumers' users rows, each planned offer locked FOR UPDATE SKIP LOCKED when
 * it is active, its provider online and it still has the GPUs the batch takes from it, the jobs
 * (`matched` when their offer was locked, `pending` otherwise), the GPUs, leases, alternatives
 * and events. A job whose consumer already used its idempotency key is not written (`created`
 * false) and takes nothing. Keys must be distinct within a batch. `outcomes` are in the order of
 * `items`; `took` and `xid` let the batcher tell whether a read of the book already saw the takes
 * (the offers' new row versions carry `xid` as xmin), and `txid` whether a read of the providers'
 * stake saw the new leases (their collateral). `marketVersions`: the versions the book was
 * read at, for the `verify` markets of jobs going in as pending.
 */
export async function writeBatch(
  executor: Executor,
  items: readonly BatchItem[],
  marketVersions: ReadonlyMap<string, string> = new Map(),
): Promise<BatchWrite> {
  const records = items.map(({ job, verify, reservation }, n) => ({
    n,
    ...jobRecord(job),
    verify: verify ?? null,
    ...(reservation && reservationRecord(reservation)),
  }));
  const rows = await runPrepared<{
    created: boolean;
    reserved: boolean;
    recheck: boolean;
    took: { offer: string; gpus: number }[] | null;
    xid: string | null;
    txid: string | null;
    changed: string[] | null;
  }>(executor, writeBatchStatement, [
    JSON.stringify(records),
    JSON.stringify([...marketVersions].map(([market, version]) => ({ market, version }))),
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
    txid: rows[0]?.txid ? BigInt(rows[0].txid) : null,
  };
}
