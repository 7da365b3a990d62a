import "server-only";
import { type SQL, sql } from "drizzle-orm";
import { type Executor, queryRows } from "@/db/client";
import type { AlternativeReason, StoredEnvVar } from "@/db/schema";
import { textArray } from "./util";

/**
 * The matching hot path: each write is one statement of data-modifying CTEs, so it is atomic
 * without BEGIN/COMMIT round trips. A submit costs two round trips: candidates, then this.
 */

export type JobInsert = {
  id: string;
  consumer: string;
  kind: string;
  image: string;
  command: string;
  env: StoredEnvVar[];
  gpuModels: readonly string[];
  minVramGb: number | null;
  gpuCount: number;
  regions: readonly string[];
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

/** `r`: the offer's GPUs taken, its row locked FOR UPDATE (SKIP LOCKED unless `wait`). */
function reserveCte(r: Reservation | undefined, wait: boolean): SQL {
  if (!r) return sql`r as (select null::uuid as id where false)`;
  const o = r.offer;
  const lock = wait ? sql`for update` : sql`for update skip locked`;
  return sql`r as (
      update offers set gpus_free = gpus_free - ${r.gpuCount}, updated_at = now()
      where market = ${o.market} and id = ${o.id} and gpus_free >= ${r.gpuCount}
        and id = (select id from offers where market = ${o.market} and id = ${o.id}
                    and status = 'active' and gpus_free >= ${r.gpuCount} ${lock})
      returning id)`;
}

/** `l` (the lease, when `r` and `j` both produced a row), `a` (alternatives), `e` (events). */
function recordCtes(r: Reservation | undefined, jobId: string, submitted: SQL | undefined): SQL {
  const events: SQL[] = [];
  if (submitted) events.push(submitted);
  let lease = sql`l as (select null::uuid as id where false)`;
  let alternatives = sql``;
  if (r) {
    const o = r.offer;
    lease = sql`l as (
      insert into leases (id, market, job_id, offer_id, provider_id, consumer, gpu_count,
                          price_per_gpu_hour, rate_per_second, max_seconds, chain_job_id,
                          quote_expires_at)
      select ${r.leaseId}, ${o.market}, j.id, r.id, ${o.providerId}, ${r.consumer},
             ${r.gpuCount}, ${r.pricePerGpuHour.toString()}::numeric,
             ${r.ratePerSecond.toString()}::numeric, ${r.maxSeconds},
             ${r.chainJobId}, ${r.quoteExpiresAt.toISOString()}::timestamptz
      from r cross join j
      returning id)`;
    if (r.alternatives.length) {
      alternatives = sql`, a as (
        insert into lease_alternatives (market, lease_id, offer_id, provider_id,
                                        ask_wei_per_gpu_hour, reason)
        select ${o.market}, l.id, v.offer_id::uuid, v.provider_id::uuid, v.ask::numeric, v.reason
        from l cross join (values ${sql.join(
          r.alternatives.map(
            (a) =>
              sql`(${a.offerId}, ${a.providerId}, ${a.askWeiPerGpuHour.toString()}, ${a.reason})`,
          ),
          sql`, `,
        )}) v(offer_id, provider_id, ask, reason))`;
    }
    const matched = JSON.stringify({ leaseId: r.leaseId, offerId: o.id, market: o.market });
    const reserved = JSON.stringify({ jobId, offerId: o.id, gpus: r.gpuCount });
    events.push(
      sql`(2, 'job', ${jobId}, 'job.matched', 'pending', 'matched', ${matched}, exists (select 1 from l))`,
      sql`(3, 'lease', ${r.leaseId}, 'lease.reserved', null, 'reserved', ${reserved}, exists (select 1 from l))`,
    );
  }
  const actor = r?.actor ?? null;
  const log = events.length
    ? sql`, e as (
        insert into market_events (aggregate, aggregate_id, type, from_status, to_status, actor, data)
        select v.aggregate, v.aggregate_id::uuid, v.type, v.from_status, v.to_status, ${actor},
               v.data::jsonb
        from (values ${sql.join(events, sql`, `)})
          v(n, aggregate, aggregate_id, type, from_status, to_status, data, wanted)
        where v.wanted
        order by v.n)`
    : sql``;
  return sql`${lease}${alternatives}${log}`;
}

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
  const data = JSON.stringify({
    gpuCount: j.gpuCount,
    maxPricePerGpuHour: j.maxPricePerGpuHour.toString(),
  });
  const submitted = sql`(1, 'job', ${j.id}, 'job.submitted', null, 'pending', ${data},
                         exists (select 1 from j))`;
  const [row] = await queryRows<{ created: number; reserved: number }>(
    executor,
    sql`with u as (insert into users (address) values (${j.consumer}) on conflict do nothing),
        ${reserveCte(r, false)},
        j as (
          insert into jobs (id, consumer, kind, image, command, env, gpu_models, min_vram_gb,
                            gpu_count, regions, max_price_per_gpu_hour, max_hours,
                            idempotency_key, status)
          select ${j.id}::uuid, ${j.consumer}, ${j.kind}, ${j.image}, ${j.command},
                 ${JSON.stringify(j.env)}::jsonb, ${textArray(j.gpuModels)}, ${j.minVramGb}::int,
                 ${j.gpuCount}::int, ${textArray(j.regions)},
                 ${j.maxPricePerGpuHour.toString()}::numeric, ${j.maxHours}::int,
                 ${j.idempotencyKey},
                 case when exists (select 1 from r) then 'matched' else 'pending' end
          on conflict (consumer, idempotency_key) do nothing
          returning id),
        ${recordCtes(r, j.id, submitted)}
        select (select count(*) from j)::int as created, (select count(*) from r)::int as reserved,
               case when exists (select 1 from r) and not exists (select 1 from j)
                    then market_abort(${DUPLICATE_SUBMIT}) else 1 end as ok`,
  );
  return { created: (row?.created ?? 0) === 1, reserved: (row?.reserved ?? 0) === 1 };
}

export const DUPLICATE_SUBMIT = "idempotency key already used";

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
  const [row] = await queryRows<{ reserved: number; moved: number }>(
    executor,
    sql`with ${reserveCte(r, wait)},
        j as (
          update jobs set status = 'matched', updated_at = now()
          where id = ${r.jobId} and status = 'pending' and exists (select 1 from r)
          returning id),
        ${recordCtes(r, r.jobId, undefined)}
        select (select count(*) from r)::int as reserved,
               case when exists (select 1 from r) and not exists (select 1 from j)
                    then market_abort(${JOB_NOT_PENDING}) else 1 end as moved`,
  );
  return { reserved: (row?.reserved ?? 0) === 1 };
}
