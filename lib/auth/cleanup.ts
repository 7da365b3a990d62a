import "server-only";
import type { Executor } from "@/db";
import { deleteExpiredNonces } from "@/db/queries/auth";
import { deleteEndedRateLimitWindows } from "@/db/queries/rate-limits";
import { deleteExpiredSessions } from "@/db/queries/sessions";

/** Drops auth rows nothing can use any more; each DELETE runs on its expiry index. */
export async function deleteExpiredAuthRows(db: Executor, now: Date) {
  return {
    nonces: await deleteExpiredNonces(db, now),
    sessions: await deleteExpiredSessions(db, now),
    rateLimitWindows: await deleteEndedRateLimitWindows(db, now),
  };
}
