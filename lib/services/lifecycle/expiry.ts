import "server-only";
import type { Db } from "@/db/client";
import { expiredQuotes } from "@/db/queries/leases";
import { transaction } from "@/db/retry";
import { AppError } from "@/lib/errors";
import { capacityFreed } from "../placement/rematch";
import { advanceJobIn } from "./advance";

/**
 * Quotes nobody funded in time: the lease expires, its GPUs go back to the offer and the job
 * returns to pending to be matched again. Each in its own transaction; funding that wins the
 * race on a job makes its expiry a no-op. Returns the leases expired and the markets that
 * regained capacity (not yet re-matched: `sweepExpiredQuotes` does both).
 */
export async function expireQuotes(db: Db, now = new Date(), batch = 100) {
  const due = await expiredQuotes(db, now, batch);
  const markets = new Set<string>();
  const expired: string[] = [];
  for (const lease of due) {
    const done = await transaction(db, (tx) =>
      advanceJobIn(
        tx,
        lease.jobId,
        {
          to: "pending",
          only: ["matched", "quoted"],
          lease: { from: ["reserved", "quoted"], to: "expired", release: true, id: lease.id },
        },
        null,
      ),
    ).catch((error: unknown) => {
      if (error instanceof AppError && error.code === "conflict") return undefined;
      throw error;
    });
    if (!done) continue;
    expired.push(lease.id);
    markets.add(lease.market);
  }
  return { expired, markets: [...markets] };
}

/**
 * The periodic sweep: expire unfunded quotes, then offer the freed GPUs to pending jobs (the
 * re-queued ones included). The web server runs it every few seconds (`background.ts`).
 */
export async function sweepExpiredQuotes(db: Db, now = new Date()) {
  const { expired, markets } = await expireQuotes(db, now);
  const placed = markets.length > 0 ? await capacityFreed(db, markets) : [];
  return { expired: expired.length, placed: placed.length };
}
