import "server-only";
import type { Executor } from "@/db/client";
import type { LeaseRow } from "@/db/queries/leases";
import { reservePending } from "@/db/queries/placement/reserve-pending";
import { rankFeasible } from "@/lib/matching/feasibility";
import { candidatesFor, marketsFor, toMatchJob } from "./candidates";
import { type PlaceableJob, reservationFor } from "./reservation";

/** Reads of the candidates before a job gives up for now (each after its best offer was lost). */
const PASSES = 8;

export type Placed =
  /** GPUs reserved: the lease as written. */
  | { placed: true; lease: LeaseRow }
  /** Nothing it fits is free now; it stays pending, in the re-match queue. */
  | { placed: false; stillPending: true }
  /** Someone else placed or cancelled it meanwhile; nothing was written. */
  | { placed: false; stillPending: false };

/**
 * Places a stored, pending job: reads its candidates, lets the engine rank them, and reserves GPUs
 * on the best one it can lock. The first pass skips offers another transaction holds (they are
 * likely being taken); later passes wait for the best remaining one, so a job is not left pending
 * while capacity it fits is free. Each reservation is one statement (`reservePending`), a
 * transaction by itself or part of the caller's. `busy`: offers the caller already found taken.
 */
export async function placeJob(
  executor: Executor,
  job: PlaceableJob,
  actor: string | null,
  now = new Date(),
  busy = new Set<string>(),
): Promise<Placed> {
  const want = toMatchJob(job);
  const markets = marketsFor(want);
  for (let pass = 0; markets.length > 0 && pass < PASSES; pass++) {
    const candidates = await candidatesFor(executor, want, markets, busy.size);
    const ranked = rankFeasible(want, candidates);
    if (ranked.length === 0) break;
    const waitForBest = pass > 0 || busy.size > 0;
    for (const offer of waitForBest ? ranked.slice(0, 1) : ranked) {
      const { lease, reservation } = reservationFor(job, offer, candidates, busy, actor, now);
      const outcome = await reservePending(executor, reservation, waitForBest);
      if (outcome === "reserved") return { placed: true, lease };
      if (outcome === "job_not_pending") return { placed: false, stillPending: false };
      busy.add(offer.id);
    }
  }
  return { placed: false, stillPending: true };
}
