import "server-only";
import { inArray } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { noteApply } from "@/db/queries/chain/index-store";
import type { LeaseRow } from "@/db/queries/leases";
import type { JobStatus, LeaseStatus } from "@/db/schema";
import { leases } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { advanceJobIn } from "@/lib/services/lifecycle/advance";

type Stored = {
  blockHash: string;
  logIndex: number;
  txHash: string;
  name: string;
  jobId: string | null;
};

type Step = {
  to: JobStatus;
  lease?: { from: LeaseStatus[]; to: LeaseStatus; release: boolean };
  set?: (txHash: string) => Partial<Pick<LeaseRow, "fundTxHash" | "resultTxHash">>;
};

/** How each job event moves the marketplace's job and lease (docs/ARCHITECTURE.md). */
const steps: Record<string, Step> = {
  JobFunded: {
    to: "funded",
    lease: { from: ["quoted"], to: "funded", release: false },
    set: (fundTxHash) => ({ fundTxHash }),
  },
  JobStarted: { to: "running", lease: { from: ["funded"], to: "running", release: false } },
  ResultSubmitted: {
    to: "submitted",
    lease: { from: ["running"], to: "released", release: true },
    set: (resultTxHash) => ({ resultTxHash }),
  },
  JobDisputed: { to: "disputed" },
  JobFinalized: { to: "finalized" },
  DisputeResolved: { to: "resolved" },
  JobExpired: {
    to: "expired",
    lease: { from: ["funded", "running"], to: "expired", release: true },
  },
};

/**
 * Applies confirmed job events to the marketplace's jobs and leases, inside the indexer's
 * transaction. A job funded straight on chain, with no lease here, is only indexed. A move the
 * job's state does not allow (the chain and the marketplace disagree) is kept on the event as a
 * note and logged, never dropped silently. Returns the markets whose GPUs were released.
 */
export async function applyJobEvents(tx: Tx, events: readonly Stored[]): Promise<Set<string>> {
  const released = new Set<string>();
  const jobEvents = events.filter((e) => e.jobId !== null && e.name in steps);
  if (jobEvents.length === 0) return released;
  const ids = [...new Set(jobEvents.map((e) => e.jobId as string))];
  // A job placed again after its quote expired has several leases, all with its chain id.
  const rows = await tx
    .select({
      id: leases.id,
      jobId: leases.jobId,
      chainJobId: leases.chainJobId,
      status: leases.status,
      createdAt: leases.createdAt,
    })
    .from(leases)
    .where(inArray(leases.chainJobId, ids));
  for (const e of jobEvents) {
    const step = steps[e.name];
    if (!step) continue;
    const mine = rows
      .filter((r) => r.chainJobId === e.jobId)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
    // The lease the step moves (in a status it moves from), else the newest.
    const lease = mine.find((r) => step.lease?.from.includes(r.status)) ?? mine[0];
    if (!lease) continue;
    try {
      const moved = await tx.transaction((sp) =>
        advanceJobIn(
          sp,
          lease.jobId,
          {
            to: step.to,
            lease: step.lease && { ...step.lease, id: lease.id },
            set: step.set?.(e.txHash),
          },
          null,
        ),
      );
      if (moved.lease) lease.status = moved.lease.status;
      if (step.lease?.release && moved.lease) released.add(moved.lease.market);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const note = `${e.name} could not move job ${lease.jobId}: ${error.message}`;
      console.warn(`indexer: ${note} (tx ${e.txHash})`);
      await noteApply(tx, e.blockHash, e.logIndex, note);
    }
  }
  return released;
}
