import "server-only";
import { and, eq, inArray, sql } from "drizzle-orm";
import { type Executor, queryRows } from "@/db/client";
import { type OfferStatus, offers } from "@/db/schema";
import { gpuModel } from "@/lib/market/gpu-catalog";
import type { MatchJob, MatchOffer, ProviderStake } from "@/lib/matching/types";
import { offersChanged } from "./offer-changes";
import {
  collateralBpsSql,
  type ProviderStakes,
  providerStakeSql,
} from "./placement/provider-stakes";
import { pgArray, prepared, runPrepared, textArray } from "./util";

export type OfferRow = typeof offers.$inferSelect;

export async function insertOffer(executor: Executor, values: typeof offers.$inferInsert) {
  offersChanged();
  const [row] = await executor.insert(offers).values(values).returning();
  return row as OfferRow;
}

/** By id alone: a lookup that fans out on Citus, used only on provider edits, never when matching. */
export async function offerById(executor: Executor, id: string): Promise<OfferRow | undefined> {
  const [row] = await executor.select().from(offers).where(eq(offers.id, id));
  return row;
}

/** Guarded status change: only from one of `from`; undefined when the offer was not there. */
export async function setOfferStatus(
  executor: Executor,
  offer: { market: string; id: string },
  from: readonly OfferStatus[],
  to: OfferStatus,
): Promise<OfferRow | undefined> {
  offersChanged();
  const [row] = await executor
    .update(offers)
    .set({ status: to, updatedAt: new Date() })
    .where(
      and(
        eq(offers.market, offer.market),
        eq(offers.id, offer.id),
        inArray(offers.status, [...from]),
      ),
    )
    .returning();
  return row;
}

/**
 * Changes price, hours and size. A new size keeps the GPUs already leased: free moves by the
 * same delta as total, and the guard refuses a total below what is in use.
 */
export async function updateOfferTerms(
  executor: Executor,
  offer: { market: string; id: string },
  terms: { gpusTotal?: number; askWeiPerGpuHour?: bigint; minHours?: number; maxHours?: number },
): Promise<OfferRow | undefined> {
  const total = terms.gpusTotal;
  offersChanged();
  const [row] = await executor
    .update(offers)
    .set({
      ...(terms.askWeiPerGpuHour !== undefined && { askWeiPerGpuHour: terms.askWeiPerGpuHour }),
      ...(terms.minHours !== undefined && { minHours: terms.minHours }),
      ...(terms.maxHours !== undefined && { maxHours: terms.maxHours }),
      ...(total !== undefined && {
        gpusTotal: total,
        gpusFree: sql`${offers.gpusFree} + (${total}::int - ${offers.gpusTotal})`,
      }),
      updatedAt: new Date(),
    })
    .where(
      and(
        eq(offers.market, offer.market),
        eq(offers.id, offer.id),
        sql`${offers.status} <> 'removed'`,
        total === undefined ? undefined : sql`${offers.gpusTotal} - ${offers.gpusFree} <= ${total}`,
      ),
    )
    .returning();
  return row;
}

/** An offer row as the matching reads it, before its provider's stake. */
type BookRow = {
  id: string;
  market: string;
  provider_id: string;
  gpu_model: string;
  region: string;
  gpus_free: number;
  ask: string;
  min_hours: number;
  max_hours: number;
  online: boolean;
  reliability_bps: number;
  created_ms: number;
};

type StakeColumns = { free_stake: string; stake_ok: boolean; collateral_bps: number | null };
type CandidateRow = BookRow & StakeColumns;

function matchOfferOf(r: BookRow, stake: ProviderStake, collateralBps: number): MatchOffer {
  return {
    id: r.id,
    market: r.market,
    providerId: r.provider_id,
    gpuModel: r.gpu_model,
    vramGb: gpuModel(r.gpu_model)?.vramGb ?? 0,
    region: r.region,
    gpusFree: r.gpus_free,
    askWeiPerGpuHour: BigInt(r.ask),
    minHours: r.min_hours,
    maxHours: r.max_hours,
    providerOnline: r.online,
    reliabilityBps: r.reliability_bps,
    createdAt: Number(r.created_ms),
    freeStakeWei: stake.freeStakeWei,
    stakeMeetsMinimum: stake.stakeMeetsMinimum,
    collateralBps,
  };
}

