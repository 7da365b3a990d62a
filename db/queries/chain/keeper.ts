import "server-only";
import { type SQL, sql } from "drizzle-orm";
import { type Executor, queryRows } from "@/db/client";
import type { ChainJobStatus } from "@/db/schema/chain";

/**
 * The keeper's reads and writes (lib/keeper): its lease in `work_leases`, the due calls from
 * the indexed `chain_jobs`, and each call's claim and outcome in `keeper_calls`. Every write is
 * one guarded statement, so two keepers on one database never both own a lease or a call.
 * Retry times and leases run on the database's clock; whether a call is due runs on the chain's
 * (the caller passes it in).
 */

/** The contract's permissionless calls the keeper makes. */
export type KeeperCallName = "finalize" | "cancelExpired" | "settleDispute";

/**
 * `sending`: taken up by a keeper, not on chain yet; tried (again) from `next_attempt_at` on.
 * `sent`: signed with `tx_hash` recorded before it was broadcast; its receipt decides.
 * `confirmed`: done: mined in `tx_hash`, or (no hash) already done on chain by someone else.
 *   Should the index still show the job due after `next_attempt_at`, the chain is asked whether
 *   it still holds (a reorganisation may have undone it) and the call is reopened when not.
 * `failed`: given up after the last attempt; `last_error` says why.
 */
export type KeeperCallStatus = "sending" | "sent" | "confirmed" | "failed";

/** Takes or renews the named lease for `holder`; false while another holder's has not lapsed. */
export async function takeLease(
  db: Executor,
  name: string,
  holder: string,
  ttlMs: number,
): Promise<boolean> {
  const rows = await queryRows<{ holder: string }>(
    db,
    sql`insert into work_leases (name, holder, expires_at)
        values (${name}, ${holder}, now() + ${ttlMs}::int * interval '1 millisecond')
        on conflict (name) do update
          set holder = excluded.holder, expires_at = excluded.expires_at
          where work_leases.holder = excluded.holder or work_leases.expires_at <= now()
        returning holder`,
  );
  return rows.length === 1;
}

/** Gives the lease up at once (the next keeper need not wait for it to lapse). */
export async function releaseLease(db: Executor, name: string, holder: string): Promise<void> {
  await db.execute(sql`delete from work_leases where name = ${name} and holder = ${holder}`);
}

/** A call the index says the contract would accept now. */
export type DueCall = {
  jobId: `0x${string}`;
  call: KeeperCallName;
  /** The job's indexed status the call needs. */
  status: ChainJobStatus;
  /** The first chain second at which the call is allowed. */
  dueAt: Date;
};

/** Every call the index says the contract allows at chain time `at`, whoever holds it. */
const allowedCalls = (at: SQL) =>
  sql`select job_id, 'finalize' as call, status, challenge_ends_at as due_at
        from chain_jobs where status = 'submitted' and challenge_ends_at <= ${at}
      union all
      select job_id, 'cancelExpired', status, start_deadline + interval '1 second'
        from chain_jobs where status = 'funded' and start_deadline < ${at}
      union all
      select job_id, 'cancelExpired', status, deadline + interval '1 second'
        from chain_jobs where status = 'running' and deadline < ${at}
      union all
      select job_id, 'settleDispute', status, dispute_ends_at
        from chain_jobs where status = 'disputed' and dispute_ends_at <= ${at}`;

/**
 * Calls due at chain time `now`, the contract's own rules: finalize from `challenge_ends_at` on;
 * cancelExpired after `start_deadline` (never started) or after `deadline` (no result);
 * settleDispute from `dispute_ends_at` on. Left out: calls another keeper holds (until their
 * claim lapses), calls done or given up. Oldest due first.
 */
export async function dueCalls(db: Executor, now: Date, limit: number): Promise<DueCall[]> {
  const at = sql`${now.toISOString()}::timestamptz`;
  const rows = await queryRows<{
    job_id: `0x${string}`;
    call: KeeperCallName;
    status: ChainJobStatus;
    due_at: Date | string;
  }>(
    db,
    sql`with due as (${allowedCalls(at)})
        select d.job_id, d.call, d.status, d.due_at
          from due d
          left join keeper_calls k on k.job_id = d.job_id and k.call = d.call
         where k.job_id is null
            or (k.status in ('sending', 'sent') and k.next_attempt_at <= now())
         order by d.due_at, d.job_id
         limit ${limit}`,
  );
  return rows.map((r) => ({
    jobId: r.job_id,
    call: r.call,
    status: r.status,
    dueAt: new Date(r.due_at),
  }));
}

