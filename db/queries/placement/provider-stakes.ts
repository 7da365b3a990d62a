import "server-only";
import type { Executor } from "@/db/client";
import type { ProviderStake } from "@/lib/matching/types";
import { prepared, runPrepared } from "../util";

/**
 * The market's parameters as the indexer keeps them (chain_market, one row; decimal strings and
 * numbers in jsonb), as SQL. Uncorrelated, so each is computed once per statement. Null without a
 * chain_market row: then no provider meets the minimum and nothing is matched.
 */
export const minStakeSql = `(select (m.state->>'minStake')::numeric from chain_market m
    order by m.contract limit 1)`;
export const collateralBpsSql = `(select (m.state->>'collateralBps')::int from chain_market m
    order by m.contract limit 1)`;

/**
 * A lateral subquery: the stake of provider `p` (a providers row) as the matching sees it.
 * `free_stake`: its indexed free stake (stake - locked - pending unstake; 0 without a
 * chain_providers row) less the collateral that its leases holding GPUs unfunded (reserved,
 * quoted) will lock when funded, each rounded down as the contract does. `stake_ok`: its stake
 * less pending unstake meets the market's minimum. The leases are reached through the provider's
 * offers (offers_provider_idx, then leases_offer_idx), the only indexes that lead from a
 * provider to its leases; the redundant `l.provider_id` lets an index on it serve instead.
 */
export const providerStakeSql = `select
    coalesce(cp.stake - cp.locked - cp.pending_unstake, 0) - coalesce((
      select sum(div(l.rate_per_second * l.max_seconds * ${collateralBpsSql}, 10000))
      from offers po join leases l on l.market = po.market and l.offer_id = po.id
      where po.provider_id = p.id and l.provider_id = p.id
        and l.status in ('reserved', 'quoted')), 0) as free_stake,
    coalesce(cp.stake - cp.pending_unstake >= ${minStakeSql}, false) as stake_ok
  from (select 1) one left join chain_providers cp on cp.address = p.address`;

/** Every staked provider's stake for matching, with the snapshot it was read in. */
export type ProviderStakes = {
  /** By provider id; a provider missing has no indexed stake (free 0, below the minimum). */
  byProvider: Map<string, ProviderStake>;
  /** The market's collateral share in basis points (0 without a chain_market row). */
  collateralBps: number;
  /** The reading statement's snapshot (`pg_current_snapshot()`): which writes it saw. */
  snapshot: Snapshot;
};

/** A Postgres snapshot: transactions below `xmin` and below `xmax` but not in `running` are visible. */
export type Snapshot = { xmin: bigint; xmax: bigint; running: Set<bigint> };

/** Parses `pg_current_snapshot()::text`, "xmin:xmax:xip,xip,...". */
export function parseSnapshot(text: string): Snapshot {
  const [xmin = "0", xmax = "0", running = ""] = text.split(":");
  return {
    xmin: BigInt(xmin),
    xmax: BigInt(xmax),
    running: new Set(running ? running.split(",").map((x) => BigInt(x)) : []),
  };
}

/** Whether the transaction `txid` (`pg_current_xact_id()`) had committed for `snapshot`. */
export function visibleIn(snapshot: Snapshot, txid: bigint): boolean {
  return txid < snapshot.xmin || (txid < snapshot.xmax && !snapshot.running.has(txid));
}

/**
 * Every staked provider's stake, in one statement: one pass over the unfunded leases (reserved,
 * quoted) grouped by provider, joined to the indexed stake. Its cost grows with the leases that
 * hold GPUs unfunded (at most one per GPU on offer), not with the offers read, so the submit
 * batcher reads it at most once a second for every market rather than with each read of the book.
 */
const stakesStatement = prepared(
  "market_provider_stakes",
  `select pg_current_snapshot()::text as snapshot, ${collateralBpsSql} as collateral_bps,
      coalesce((
        select json_agg(json_build_object(
          'provider', p.id::text,
          'free', (cp.stake - cp.locked - cp.pending_unstake - coalesce(h.collateral, 0))::text,
          'ok', coalesce(cp.stake - cp.pending_unstake >= ${minStakeSql}, false)))
        from chain_providers cp join providers p on p.address = cp.address
        left join (
          select l.provider_id, sum(div(l.rate_per_second * l.max_seconds * ${collateralBpsSql},
                                        10000)) as collateral
          from leases l where l.status in ('reserved', 'quoted') group by l.provider_id
        ) h on h.provider_id = p.id), '[]') as stakes`,
);

export async function providerStakes(executor: Executor): Promise<ProviderStakes> {
  const [row] = await runPrepared<{
    snapshot: string;
    collateral_bps: number | null;
    stakes: { provider: string; free: string; ok: boolean }[];
  }>(executor, stakesStatement, []);
  const byProvider = new Map<string, ProviderStake>();
  for (const s of row?.stakes ?? []) {
    byProvider.set(s.provider, { freeStakeWei: BigInt(s.free), stakeMeetsMinimum: s.ok });
  }
  return {
    byProvider,
    collateralBps: row?.collateral_bps ?? 0,
    snapshot: parseSnapshot(row?.snapshot ?? "0:0:"),
  };
}

/**
 * A counter of changes to providers' stake made or seen by this process outside the submit
 * batches (a placement on its own, capacity freed, the indexer recording stake): the batcher's
 * copy of the providers' stake is read again after one. On globalThis, as the offers' counters.
 */
const holder = globalThis as typeof globalThis & { __gpuMarketStakesGeneration?: number };

export function stakesChanged(): void {
  holder.__gpuMarketStakesGeneration = (holder.__gpuMarketStakesGeneration ?? 0) + 1;
}

export function stakesGeneration(): number {
  return holder.__gpuMarketStakesGeneration ?? 0;
}