export function toMatchOffer(r: CandidateRow): MatchOffer {
  return matchOfferOf(
    r,
    { freeStakeWei: BigInt(r.free_stake), stakeMeetsMinimum: r.stake_ok },
    r.collateral_bps ?? 0,
  );
}

const candidateColumns = `o.id::text, o.market, o.provider_id::text, o.gpu_model, o.region,
  o.gpus_free::int, o.ask_wei_per_gpu_hour as ask_wei, o.ask_wei_per_gpu_hour::text as ask,
  o.min_hours::int, o.max_hours::int, p.status = 'online' as online, p.reliability_bps::int,
  (extract(epoch from o.created_at) * 1000)::float8 as created_ms`;

/** A provider with no indexed stake: never matched. */
const noStake: ProviderStake = { freeStakeWei: 0n, stakeMeetsMinimum: false };

const stakeColumns = `s.free_stake::text as free_stake, s.stake_ok,
  ${collateralBpsSql} as collateral_bps`;

/**
 * SQL true when the provider's stake `s` backs a job of $2 GPUs for $4 hours on offer `o`:
 * it meets the minimum and its free stake covers the collateral, `escrow * bps / 10000` rounded
 * down, where escrow = ceil(ask * GPUs / 3600) * hours * 3600 (as collateralFor computes it).
 */
const stakeBacksJob = `(s.stake_ok and s.free_stake >= div(
    div(o.ask_wei_per_gpu_hour * $2::int + 3599, 3600) * ($4::int * 3600) * ${collateralBpsSql},
    10000))`;

/**
 * The best feasible offers in the job's markets plus, per market, its cheapest live offer when
 * that one does not fit (a near miss on price, capacity, a provider offline or short of stake),
 * read without locks in one round trip. One index descent per market (offers_match_idx), never
 * a scan of the whole table; the engine then ranks the rows and the reservation locks one.
 * Within a market rows come cheapest then oldest, so the reliability tie-break applies among
 * the `perMarket` cheapest of each market. A provider's stake is computed only for the offers
 * that fit on every other term.
 */
const candidatesStatement = prepared(
  "market_match_candidates",
  `select * from (
      select c.* from unnest($1::text[]) mk(market)
      cross join lateral (
        select ${candidateColumns}, ${stakeColumns}, true as fits
        from offers o join providers p on p.id = o.provider_id
        cross join lateral (${providerStakeSql}) s
        where o.market = mk.market and o.status = 'active' and o.gpus_free >= $2::int and o.gpus_free > 0
          and o.ask_wei_per_gpu_hour <= $3::numeric and p.status = 'online'
          and o.min_hours <= $4::int and o.max_hours >= $4::int
          and ${stakeBacksJob}
        order by o.ask_wei_per_gpu_hour, o.created_at
        limit $5::int
      ) c
      order by c.ask_wei, c.reliability_bps desc, c.created_ms, c.id
      limit $6::int
    ) feasible
    union all
    select c.* from unnest($1::text[]) mk(market)
    cross join lateral (
      select ${candidateColumns}, ${stakeColumns}, o.gpus_free >= $2::int
               and o.ask_wei_per_gpu_hour <= $3::numeric and p.status = 'online'
               and ${stakeBacksJob} as fits
      from offers o join providers p on p.id = o.provider_id
      cross join lateral (${providerStakeSql}) s
      where o.market = mk.market and o.status = 'active' and o.gpus_free > 0
        and o.min_hours <= $4::int and o.max_hours >= $4::int
      order by o.ask_wei_per_gpu_hour, o.created_at
      limit 1
    ) c
    where not c.fits`,
);

export async function matchCandidates(
  executor: Executor,
  job: MatchJob,
  markets: readonly string[],
  limits: { feasible: number; perMarket: number },
): Promise<MatchOffer[]> {
  const rows = await runPrepared<CandidateRow>(executor, candidatesStatement, [
    pgArray(markets),
    job.gpuCount,
    job.maxPricePerGpuHour.toString(),
    job.maxHours,
    limits.perMarket,
    limits.feasible,
  ]);
  return rows.map(toMatchOffer);
}

