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
