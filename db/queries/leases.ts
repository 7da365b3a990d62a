import "server-only";
import { and, desc, eq, inArray, lt, notExists, sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import {
  chainJobs,
  holdingLeaseStatuses,
  type LeaseStatus,
  leaseAlternatives,
  leases,
} from "@/db/schema";

export type LeaseRow = typeof leases.$inferSelect;

export async function insertLease(executor: Executor, values: typeof leases.$inferInsert) {
  const [row] = await executor.insert(leases).values(values).returning();
  return row as LeaseRow;
}

export async function insertAlternatives(
  executor: Executor,
  rows: (typeof leaseAlternatives.$inferInsert)[],
): Promise<void> {
  if (rows.length > 0) await executor.insert(leaseAlternatives).values(rows);
}

/** The lease that currently holds GPUs for the job, if any. */
export async function holdingLeaseOfJob(
  executor: Executor,
  jobId: string,
): Promise<LeaseRow | undefined> {
  const [row] = await executor
    .select()
    .from(leases)
    .where(and(eq(leases.jobId, jobId), inArray(leases.status, [...holdingLeaseStatuses])))
    .orderBy(desc(leases.createdAt))
    .limit(1);
  return row;
}

export async function leaseById(executor: Executor, id: string): Promise<LeaseRow | undefined> {
  const [row] = await executor.select().from(leases).where(eq(leases.id, id));
  return row;
}

/** The guarded transition for a lease, with optional extra columns set in the same UPDATE. */
export async function transitionLease(
  executor: Executor,
  lease: { market: string; id: string },
  from: readonly LeaseStatus[],
  to: LeaseStatus,
  set: Partial<
    Pick<LeaseRow, "quoteSigner" | "quoteSignature" | "fundTxHash" | "resultTxHash">
  > = {},
): Promise<LeaseRow | undefined> {
  const [row] = await executor
    .update(leases)
    .set({ ...set, status: to, updatedAt: new Date() })
    .where(
      and(
        eq(leases.market, lease.market),
        eq(leases.id, lease.id),
        inArray(leases.status, [...from]),
      ),
    )
    .returning();
  return row;
}

/**
 * Reserved or quoted leases whose quote has run out, oldest first; not those the chain index
 * already shows funded (the indexer moves them once the funding block is confirmed).
 */
export async function expiredQuotes(executor: Executor, now: Date, limit: number) {
  return executor
    .select({ id: leases.id, market: leases.market, jobId: leases.jobId })
    .from(leases)
    .where(
      and(
        inArray(leases.status, ["reserved", "quoted"]),
        lt(leases.quoteExpiresAt, now),
        notExists(
          executor
            .select({ one: sql`1` })
            .from(chainJobs)
            .where(eq(chainJobs.jobId, leases.chainJobId)),
        ),
      ),
    )
    .orderBy(leases.quoteExpiresAt)
    .limit(limit);
}

/** Placements a provider's offers were in the running for but lost, newest first. */
export async function missedMatches(executor: Executor, providerId: string, limit = 50) {
  return executor
    .select({
      leaseId: leaseAlternatives.leaseId,
      offerId: leaseAlternatives.offerId,
      market: leaseAlternatives.market,
      yourAsk: leaseAlternatives.askWeiPerGpuHour,
      reason: leaseAlternatives.reason,
      winningAsk: leases.pricePerGpuHour,
      gpuCount: leases.gpuCount,
      at: leaseAlternatives.createdAt,
    })
    .from(leaseAlternatives)
    .innerJoin(
      leases,
      and(eq(leases.market, leaseAlternatives.market), eq(leases.id, leaseAlternatives.leaseId)),
    )
    .where(eq(leaseAlternatives.providerId, providerId))
    .orderBy(desc(leaseAlternatives.createdAt))
    .limit(limit);
}