/** A call recorded as done whose job the index still shows waiting for it. */
export type ConfirmedStillDue = Omit<DueCall, "dueAt"> & { txHash: `0x${string}` | null };

/**
 * Calls recorded `confirmed` at least a while ago (their `next_attempt_at` has passed) whose job
 * the index still shows in the status the call needs: either the index is behind, or a
 * reorganisation undid the transaction that did them. The keeper asks the chain which.
 */
export async function confirmedStillDue(
  db: Executor,
  now: Date,
  limit: number,
): Promise<ConfirmedStillDue[]> {
  const at = sql`${now.toISOString()}::timestamptz`;
  const rows = await queryRows<{
    job_id: `0x${string}`;
    call: KeeperCallName;
    status: ChainJobStatus;
    tx_hash: `0x${string}` | null;
  }>(
    db,
    sql`with due as (${allowedCalls(at)})
        select d.job_id, d.call, d.status, k.tx_hash
          from due d
          join keeper_calls k on k.job_id = d.job_id and k.call = d.call
         where k.status = 'confirmed' and k.next_attempt_at <= now()
         order by d.due_at, d.job_id
         limit ${limit}`,
  );
  return rows.map((r) => ({ jobId: r.job_id, call: r.call, status: r.status, txHash: r.tx_hash }));
}

type CallRef = { jobId: string; call: KeeperCallName };

/**
 * A confirmed call is to be made again (a reorganisation undid it): back to `sending` with a
 * fresh count of attempts, due at once, with why in `last_error`. False when it is no longer
 * confirmed (another keeper reopened it first).
 */
export async function reopenCall(db: Executor, k: CallRef, note: string): Promise<boolean> {
  const rows = await queryRows<{ attempts: number }>(
    db,
    sql`update keeper_calls
           set status = 'sending', attempts = 0, tx_hash = null, last_error = ${note},
               next_attempt_at = now(), updated_at = now()
         where job_id = ${k.jobId} and call = ${k.call} and status = 'confirmed'
        returning attempts`,
  );
  return rows.length === 1;
}

/** A confirmed call still holds on chain (the index is behind): look again after `ms`. */
export async function confirmedRecheckLater(db: Executor, k: CallRef, ms: number): Promise<void> {
  await db.execute(
    sql`update keeper_calls
           set next_attempt_at = now() + ${ms}::int * interval '1 millisecond'
         where job_id = ${k.jobId} and call = ${k.call} and status = 'confirmed'`,
  );
}

/** A call this keeper now holds: `attempt` is its token for every later write. */
export type Claim = { attempt: number; status: "sending" | "sent"; txHash: `0x${string}` | null };

/**
 * Takes a call up for one attempt, until `holdMs` from now: a new row, or a row waiting for its
 * next attempt once `next_attempt_at` has passed and fewer than `maxAttempts` were made, or a sent
 * one whose keeper stopped before its receipt came (to check that receipt). Only while the index still shows the job in `status`. At most
 * one of several keepers gets it: the others find the row taken (or its time moved on).
 */
export async function claimCall(
  db: Executor,
  due: Pick<DueCall, "jobId" | "call" | "status">,
  maxAttempts: number,
  holdMs: number,
): Promise<Claim | null> {
  const [row] = await queryRows<{
    attempts: number;
    status: "sending" | "sent";
    tx_hash: `0x${string}` | null;
  }>(
    db,
    sql`insert into keeper_calls (job_id, call, status, attempts, next_attempt_at, updated_at)
        select j.job_id, ${due.call}, 'sending', 1,
               now() + ${holdMs}::int * interval '1 millisecond', now()
          from chain_jobs j
         where j.job_id = ${due.jobId} and j.status = ${due.status}
        on conflict (job_id, call) do update
          set attempts = keeper_calls.attempts + 1,
              next_attempt_at = excluded.next_attempt_at,
              updated_at = now()
          where keeper_calls.status in ('sending', 'sent')
            and keeper_calls.next_attempt_at <= now()
            and (keeper_calls.attempts < ${maxAttempts} or keeper_calls.status = 'sent')
        returning attempts, status, tx_hash`,
  );
  return row ? { attempt: row.attempts, status: row.status, txHash: row.tx_hash } : null;
}

type CallKey = { jobId: string; call: KeeperCallName; attempt: number };

