import "server-only";
import type { Executor } from "@/db/client";
import { marketTotalsRow } from "@/db/queries/chain/account-reads";

export type MarketTotals = {
  /** Jobs ever funded on chain. */
  jobsFunded: number;
  /** Jobs settled with a result: finalized, or resolved after a dispute. */
  jobsCompleted: number;
  /** Net pay credited to providers by those jobs (fees excluded). */
  paidToProviders: bigint;
  /** GPU-seconds of those jobs: used seconds times the lease's GPUs (1 without a lease). */
  gpuSeconds: bigint;
  /** The same in GPU-hours, for display (not money: a float is fine). */
  gpuHours: number;
  /** Jobs acknowledged by their provider and not yet submitted. */
  jobsRunning: number;
  /** Jobs funded and not settled (funded, running, submitted or disputed). */
  jobsOpen: number;
};

/** The network at a glance, for the home page, from the index. */
export async function marketTotals(db: Executor): Promise<MarketTotals> {
  const row = await marketTotalsRow(db);
  return {
    ...row,
    // Exact up to 2^53 GPU-seconds (285 billion GPU-years); only ever shown rounded.
    gpuHours: Number(row.gpuSeconds) / 3600,
  };
}
