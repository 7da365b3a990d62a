import "server-only";
import type { Executor } from "@/db/client";
import { offersChanged } from "../offer-changes";
import { prepared, runPrepared } from "../util";
import { stakesChanged } from "./provider-stakes";
import { type Reservation, reservationColumns, reservationRecord } from "./records";

/**
 * Places one stored, pending job on one offer, in one statement (one transaction even without
 * BEGIN): lock the job, then the offer, take the GPUs, move the job pending -> matched, write the
 * lease, its alternatives and the events. The job is locked first (`pending_job` feeds the offer's
 * lock), as in every transaction that touches jobs, leases and offers (services README, "Lock
 * order"), so a re-match holding the job and this statement cannot wait on each other in a cycle.
 */
const reserveStatement = (wait: boolean) =>
  prepared(
    wait ? "market_reserve_pending_wait" : "market_reserve_pending_skip_locked",
    `with planned as (
      select * from jsonb_to_record($1::jsonb) as x(
        job_id uuid, consumer text, gpu_count int, actor text, ${reservationColumns})),
    pending_job as (
      select j.id from jobs j join planned on j.id = planned.job_id
      where j.status = 'pending'
      for update of j),
    offer_locked as (
      select o.market, o.id from offers o
      join planned on o.market = planned.market and o.id = planned.offer_id
      join pending_job on true
      where o.status = 'active' and o.gpus_free >= planned.gpu_count
        and o.provider_online
      for update of o ${wait ? "" : "skip locked"}),
    offer_taken as (
      update offers o set gpus_free = o.gpus_free - planned.gpu_count, updated_at = now()
      from offer_locked, planned
      where o.market = offer_locked.market and o.id = offer_locked.id
      returning o.id),
    job_matched as (
      update jobs j set status = 'matched', updated_at = now()
      from pending_job where j.id = pending_job.id and exists (select 1 from offer_taken)
      returning j.id),
    new_lease as (
      insert into leases (id, market, job_id, offer_id, provider_id, consumer, gpu_count,
                          price_per_gpu_hour, rate_per_second, max_seconds, chain_job_id,
                          quote_expires_at)
      select p.lease_id, p.market, p.job_id, p.offer_id, p.provider_id, p.consumer, p.gpu_count,
             p.price, p.rate, p.max_seconds, p.chain_job_id, p.quote_expires_at
      from planned p where exists (select 1 from job_matched)
      returning id),
    new_alternatives as (
      insert into lease_alternatives (market, lease_id, offer_id, provider_id,
                                      ask_wei_per_gpu_hour, reason)
      select p.market, p.lease_id, alt.offer_id, alt.provider_id, alt.ask, alt.reason
      from planned p cross join jsonb_to_recordset(p.alternatives) as alt(
        offer_id uuid, provider_id uuid, ask numeric, reason text)
      where exists (select 1 from new_lease)),
    new_events as (
      insert into market_events (aggregate, aggregate_id, type, from_status, to_status, actor, data)
      select ev.aggregate, ev.aggregate_id, ev.type, ev.from_status, ev.to_status, p.actor, ev.data
      from planned p cross join lateral (values
        (1, 'job', p.job_id, 'job.matched', 'pending', 'matched',
         jsonb_build_object('leaseId', p.lease_id, 'offerId', p.offer_id, 'market', p.market)),
        (2, 'lease', p.lease_id, 'lease.reserved', null, 'reserved',
         jsonb_build_object('jobId', p.job_id, 'offerId', p.offer_id, 'gpus', p.gpu_count))
      ) ev(k, aggregate, aggregate_id, type, from_status, to_status, data)
      where exists (select 1 from new_lease)
      order by ev.k)
    select (select count(*) from pending_job)::int as pending,
           (select count(*) from job_matched)::int as reserved`,
  );
const reserveWaiting = reserveStatement(true);
const reserveSkippingLocked = reserveStatement(false);

export type ReserveOutcome =
  /** The GPUs are taken, the lease written, the job matched. */
  | "reserved"
  /** The offer was busy (locked, paused, provider offline, or short of GPUs): nothing written. */
  | "offer_unavailable"
  /** The job is no longer pending (placed or cancelled meanwhile): nothing written. */
  | "job_not_pending";

/**
 * Reserves GPUs for a pending job: all or nothing, in one statement. `wait`: wait for the offer's
 * row lock rather than skip the offer when another transaction holds it.
 */
export async function reservePending(
  executor: Executor,
  r: Reservation,
  wait: boolean,
): Promise<ReserveOutcome> {
  offersChanged([r.offer.market]);
  // A lease written outside the submit batches: its collateral is not in their copy of stake.
  stakesChanged();
  const [row] = await runPrepared<{ pending: number; reserved: number }>(
    executor,
    wait ? reserveWaiting : reserveSkippingLocked,
    [
      JSON.stringify({
        job_id: r.jobId,
        consumer: r.consumer,
        gpu_count: r.gpuCount,
        actor: r.actor,
        ...reservationRecord(r),
      }),
    ],
  );
  if ((row?.reserved ?? 0) === 1) return "reserved";
  return (row?.pending ?? 0) === 1 ? "offer_unavailable" : "job_not_pending";
}
