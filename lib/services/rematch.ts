import "server-only";
import type { Db } from "@/db/client";
import { claimPendingJobs } from "@/db/queries/jobs";
import type { LeaseRow } from "@/db/queries/leases";
import { gpuModel } from "@/lib/market/gpu-catalog";
import { expireQuotes } from "./lifecycle";
import { placeJob } from "./placement";

/**
 * Capacity appeared in one market (an offer was listed, resumed, grew or got cheaper, or a
 * lease released GPUs): offer it to the pending jobs that accept this market, highest max price
 * first, then oldest. Each job is placed in its own short transaction (claimed with SKIP
 * LOCKED, so re-matchers running side by side never take the same job); a job that still does
 * not fit is skipped and the next one tried, up to `budget` attempts.
 */
export async function rematchMarket(
  db: Db,
  market: { gpuModel: string; region: string },
  budget = 50,
): Promise<LeaseRow[]> {
  const vramGb = gpuModel(market.gpuModel)?.vramGb ?? 0;
  const placed: LeaseRow[] = [];
  const skipped: string[] = [];
  for (let attempt = 0; attempt < budget; attempt++) {
    const outcome = await db.transaction(async (tx) => {
      const [job] = await claimPendingJobs(
        tx,
        {
          gpuModel: market.gpuModel,
          vramGb,
          region: market.region,
          gpusFree: 2_147_483_647,
        },
        1,
        skipped,
      );
      if (!job) return "done" as const;
      const lease = await placeJob(tx, job, null);
      if (!lease) skipped.push(job.id);
      return lease ?? ("missed" as const);
    });
    if (outcome === "done") break;
    if (outcome !== "missed") placed.push(outcome);
  }
  return placed;
}

/**
 * The periodic sweep: expire unfunded quotes, then offer the freed GPUs to pending jobs (the
 * re-queued ones included). Run it every few seconds from whatever loop the server keeps.
 */
export async function sweepExpiredQuotes(db: Db, now = new Date()) {
  const { expired, markets } = await expireQuotes(db, now);
  let placed = 0;
  for (const market of markets) placed += (await rematchMarket(db, market)).length;
  return { expired: expired.length, placed };
}
