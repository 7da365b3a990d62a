import "server-only";
import type { Executor } from "@/db/client";
import type { AlternativeReason, StoredEnvVar } from "@/db/schema";
import { offersChanged } from "./offer-changes";
import { pgArray, prepared, runPrepared } from "./util";

/**
 * The matching hot path: each write is one statement of data-modifying CTEs, so it is atomic
 * without BEGIN/COMMIT round trips. A submit costs two round trips: candidates, then this. The
 * texts are fixed (lists travel as arrays), so each is parsed and planned once per connection.
 */

export type JobInsert = {
  id: string;
  consumer: string;
  kind: string;
  image: string;
  command: string;
  env: StoredEnvVar[];
  gpuModels: string[];
  minVramGb: number | null;
  gpuCount: number;
  regions: string[];
  maxPricePerGpuHour: bigint;
  maxHours: number;
  idempotencyKey: string;
};

export type Reservation = {
  leaseId: string;
  jobId: string;
  consumer: string;
  offer: { market: string; id: string; providerId: string };
  gpuCount: number;
  pricePerGpuHour: bigint;
  ratePerSecond: bigint;
  maxSeconds: number;
  chainJobId: string;
  quoteExpiresAt: Date;
  actor: string | null;
  alternatives: {
    offerId: string;
    providerId: string;
    askWeiPerGpuHour: bigint;
    reason: AlternativeReason;
  }[];
};

export const JOB_NOT_PENDING = "job is no longer pending";
export const DUPLICATE_SUBMIT = "idempotency key already used";

/**
 * `r`: the offer's GPUs taken, its row locked FOR UPDATE (SKIP LOCKED unless `wait`); no row
 * when $2 (market) is null. Parameters: $1 gpus, $2 market, $3 offer id.
 */
const reserveCte = (lock: string) => `r as (
      update offers set gpus_free = gpus_free - $1::int, updated_at = now()
      where market = $2::text and id = $3::uuid and gpus_free >= $1::int
        and id = (select id from offers where market = $2::text and id = $3::uuid
                    and status = 'active' and gpus_free >= $1::int ${lock})
      returning id)`;

/**
 * `l` (the lease, when `r` and `j` both produced a row), `a` (alternatives), `e` (events: the
 * job's `submitted` when $21 is set and `j` inserted, then matched and reserved with the lease).
 * Parameters: $2 market, $3 offer id, $4 lease id, $5 job id, $6 provider id, $7 consumer, $1 gpus,
 * $8 price, $9 rate, $10 max seconds, $11 chain job id, $12 quote expiry, $13..$16 alternatives
 * (offer ids, provider ids, asks, reasons), $17 actor, $18 matched data, $19 reserved data,
 * $20 whether `j` inserted a job (else it moved one), $21 submitted data or null.
 */
const recordCtes = `l as (
      insert into leases (id, market, job_id, offer_id, provider_id, consumer, gpu_count,
                          price_per_gpu_hour, rate_per_second, max_seconds, chain_job_id,
                          quote_expires_at)
      select $4::uuid, $2::text, j.id, r.id, $6::uuid, $7::text, $1::int, $8::numeric,
             $9::numeric, $10::int, $11::text, $12::timestamptz
      from r cross join j
      returning id),
    a as (
      insert into lease_alternatives (market, lease_id, offer_id, provider_id,
                                      ask_wei_per_gpu_hour, reason)
      select $2::text, l.id, v.offer_id, v.provider_id, v.ask, v.reason
      from l cross join unnest($13::uuid[], $14::uuid[], $15::numeric[], $16::text[])
        v(offer_id, provider_id, ask, reason)),
    e as (
      insert into market_events (aggregate, aggregate_id, type, from_status, to_status, actor, data)
      select v.aggregate, v.aggregate_id, v.type, v.from_status, v.to_status, $17::text, v.data
      from (values
          (1, 'job', $5::uuid, 'job.submitted', null, 'pending', $21::jsonb,
           $21::jsonb is not null and exists (select 1 from j)),
          (2, 'job', $5::uuid, 'job.matched', 'pending', 'matched', $18::jsonb,
           exists (select 1 from l)),
          (3, 'lease', $4::uuid, 'lease.reserved', null, 'reserved', $19::jsonb,
           exists (select 1 from l)))
        v(n, aggregate, aggregate_id, type, from_status, to_status, data, wanted)
      where v.wanted
      order by v.n)`;

/** Parameters $1..$19 (see recordCtes) of a reservation; all null when there is none. */
function reservationParams(r: Reservation | undefined, jobId: string, consumer: string) {
  if (!r) {
    return [
      null,
      null,
      null,
      null,
      jobId,
      null,
      consumer,
      null,
      null,
      null,
      null,
      null,
      "{}",
      "{}",
      "{}",
      "{}",
      consumer,
      null,
      null,
    ] as const;
  }
  const o = r.offer;
  const alts = r.alternatives;
  return [
    r.gpuCount,
    o.market,
    o.id,
    r.leaseId,
    jobId,
    o.providerId,
    r.consumer,
    r.pricePerGpuHour.toString(),
    r.ratePerSecond.toString(),
    r.maxSeconds,
    r.chainJobId,
    r.quoteExpiresAt.toISOString(),
    pgArray(alts.map((a) => a.offerId)),
    pgArray(alts.map((a) => a.providerId)),
    pgArray(alts.map((a) => a.askWeiPerGpuHour)),
    pgArray(alts.map((a) => a.reason)),
    r.actor,
    JSON.stringify({ leaseId: r.leaseId, offerId: o.id, market: o.market }),
    JSON.stringify({ jobId, offerId: o.id, gpus: r.gpuCount }),
  ] as const;
}