const held = (k: CallKey) =>
  sql`job_id = ${k.jobId} and call = ${k.call} and attempts = ${k.attempt}`;

/**
 * Records the signed transaction's hash before it is broadcast, so a keeper that stops after
 * broadcasting leaves a hash whose receipt the next one checks instead of sending again.
 * False when the claim was lost (another keeper took the call up after it lapsed).
 */
export async function markSent(
  db: Executor,
  k: CallKey,
  txHash: string,
  holdMs: number,
): Promise<boolean> {
  const rows = await queryRows<{ attempts: number }>(
    db,
    sql`update keeper_calls
           set status = 'sent', tx_hash = ${txHash}, updated_at = now(),
               next_attempt_at = now() + ${holdMs}::int * interval '1 millisecond'
         where ${held(k)} and status in ('sending', 'sent')
        returning attempts`,
  );
  return rows.length === 1;
}

/** Done: mined in `txHash`, or already done on chain by someone else (`txHash` null). */
export async function markConfirmed(
  db: Executor,
  k: CallKey,
  txHash: string | null,
  note: string | null,
  /** When to ask whether it still holds, should the index still show the job due then. */
  recheckMs: number,
): Promise<boolean> {
  const rows = await queryRows<{ attempts: number }>(
    db,
    sql`update keeper_calls
           set status = 'confirmed', tx_hash = ${txHash}, last_error = ${note}, updated_at = now(),
               next_attempt_at = now() + ${recheckMs}::int * interval '1 millisecond'
         where ${held(k)} and status in ('sending', 'sent')
        returning attempts`,
  );
  return rows.length === 1;
}

/**
 * The attempt failed: the call waits `retryMs` for the next one, or is given up (`failed`) when
 * this was the last. `counted: false` gives the attempt back (the job moved on chain, so the
 * attempt said nothing about the call; it is tried again once the index catches up).
 */
export async function markAttemptFailed(
  db: Executor,
  k: CallKey,
  outcome: {
    error: string;
    txHash: string | null;
    retryMs: number;
    giveUp: boolean;
    counted: boolean;
  },
): Promise<boolean> {
  const rows = await queryRows<{ attempts: number }>(
    db,
    sql`update keeper_calls
           set status = ${outcome.giveUp ? "failed" : "sending"},
               attempts = attempts - ${outcome.counted ? 0 : 1},
               tx_hash = ${outcome.txHash},
               last_error = ${outcome.error},
               next_attempt_at = now() + ${outcome.retryMs}::int * interval '1 millisecond',
               updated_at = now()
         where ${held(k)} and status in ('sending', 'sent')
        returning attempts`,
  );
  return rows.length === 1;
}

/**
 * Gives up calls whose last allowed attempt was taken up and never recorded (its keeper stopped
 * mid-way and the hold has lapsed), so that no call stays `sending` for ever.
 */
export async function giveUpAbandoned(
  db: Executor,
  maxAttempts: number,
): Promise<{ jobId: string; call: KeeperCallName }[]> {
  const rows = await queryRows<{ job_id: string; call: KeeperCallName }>(
    db,
    sql`update keeper_calls
           set status = 'failed', updated_at = now(),
               last_error = coalesce(last_error || '; ', '') ||
                            'the keeper making the last attempt stopped before it ended'
         where status = 'sending' and attempts >= ${maxAttempts} and next_attempt_at <= now()
        returning job_id, call`,
  );
  return rows.map((r) => ({ jobId: r.job_id, call: r.call }));
}

export type KeeperCallRow = {
  jobId: string;
  call: KeeperCallName;
  status: KeeperCallStatus;
  txHash: string | null;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: Date;
  updatedAt: Date;
};

/** The keeper's record of every call it took up (for tests, the README's queries, an admin page). */
export async function keeperCalls(db: Executor): Promise<KeeperCallRow[]> {
  const rows = await queryRows<{
    job_id: string;
    call: KeeperCallName;
    status: KeeperCallStatus;
    tx_hash: string | null;
    attempts: number;
    last_error: string | null;
    next_attempt_at: Date | string;
    updated_at: Date | string;
  }>(db, sql`select * from keeper_calls order by updated_at, job_id, call`);
  return rows.map((r) => ({
    jobId: r.job_id,
    call: r.call,
    status: r.status,
    txHash: r.tx_hash,
    attempts: r.attempts,
    lastError: r.last_error,
    nextAttemptAt: new Date(r.next_attempt_at),
    updatedAt: new Date(r.updated_at),
  }));
}
