import "server-only";
import type { Db } from "@/db/client";
import type { LeaseRow } from "@/db/queries/leases";
import { type BatchWrite, writeBatch } from "@/db/queries/placement/write-batch";
import { reservationFor } from "../placement/reservation";
import type { BatchPlanner, PlannedBatch } from "./plan";

/**
 * Writes a planned batch in one statement: each job with the reservation its planned offer
 * gives it, or, for one that nothing fits, the markets it accepts, which the statement checks did
 * not gain capacity since the copy of their book was read. Runs after the batch's planning turn
 * has ended, so the next batch plans meanwhile. `leases`: what each job's lease will be if its
 * reservation holds.
 */
export async function writePlanned(
  db: Db,
  planner: BatchPlanner,
  batch: PlannedBatch,
): Promise<{ write: BatchWrite; leases: (LeaseRow | undefined)[] }> {
  const items = batch.writing.map(({ values, now, plan, markets }) => {
    const placed =
      plan.decided && plan.offer
        ? reservationFor(values, plan.offer, plan.candidates, plan.skipped, values.consumer, now)
        : undefined;
    return {
      job: values,
      reservation: placed?.reservation,
      lease: placed?.lease,
      verify: plan.decided && !plan.offer ? markets : undefined,
    };
  });
  const versions = planner.versionsOf(items.flatMap((item) => item.verify ?? []));
  const write = await writeBatch(db, items, versions);
  return { write, leases: items.map((item) => item.lease) };
}