const insertJobStatement = prepared(
  "market_insert_job_and_reserve",
  `with u as (insert into users (address) values ($7::text) on conflict do nothing),
    ${reserveCte("for update skip locked")},
    j as (
      insert into jobs (id, consumer, kind, image, command, env, gpu_models, min_vram_gb,
                        gpu_count, regions, max_price_per_gpu_hour, max_hours,
                        idempotency_key, status)
      select $5::uuid, $7::text, $22::text, $23::text, $24::text, $25::jsonb, $26::text[],
             $27::int, $28::int, $29::text[], $30::numeric, $31::int, $32::text,
             case when exists (select 1 from r) then 'matched' else 'pending' end
      on conflict (consumer, idempotency_key) do nothing
      returning id),
    ${recordCtes}
    select (select count(*) from j)::int as created, (select count(*) from r)::int as reserved,
           case when exists (select 1 from r) and not exists (select 1 from j)
                then market_abort($20::text) else 1 end as ok`,
);

/**
 * A new job and, when a candidate is given, its placement on that offer, in one statement (so
 * one transaction): the consumer's users row, the job (`matched` if the GPUs were taken,
 * `pending` otherwise), the lease, the alternatives and the events. `created` false: the
 * consumer already used the idempotency key; nothing was written.
 */
export async function insertJobAndReserve(
  executor: Executor,
  j: JobInsert,
  r: Reservation | undefined,
): Promise<{ created: boolean; reserved: boolean }> {
  const submitted = JSON.stringify({
    gpuCount: j.gpuCount,
    maxPricePerGpuHour: j.maxPricePerGpuHour.toString(),
  });
  if (r) offersChanged();
  const [row] = await runPrepared<{ created: number; reserved: number }>(
    executor,
    insertJobStatement,
    [
      ...reservationParams(r, j.id, j.consumer),
      DUPLICATE_SUBMIT,
      submitted,
      j.kind,
      j.image,
      j.command,
      JSON.stringify(j.env),
      pgArray(j.gpuModels),
      j.minVramGb,
      j.gpuCount,
      pgArray(j.regions),
      j.maxPricePerGpuHour.toString(),
      j.maxHours,
      j.idempotencyKey,
    ],
  );
  return { created: (row?.created ?? 0) === 1, reserved: (row?.reserved ?? 0) === 1 };
}

const reserveStatement = (wait: boolean) =>
  prepared(
    wait ? "market_reserve_wait" : "market_reserve_skip_locked",
    `with ${reserveCte(wait ? "for update" : "for update skip locked")},
    j as (
      update jobs set status = 'matched', updated_at = now()
      where id = $5::uuid and status = 'pending' and exists (select 1 from r)
      returning id),
    ${recordCtes}
    select (select count(*) from r)::int as reserved,
           case when exists (select 1 from r) and not exists (select 1 from j)
                then market_abort($20::text) else 1 end as moved`,
  );
const reserveWait = reserveStatement(true);
const reserveSkipLocked = reserveStatement(false);

/**
 * Takes the GPUs (the offer row locked FOR UPDATE, SKIP LOCKED unless `wait`), moves the job
 * pending -> matched, writes the lease, its alternatives and the events: all or nothing in one
 * statement, so it is one transaction even without BEGIN. `reserved` false: the offer was busy
 * or no longer had the GPUs, and nothing was written. When the job is no longer pending the
 * statement aborts itself (market_abort), undoing the reservation, and this throws.
 */
export async function reserveAndRecord(
  executor: Executor,
  r: Reservation,
  wait: boolean,
): Promise<{ reserved: boolean }> {
  offersChanged();
  const [row] = await runPrepared<{ reserved: number }>(
    executor,
    wait ? reserveWait : reserveSkipLocked,
    [...reservationParams(r, r.jobId, r.consumer), JOB_NOT_PENDING, null],
  );
  return { reserved: (row?.reserved ?? 0) === 1 };
}

const insertBatchStatement = prepared(
  "market_insert_jobs_and_reserve",
  `with jin as (
      select * from jsonb_to_recordset($1::jsonb) as x(
        n int, id uuid, consumer text, kind text, image text, command text, env jsonb,
        gpu_models text[], min_vram_gb int, gpu_count int, regions text[], max_price numeric,
        max_hours int, idempotency_key text)),
    rin as (
      select * from jsonb_to_recordset($2::jsonb) as x(
        job_id uuid, lease_id uuid, market text, offer_id uuid, provider_id uuid, gpus int,
        price numeric, rate numeric, max_seconds int, chain_job_id text,
        quote_expires_at timestamptz, alternatives jsonb)),
    u as (insert into users (address) select distinct consumer from jin on conflict do nothing),
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
           case when (select count(*) from r) <> (select count(*) from took)
                then market_abort($3::text) else 1 end as ok,
           (select coalesce(json_agg(json_build_object('offer', t.offer_id, 'gpus', t.gpus)), '[]')
            from took t) as took,
           (select min(r.xmin::text) from r) as xid
    from jin order by jin.n`,
);

export type BatchWrite = {
  outcomes: { created: boolean; reserved: boolean }[];
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
  items: readonly { job: JobInsert; reservation: Reservation | undefined }[],
): Promise<BatchWrite> {
  const jobs = items.map(({ job: j }, n) => ({
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
    took: { offer: string; gpus: number }[];
    xid: string | null;
  }>(executor, insertBatchStatement, [
    JSON.stringify(jobs),
    JSON.stringify(reservations),
    BATCH_LOST_OFFER,
  ]);
  return {
    outcomes: rows.map((row) => ({ created: row.created, reserved: row.reserved })),
    took: new Map((rows[0]?.took ?? []).map((t) => [t.offer, t.gpus])),
    xid: rows[0]?.xid ?? null,
  };
}
