import "server-only";
import { sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { DEVNET_COMPUTE_MARKET_ADDRESS } from "@/lib/devnet/constants";
import { DEFAULT_MARKET_PARAMS } from "@/lib/devnet/market-params";
import { stakesChanged } from "../placement/provider-stakes";

/** A provider's stake position, as ComputeMarket keeps it (wei). */
export type SeedStake = {
  address: string;
  stake: bigint;
  locked?: bigint;
  pendingUnstake?: bigint;
  /** The provider's registered signer; the zero address when none. */
  signer?: string;
};

const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

/** The devnet's constructor parameters, as the indexer stores them in chain_market.state. */
function devnetMarketState(): Record<string, string | number | boolean> {
  const state: Record<string, string | number | boolean> = { paused: false };
  for (const [key, value] of Object.entries(DEFAULT_MARKET_PARAMS)) {
    state[key] =
      typeof value === "bigint"
        ? value.toString()
        : typeof value === "string"
          ? value.toLowerCase()
          : value;
  }
  return state;
}

/**
 * FOR TESTS, SEEDS AND BENCHMARKS ONLY, never in the running app: writes providers' stake into
 * chain_providers as the chain indexer (lib/indexer) would record it after their Staked events,
 * so a database without a chain can match them. In the app only the indexer writes these rows,
 * from the chain. When chain_market has no row yet, it adds the devnet's (the parameters
 * `startDevnet` deploys with: DEFAULT_MARKET_PARAMS). One statement for all the providers;
 * a provider already recorded gets the new values, as after a later Staked event.
 */
export async function recordStakeForSeed(
  executor: Executor,
  providers: readonly SeedStake[],
): Promise<void> {
  const rows = providers.map((p) => ({
    address: p.address.toLowerCase(),
    stake: p.stake.toString(),
    locked: (p.locked ?? 0n).toString(),
    pending_unstake: (p.pendingUnstake ?? 0n).toString(),
    signer: (p.signer ?? ZERO_ADDRESS).toLowerCase(),
  }));
  // The stake is part of what the submit batcher copies.
  stakesChanged();
  await executor.execute(sql`
    with market as (
      insert into chain_market (contract, state, updated_block)
      select ${DEVNET_COMPUTE_MARKET_ADDRESS.toLowerCase()}, ${JSON.stringify(devnetMarketState())}::jsonb, 0
      where not exists (select 1 from chain_market)
      on conflict do nothing)
    insert into chain_providers (address, stake, locked, pending_unstake, signer, slashed_total,
                                 updated_block)
    select address, stake, locked, pending_unstake, signer, 0, 0
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(
      address text, stake numeric, locked numeric, pending_unstake numeric, signer text)
    on conflict (address) do update set stake = excluded.stake, locked = excluded.locked,
      pending_unstake = excluded.pending_unstake, signer = excluded.signer`);
}
