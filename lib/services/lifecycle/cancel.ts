import "server-only";
import type { Db } from "@/db/client";
import { appendEvents } from "@/db/queries/events";
import { jobById, transitionJob } from "@/db/queries/jobs";
import { holdingLeaseOfJob, transitionLease } from "@/db/queries/leases";
import { releaseGpus } from "@/db/queries/offers";
import { transaction } from "@/db/retry";
import { AppError } from "@/lib/errors";
import { ownJob } from "../jobs/read";
import { capacityFreed } from "../placement/rematch";

/**
 * Cancels a job that is not funded yet. In one transaction, in the lock order (job, lease,
 * offer): the job moves to cancelled, a reservation it holds ends, its GPUs go back. Then the
 * market that regained them is re-matched.
 */
export async function cancelJob(db: Db, consumer: string, jobId: string) {
  const result = await transaction(db, async (tx) => {
    await ownJob(tx, consumer, jobId);
    const moved = await transitionJob(tx, jobId, ["pending", "matched", "quoted"], "cancelled");
    if (!moved) {
      const now = await jobById(tx, jobId);
      throw new AppError(
        "conflict",
        `This job is ${now?.status ?? "gone"}; only a job that is not funded yet can be cancelled.`,
      );
    }
    const events: Parameters<typeof appendEvents>[1] = [
      {
        aggregate: "job",
        aggregateId: jobId,
        type: "job.cancelled",
        fromStatus: moved.from,
        toStatus: "cancelled",
        actor: consumer,
      },
    ];
    let released: { market: string; offerId: string } | undefined;
    if (moved.from !== "pending") {
      const lease = await holdingLeaseOfJob(tx, jobId);
      const ended =
        lease && (await transitionLease(tx, lease, ["reserved", "quoted"], "cancelled"));
      if (!lease || !ended) throw new Error(`job ${jobId} was ${moved.from} without a live lease`);
      await releaseGpus(tx, { market: lease.market, id: lease.offerId }, lease.gpuCount);
      released = { market: lease.market, offerId: lease.offerId };
      events.push({
        aggregate: "lease",
        aggregateId: lease.id,
        type: "lease.cancelled",
        fromStatus: lease.status,
        toStatus: "cancelled",
        actor: consumer,
      });
    }
    await appendEvents(tx, events);
    return { jobId, from: moved.from, released };
  });
  if (result.released) await capacityFreed(db, [result.released.market]);
  return result;
}
