import type { Db, Tx } from "./client";
import { classified, DbError } from "./errors";

/** How often work met a deadlock or serialization failure and ran again (per process). */
export type ConflictStats = { deadlocks: number; serializationFailures: number; gaveUp: number };

const holder = globalThis as typeof globalThis & { __gpuMarketConflicts?: ConflictStats };
holder.__gpuMarketConflicts ??= { deadlocks: 0, serializationFailures: 0, gaveUp: 0 };

export function conflictStats(): Readonly<ConflictStats> {
  return { ...(holder.__gpuMarketConflicts as ConflictStats) };
}

/** Attempts in all, the first included. */
export const CONFLICT_ATTEMPTS = 5;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `work` (one statement or one transaction) and runs it again, after a short random pause,
 * when the database rolled it back for a deadlock or a serialization failure; at most
 * CONFLICT_ATTEMPTS times. Whatever else it throws comes out at once, database errors as DbError.
 * `work` must be safe to repeat: everything it wrote was rolled back with the transaction.
 */
export async function withRetry<T>(work: () => Promise<T>): Promise<T> {
  const stats = holder.__gpuMarketConflicts as ConflictStats;
  for (let attempt = 1; ; attempt++) {
    try {
      return await classified(work);
    } catch (error) {
      if (!(error instanceof DbError && error.retryable)) throw error;
      if (error.sqlState === "40P01") stats.deadlocks++;
      else stats.serializationFailures++;
      if (attempt >= CONFLICT_ATTEMPTS) {
        stats.gaveUp++;
        throw error;
      }
      await pause(Math.random() * 10 * attempt);
    }
  }
}

/** One transaction, run again on a deadlock or serialization failure (`withRetry`). */
export function transaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  return withRetry(() => db.transaction(work));
}
