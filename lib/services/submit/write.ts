import "server-only";
import type { Db } from "@/db/client";
import { type BatchWrite, writeBatch } from "@/db/queries/placement/write-batch";
import type { BatchPlanner, PlannedBatch } from "./plan";

/**
 * Writes a planned batch in one statement: each job with its reservation, or, for one that
 * nothing fits, the markets it accepts, which the statement checks did not gain capacity since
 * the copy of their book was read.
 */
export function writePlanned(
  db: Db,
  planner: BatchPlanner,
  batch: PlannedBatch,
): Promise<BatchWrite> {
  const items = batch.writing.map(({ values, plan, markets, reservation }) => ({
    job: values,
    reservation,
    verify: plan.decided && !plan.offer ? markets : undefined,
  }));
  return writeBatch(db, items, planner.versionsOf(items.flatMap((item) => item.verify ?? [])));
}
