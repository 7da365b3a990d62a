import "server-only";
import { lt, sql } from "drizzle-orm";
import type { Executor } from "../client";
import { rateLimits } from "../schema";

/**
 * Counts one request against `key` in the window starting at `windowStart` and returns the
 * window's count including it. One INSERT ... ON CONFLICT DO UPDATE, atomic on Postgres, so
 * concurrent requests on any number of servers each get a distinct count.
 */
export async function countRequest(
  db: Executor,
  key: string,
  windowStart: Date,
  windowEnd: Date,
): Promise<number> {
  const [row] = await db
    .insert(rateLimits)
    .values({ key, windowStart, count: 1, expiresAt: windowEnd })
    .onConflictDoUpdate({
      target: [rateLimits.key, rateLimits.windowStart],
      set: { count: sql`${rateLimits.count} + 1` },
    })
    .returning({ count: rateLimits.count });
  if (!row) throw new Error("rate limit upsert returned no row");
  return row.count;
}

/** Windows that have ended: their counts no longer limit anyone. */
export async function deleteEndedRateLimitWindows(db: Executor, now: Date): Promise<number> {
  const rows = await db
    .delete(rateLimits)
    .where(lt(rateLimits.expiresAt, now))
    .returning({ key: rateLimits.key });
  return rows.length;
}
