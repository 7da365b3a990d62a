import "server-only";
import type { Db } from "@/db/client";
import { claimPendingJobs } from "@/db/queries/jobs";
import type { LeaseRow } from "@/db/queries/leases";
import { offersChanged } from "@/db/queries/offer-changes";
import { liveMarketsOf } from "@/db/queries/offers";
import { stakesChanged } from "@/db/queries/placement/provider-stakes";
import { transaction } from "@/db/retry";
import { gpuModel, marketParts } from "@/lib/market/gpu-catalog";
import { placeJob } from "./place-job";

/**
 * Capacity appeared in one market (an offer was listed, resumed, grew or got cheaper, or a
 * lease released GPUs): offer it to the pending jobs that accept this market, highest max price
 * first, then oldest. Each job is placed in its own short transaction (claimed with SKIP
 * LOCKED, so re-matchers running side by side never take the same job); a job that still does
 * not fit is skipped and the next one tried, up to `budget` attempts.
 */
export async function rematchMarket(db: Db, market: string, budget = 50): Promise<LeaseRow[]> {
  const { gpuModel: model, region } = marketParts(market);
  const vramGb = gpuModel(model)?.vramGb ?? 0;
  const placed: LeaseRow[] = [];
  const skipped: string[] = [];
  for (let attempt = 0; attempt < budget; attempt++) {
    const outcome = await transaction(db, async (tx) => {
      const [job] = await claimPendingJobs(
        tx,
        { gpuModel: model, vramGb, region, gpusFree: 2_147_483_647 },
        1,
        skipped,
      );
      if (!job) return "done" as const;
      const result = await placeJob(tx, job, null);
      if (!result.placed) skipped.push(job.id);
      return result.placed ? result.lease : ("missed" as const);
    });
    if (outcome === "done") break;
    if (outcome !== "missed") placed.push(outcome);
  }
  return placed;
}

/**
 * After a transaction that gave a market capacity (GPUs released, an offer listed, resumed,
 * grown or made cheaper, a provider back online) has committed: the submit batcher's copy of the
 * book is stale, and the pending jobs of each market are offered the capacity. Every service that
 * frees capacity ends with this, so no caller has to remember either step. Returns the leases
 * placed.
 */
export async function capacityFreed(db: Db, markets: Iterable<string>): Promise<LeaseRow[]> {
  const freed = [...new Set(markets)];
  offersChanged(freed);
  // Freed GPUs are often freed collateral too (a lease cancelled or expired unfunded).
  stakesChanged();
  const placed: LeaseRow[] = [];
  for (const market of freed) placed.push(...(await rematchMarket(db, market)));
  return placed;
}

/**
 * After a transaction that changed providers' stake as indexed (chain_providers: staked, unstake
 * requested or withdrawn, collateral locked at funding or unlocked at settlement, slashed) or the
 * market's parameters (chain_market: minimum stake, collateral share) has committed: free stake
 * is a matching dimension, so the pending jobs of the markets where those providers have live
 * offers (`providers`, addresses), or of every market (`params`), are offered the capacity, and
 * the submit batcher's copy of those markets' book, which carries the stake, ends. The indexer
 * calls it after such a commit, with the markets whose GPUs the same commit released
 * (`markets`), so each market is re-matched once. Returns the leases placed.
 */
export async function stakeChanged(
  db: Db,
  change: { providers?: Iterable<string>; params?: boolean; markets?: Iterable<string> },
): Promise<LeaseRow[]> {
  const addresses = [...new Set([...(change.providers ?? [])].map((a) => a.toLowerCase()))];
  const freed = [...(change.markets ?? [])];
  if (!change.params && addresses.length === 0 && freed.length === 0) return [];
  const staked =
    change.params || addresses.length > 0
      ? await liveMarketsOf(db, change.params ? undefined : addresses)
      : [];
  return capacityFreed(db, [...freed, ...staked]);
}