const bookStatement = prepared(
  "market_book",
  `select mk.market as book_market, coalesce(mv.version, 0)::text as book_version, c.*
    from unnest($1::text[]) mk(market)
    left join market_versions mv on mv.market = mk.market
    left join lateral (
      select ${candidateColumns}, o.xmin::text as xmin
      from offers o join providers p on p.id = o.provider_id
      where o.market = mk.market and o.status = 'active' and o.gpus_free > 0
      order by o.ask_wei_per_gpu_hour, o.created_at
      limit $2::int
    ) c on true`,
);

/**
 * The order book of the given markets for a batch of submits: per market its `depth` cheapest
 * live offers (active, GPUs free), cheapest then oldest, read without locks in one round trip of
 * one index descent per market. `versions`: each offer row's xmin, the transaction that wrote it;
 * `marketVersions`: each market's version (market_versions) in the same snapshot.
 *
 * Each offer carries its provider's stake from `stakes` (`providerStakes` in
 * placement/provider-stakes.ts, which the caller reads once for all providers): computing it
 * per offer row here, with the provider's unfunded leases, made the read ten times dearer.
 * A provider missing from `stakes` has none.
 */
export async function marketBook(
  executor: Executor,
  markets: readonly string[],
  depth: number,
  stakes: Pick<ProviderStakes, "byProvider" | "collateralBps">,
): Promise<{
  offers: MatchOffer[];
  versions: Map<string, string>;
  marketVersions: Map<string, string>;
}> {
  const rows = await runPrepared<
    { book_market: string; book_version: string } & ((BookRow & { xmin: string }) | { id: null })
  >(executor, bookStatement, [pgArray(markets), depth]);
  const offers: MatchOffer[] = [];
  const versions = new Map<string, string>();
  const marketVersions = new Map<string, string>();
  for (const row of rows) {
    marketVersions.set(row.book_market, row.book_version);
    if (row.id === null) continue;
    const stake = stakes.byProvider.get(row.provider_id) ?? noStake;
    offers.push(matchOfferOf(row, stake, stakes.collateralBps));
    versions.set(row.id, row.xmin);
  }
  return { offers, versions, marketVersions };
}

/** Every live offer in the given markets, for explaining a no-match (off the hot path). */
export async function offersInMarkets(
  executor: Executor,
  markets: readonly string[],
): Promise<MatchOffer[]> {
  const rows = await queryRows<CandidateRow>(
    executor,
    sql`select ${sql.raw(candidateColumns)}, ${sql.raw(stakeColumns)}
        from offers o join providers p on p.id = o.provider_id
        cross join lateral (${sql.raw(providerStakeSql)}) s
        where o.market = any(${textArray(markets)}) and o.status = 'active'`,
  );
  return rows.map(toMatchOffer);
}

/**
 * The markets where the given providers (by address, lowercase) have live offers (active, GPUs
 * free), or every market with a live offer when `addresses` is undefined. Off the hot path: for
 * re-matching after a change of stake or of the market's parameters.
 */
export async function liveMarketsOf(
  executor: Executor,
  addresses?: readonly string[],
): Promise<string[]> {
  const rows = await queryRows<{ market: string }>(
    executor,
    addresses === undefined
      ? sql`select distinct o.market from offers o where o.status = 'active' and o.gpus_free > 0`
      : sql`select distinct o.market from offers o join providers p on p.id = o.provider_id
            where p.address = any(${textArray(addresses)}) and o.status = 'active'
              and o.gpus_free > 0`,
  );
  return rows.map((r) => r.market);
}

export async function releaseGpus(
  executor: Executor,
  offer: { market: string; id: string },
  gpus: number,
): Promise<void> {
  offersChanged();
  await executor
    .update(offers)
    .set({ gpusFree: sql`${offers.gpusFree} + ${gpus}`, updatedAt: new Date() })
    .where(and(eq(offers.market, offer.market), eq(offers.id, offer.id)));
}
