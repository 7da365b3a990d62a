import "server-only";
import type { Db } from "@/db/client";
import type { JobInsert } from "@/db/queries/placement/records";
import { writeBatch } from "@/db/queries/placement/write-batch";
import { withRetry } from "@/db/retry";
import { rankFeasible } from "@/lib/matching/feasibility";
import { candidatesFor, marketsFor, toMatchJob } from "../placement/candidates";
import { reservationFor } from "../placement/reservation";
import type { SubmitResult } from "./queue";
import { existingJob, newJob, placeAgain } from "./settle";

/**
 * One submit on its own, when its batch's write failed (a row the database refuses, a lost
 * connection), so one bad submit fails alone: a fresh read of its candidates, then the batch
 * statement with this one job.
 */
export async function submitOne(db: Db, values: JobInsert, now: Date): Promise<SubmitResult> {
  const want = toMatchJob(values);
  const candidates = await candidatesFor(db, want, marketsFor(want));
  const best = rankFeasible(want, candidates)[0];
  const first = best && reservationFor(values, best, candidates, new Set(), values.consumer, now);
  const write = await withRetry(() =>
    writeBatch(db, [{ job: values, reservation: first?.reservation }]),
  );
  const outcome = write.outcomes[0];
  if (!outcome?.created) return existingJob(db, values.consumer, values.idempotencyKey);
  if (outcome.reserved) return newJob(values, first?.lease, now);
  return best ? placeAgain(db, values, now, new Set([best.id])) : newJob(values, undefined, now);
}
