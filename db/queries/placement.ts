import "server-only";
import { type SQL, sql } from "drizzle-orm";
import { type Executor, queryRows } from "@/db/client";
import type { AlternativeReason, StoredEnvVar } from "@/db/schema";
import { textArray } from "./util";

/**
 * The matching hot path, one round trip per step: each statement is a chain of data-modifying
 * CTEs, so a submit costs BEGIN, insert, candidates, reserve, COMMIT.
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

/**
 * Records the consumer (if new), the job and its `job.submitted` event; false when the consumer
 * already used the idempotency key (nothing is written then).
 */
export async function insertSubmittedJob(executor: Executor, j: JobInsert): Promise<boolean> {
  const data = JSON.stringify({
    gpuCount: j.gpuCount,
    maxPricePerGpuHour: j.maxPricePerGpuHour.toString(),
  });
  const [row] = await queryRows<{ created: number }>(
    executor,
    sql`with u as (insert into users (address) values (${j.consumer}) on conflict do nothing),
        j as (
          insert into jobs (id, consumer, kind, image, command, env, gpu_models, min_vram_gb,
                            gpu_count, regions, max_price_per_gpu_hour, max_hours, idempotency_key)
          values (${j.id}, ${j.consumer}, ${j.kind}, ${j.image}, ${j.command},
                  ${JSON.stringify(j.env)}::jsonb, ${textArray(j.gpuModels)}, ${j.minVramGb},
                  ${j.gpuCount}, ${textArray(j.regions)}, ${j.maxPricePerGpuHour.toString()}::numeric,
                  ${j.maxHours}, ${j.idempotencyKey})
          on conflict (consumer, idempotency_key) do nothing
          returning id),
        e as (
          insert into market_events (aggregate, aggregate_id, type, to_status, actor, data)
          select 'job', j.id, 'job.submitted', 'pending', ${j.consumer}, ${data}::jsonb from j)
        select count(*)::int as created from j`,
  );
  return (row?.created ?? 0) === 1;
}

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
  const lock = wait ? sql`for update` : sql`for update skip locked`;
  const o = r.offer;
  const alternatives: SQL = r.alternatives.length
    ? sql`, a as (
          insert into lease_alternatives (market, lease_id, offer_id, provider_id,
                                          ask_wei_per_gpu_hour, reason)
          select ${o.market}, l.id, v.offer_id::uuid, v.provider_id::uuid, v.ask::numeric, v.reason
          from l cross join (values ${sql.join(
            r.alternatives.map(
              (a) =>
                sql`(${a.offerId}, ${a.providerId}, ${a.askWeiPerGpuHour.toString()}, ${a.reason})`,
            ),
            sql`, `,
          )}) v(offer_id, provider_id, ask, reason))`
    : sql``;
  const matched = JSON.stringify({ leaseId: r.leaseId, offerId: o.id, market: o.market });
  const reserved = JSON.stringify({ jobId: r.jobId, offerId: o.id, gpus: r.gpuCount });
  const [row] = await queryRows<{ reserved: number; moved: number }>(
    executor,
    sql`with r as (
          update offers set gpus_free = gpus_free - ${r.gpuCount}, updated_at = now()
          where market = ${o.market} and id = ${o.id} and gpus_free >= ${r.gpuCount}
            and id = (select id from offers where market = ${o.market} and id = ${o.id}
                        and status = 'active' and gpus_free >= ${r.gpuCount} ${lock})
          returning id),
        j as (
          update jobs set status = 'matched', updated_at = now()
          where id = ${r.jobId} and status = 'pending' and exists (select 1 from r)
          returning id),
        l as (
          insert into leases (id, market, job_id, offer_id, provider_id, consumer, gpu_count,
                              price_per_gpu_hour, rate_per_second, max_seconds, chain_job_id,
                              quote_expires_at)
          select ${r.leaseId}, ${o.market}, j.id, r.id, ${o.providerId}, ${r.consumer},
                 ${r.gpuCount}, ${r.pricePerGpuHour.toString()}::numeric,
                 ${r.ratePerSecond.toString()}::numeric, ${r.maxSeconds},
                 ${r.chainJobId}, ${r.quoteExpiresAt.toISOString()}::timestamptz
          from r cross join j
          returning id)
        ${alternatives},
        e as (
          insert into market_events (aggregate, aggregate_id, type, from_status, to_status, actor, data)
          select v.aggregate, v.aggregate_id::uuid, v.type, v.from_status, v.to_status, ${r.actor},
                 v.data::jsonb
          from l cross join (values
            ('job', ${r.jobId}, 'job.matched', 'pending', 'matched', ${matched}),
            ('lease', ${r.leaseId}, 'lease.reserved', null, 'reserved', ${reserved})
          ) v(aggregate, aggregate_id, type, from_status, to_status, data))
        select (select count(*) from r)::int as reserved,
               case when exists (select 1 from r) and not exists (select 1 from j)
                    then market_abort(${JOB_NOT_PENDING}) else 1 end as moved`,
  );
  return { reserved: (row?.reserved ?? 0) === 1 };
}
