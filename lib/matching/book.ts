import { compareOffers, isFeasible, rankFeasible } from "./feasibility";
import type { MatchJob, MatchOffer } from "./types";

/**
 * An order book: for each market, its cheapest live offers (active, some GPUs free), cheapest
 * ask first then oldest, at most `depth` of them. One read of the book serves a whole batch of
 * submits; a market that returned fewer than `depth` offers is complete.
 */
export type Book = {
  depth: number;
  markets: Map<string, MatchOffer[]>;
  /** Markets the book knows nothing about: a job that accepts one cannot be decided on it. */
  unknown?: Set<string>;
};

export function bookFrom(offers: readonly MatchOffer[], depth: number): Book {
  const markets = new Map<string, MatchOffer[]>();
  for (const offer of offers) {
    const list = markets.get(offer.market);
    if (list) list.push(offer);
    else markets.set(offer.market, [offer]);
  }
  return { depth, markets };
}

export type CandidateLimits = { feasible: number; perMarket: number };

/**
 * The candidates the per-job read would return, taken from the book: in each market the first
 * `perMarket` feasible offers, the best `feasible` of those overall, plus each market's cheapest
 * live offer for the job's duration when it does not fit (a near miss on price, capacity or a
 * provider offline). Undefined when the book cannot decide: a market whose listed offers were
 * cut at `depth` may hide a better feasible one below the cut, or the book does not know it.
 */
export function candidatesFromBook(
  job: MatchJob,
  markets: readonly string[],
  book: Book,
  limits: CandidateLimits,
): MatchOffer[] | undefined {
  const feasible: MatchOffer[] = [];
  const nearMisses: MatchOffer[] = [];
  for (const market of markets) {
    if (book.unknown?.has(market)) return undefined;
    const listed = book.markets.get(market) ?? [];
    // In one pass over the live offers: the first `perMarket` that fit, and the cheapest one
    // open for the job's duration.
    const fits: MatchOffer[] = [];
    let cheapest: MatchOffer | undefined;
    for (const o of listed) {
      if (o.gpusFree <= 0) continue;
      if (!cheapest && o.minHours <= job.maxHours && o.maxHours >= job.maxHours) cheapest = o;
      if (fits.length < limits.perMarket && isFeasible(job, o)) fits.push(o);
    }
    if (cheapest && !isFeasible(job, cheapest)) nearMisses.push(cheapest);
    if (listed.length < book.depth || fits.length >= limits.perMarket) {
      feasible.push(...fits);
      continue;
    }
    // Cut at depth: what lies below costs at least the last listed ask. It cannot win when that
    // ask is over the job's cap, or above the best fit found (ties on ask must all be visible,
    // since reliability breaks them).
    const lastAsk = (listed[listed.length - 1] as MatchOffer).askWeiPerGpuHour;
    const best = fits[0];
    if (lastAsk > job.maxPricePerGpuHour || (best && lastAsk > best.askWeiPerGpuHour)) {
      feasible.push(...fits);
      continue;
    }
    return undefined;
  }
  return [...feasible.sort(compareOffers).slice(0, limits.feasible), ...nearMisses];
}

export type BatchJob = { want: MatchJob; markets: readonly string[] };

export type BatchPlan =
  /**
   * The book decided: `offer` is the best feasible one that no write in flight holds (undefined:
   * nothing fits now); `skipped` are better ones that a write in flight holds.
   */
  | { decided: true; offer: MatchOffer | undefined; candidates: MatchOffer[]; skipped: Set<string> }
  /**
   * The book could not decide. `stale`: because the book does not know a market (a read of it
   * would decide); `wait`: only offers that writes in flight hold could
   * take it, or a job before it in the same markets is waiting (it goes in a batch after them);
   * otherwise a market was cut too short and the job needs its own read.
   */
  | { decided: false; stale: boolean; wait?: true };

/**
 * Places a batch of jobs, in order, on one read of the book: each job takes the best feasible
 * offer given what the jobs before it took, exactly as if they had been submitted one after
 * another. Pure: the book is not modified.
 *
 * `busy`: GPUs per offer that writes still in flight plan to take. Such an offer is locked by
 * them, so like `FOR UPDATE SKIP LOCKED` the job takes the best offer no one holds; when only
 * held offers could take it (counting their GPUs as if the writes failed), it waits for them, and
 * so does every later job in the same markets (`waiting`: markets where jobs of earlier batches
 * wait), which keeps arrival order.
 */
export function planBatch(
  jobs: readonly BatchJob[],
  book: Book,
  limits: CandidateLimits,
  options: {
    busy?: ReadonlyMap<string, number>;
    waiting?: ReadonlySet<string>;
  } = {},
): BatchPlan[] {
  const { busy = new Map() } = options;
  const waiting = new Set(options.waiting);
  // The batch's own view of the book: a market's list is copied only when the batch changes it.
  const markets = new Map(book.markets);
  const copied = new Set<string>();
  const own = (market: string): MatchOffer[] => {
    let list = markets.get(market) ?? [];
    if (!copied.has(market)) {
      list = [...list];
      markets.set(market, list);
      copied.add(market);
    }
    return list;
  };
  /** Offers held by writes in flight, as they were before those writes. */
  const held = new Map<string, MatchOffer>();
  if (busy.size > 0) {
    for (const [market, list] of book.markets) {
      list.forEach((o, i) => {
        const gpus = busy.get(o.id);
        if (!gpus) return;
        held.set(o.id, o);
        own(market)[i] = { ...o, gpusFree: Math.max(0, o.gpusFree - gpus) };
      });
    }
  }
  const local: Book = { depth: book.depth, markets, unknown: book.unknown };
  return jobs.map((job) => {
    if (job.markets.some((m) => waiting.has(m)))
      return { decided: false, stale: false, wait: true };
    const candidates = candidatesFromBook(job.want, job.markets, local, limits);
    if (!candidates) {
      return { decided: false, stale: job.markets.some((m) => book.unknown?.has(m)) };
    }
    const ranked = rankFeasible(job.want, candidates);
    const offer = ranked.find((o) => !held.has(o.id));
    if (!offer && held.size > 0) {
      const heldFits = job.markets.some((m) =>
        (book.markets.get(m) ?? []).some((o) => held.has(o.id) && isFeasible(job.want, o)),
      );
      if (heldFits) {
        for (const m of job.markets) waiting.add(m);
        return { decided: false, stale: false, wait: true };
      }
    }
    const skipped = new Set<string>();
    for (const o of ranked) {
      if (o === offer) break;
      skipped.add(o.id);
    }
    if (offer) {
      const list = own(offer.market);
      const i = list.findIndex((o) => o.id === offer.id);
      list[i] = { ...offer, gpusFree: offer.gpusFree - job.want.gpuCount };
    }
    return { decided: true, offer, candidates, skipped };
  });
}
