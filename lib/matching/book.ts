import { collateralCap, collateralFor, compareOffers, fitsTerms, stakeCovers } from "./feasibility";
import type { MatchJob, MatchOffer, ProviderStake } from "./types";

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
  /**
   * The providers' stake as last known, by provider id (one missing has none). A provider's
   * stake is shared by its offers in every market, so it is kept once, and wins over what each
   * offer carried when read.
   */
  stake?: ReadonlyMap<string, ProviderStake>;
};

/** Collateral per provider id that jobs placed since the book was read will lock. */
export type StakeTaken = ReadonlyMap<string, bigint>;

const nothingTaken: StakeTaken = new Map();

const noStake: ProviderStake = { freeStakeWei: 0n, stakeMeetsMinimum: false };

/**
 * The providers' stake as one plan sees it: the book's (or, without it, what each offer
 * carries), less what `taken` locks and what `take` adds. Every candidate of every job asks for
 * it, so it costs a lookup: only providers with collateral taken are kept here.
 */
class StakeView {
  private readonly now = new Map<string, ProviderStake>();
  /** Collateral taken from providers whose figure comes from their offers (no book figures). */
  private readonly pending = new Map<string, bigint>();
  constructor(
    private readonly book: Book,
    taken: StakeTaken,
  ) {
    for (const [provider, collateral] of taken) {
      const known = book.stake?.get(provider);
      if (known) this.now.set(provider, less(known, collateral));
      else if (!book.stake) this.pending.set(provider, collateral);
    }
  }

  of(offer: MatchOffer): ProviderStake {
    const kept = this.now.size === 0 ? undefined : this.now.get(offer.providerId);
    if (kept) return kept;
    const book = this.book.stake;
    if (book) return book.get(offer.providerId) ?? noStake;
    const collateral = this.pending.size === 0 ? undefined : this.pending.get(offer.providerId);
    if (collateral === undefined) return offer;
    const stake = less(offer, collateral);
    this.now.set(offer.providerId, stake);
    this.pending.delete(offer.providerId);
    return stake;
  }

  /** A job of this plan will lock `collateral` of the offer's provider's stake. */
  take(offer: MatchOffer, collateral: bigint) {
    this.now.set(offer.providerId, less(this.of(offer), collateral));
    this.pending.delete(offer.providerId);
  }
}

function less(stake: ProviderStake, collateral: bigint): ProviderStake {
  return {
    freeStakeWei: stake.freeStakeWei - collateral,
    stakeMeetsMinimum: stake.stakeMeetsMinimum,
  };
}

/**
 * The offer as the engine judged it for the job (`feasible`, on its provider's stake now): the
 * offer itself when its own stake figure gives the same verdict, else a copy carrying the stake
 * it was judged on. Copies are rare that way: most providers' figures move a little with every
 * placement, but verdicts seldom.
 */
function asJudged(job: MatchJob, o: MatchOffer, stake: ProviderStake, feasible: boolean) {
  if (o.freeStakeWei === stake.freeStakeWei && o.stakeMeetsMinimum === stake.stakeMeetsMinimum) {
    return o;
  }
  return (fitsTerms(job, o) && stakeCovers(job, o)) === feasible ? o : withStake(o, stake);
}

/** The offer carrying its provider's stake now. */
function withStake(o: MatchOffer, stake: ProviderStake): MatchOffer {
  // Field by field rather than a spread: this runs for every candidate of every job, and a
  // literal of known shape is several times cheaper to build.
  return {
    id: o.id,
    market: o.market,
    providerId: o.providerId,
    gpuModel: o.gpuModel,
    vramGb: o.vramGb,
    region: o.region,
    gpusFree: o.gpusFree,
    askWeiPerGpuHour: o.askWeiPerGpuHour,
    minHours: o.minHours,
    maxHours: o.maxHours,
    providerOnline: o.providerOnline,
    reliabilityBps: o.reliabilityBps,
    createdAt: o.createdAt,
    freeStakeWei: stake.freeStakeWei,
    stakeMeetsMinimum: stake.stakeMeetsMinimum,
    collateralBps: o.collateralBps,
  };
}

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
 * live offer for the job's duration when it does not fit (a near miss on price, capacity, a
 * provider offline or short of stake). Undefined when the book cannot decide: a market whose
 * listed offers were cut at `depth` may hide a better feasible one below the cut, or the book
 * does not know it. Each offer is judged on its provider's stake in the book (or its own figure
 * without one) less `taken`; a candidate that its own figure would judge otherwise is a copy
 * carrying the stake it was judged on.
 */
export function candidatesFromBook(
  job: MatchJob,
  markets: readonly string[],
  book: Book,
  limits: CandidateLimits,
  taken: StakeTaken = nothingTaken,
): MatchOffer[] | undefined {
  const found = feasibleInBook(job, markets, book, limits, new StakeView(book, taken));
  return found && [...found.feasible, ...found.nearMisses];
}

/**
 * candidatesFromBook's parts: the feasible offers, best first (already ranked), the near misses,
 * and whether an offer that fits on every term was kept out by its provider's free stake alone
 * (its provider meets the minimum).
 */
function feasibleInBook(
  job: MatchJob,
  markets: readonly string[],
  book: Book,
  limits: CandidateLimits,
  stakes: StakeView,
): { feasible: MatchOffer[]; nearMisses: MatchOffer[]; stakeShort: boolean } | undefined {
  const feasible: MatchOffer[] = [];
  const nearMisses: MatchOffer[] = [];
  let stakeShort = false;
  // A free stake of at least the job's collateral at its max price backs it on any offer that
  // fits its terms: one comparison instead of the offer's own collateral (per collateral share).
  let capBps = -1;
  let cap = 0n;
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
      if (fits.length < limits.perMarket && fitsTerms(job, o)) {
        const stake = stakes.of(o);
        if (o.collateralBps !== capBps) {
          capBps = o.collateralBps;
          cap = collateralCap(job, capBps);
        }
        if (
          stake.stakeMeetsMinimum &&
          (stake.freeStakeWei >= cap || stakeCovers(job, o, stake.freeStakeWei, true))
        ) {
          fits.push(o);
        } else if (stake.stakeMeetsMinimum) stakeShort = true;
      }
    }
    if (cheapest) {
      const stake = stakes.of(cheapest);
      if (!fitsTerms(job, cheapest)) nearMisses.push(asJudged(job, cheapest, stake, false));
      else if (!stakeCovers(job, cheapest, stake.freeStakeWei, stake.stakeMeetsMinimum)) {
        if (stake.stakeMeetsMinimum) stakeShort = true;
        nearMisses.push(asJudged(job, cheapest, stake, false));
      }
    }
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
  const best = feasible.sort(compareOffers).slice(0, limits.feasible);
  return {
    feasible: best.map((o) => asJudged(job, o, stakes.of(o), true)),
    nearMisses,
    stakeShort,
  };
}

export type BatchJob = { want: MatchJob; markets: readonly string[] };

export type BatchPlan =
  /**
   * The book decided: `offer` is the best feasible one that no write in flight holds (undefined:
   * nothing fits now); `skipped` are better ones that a write in flight holds; `collateral` is
   * what funding the job on `offer` will lock from its provider's stake (0 without an offer).
   */
  | {
      decided: true;
      offer: MatchOffer | undefined;
      candidates: MatchOffer[];
      skipped: Set<string>;
      collateral: bigint;
    }
  /**
   * The book could not decide. `stale`: because the book does not know a market (a read of it
   * would decide); `wait`: only offers that writes in flight hold could
   * take it, or a job before it in the same markets is waiting (it goes in a batch after them);
   * otherwise a market was cut too short, or only the stake the book knows kept an offer from
   * it, and the job needs its own read.
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
 *
 * Stake: a provider's free stake is shared by all its offers, so the jobs placed on one provider
 * must together fit it. Each job sees the book's stake less the collateral of the batch's earlier
 * jobs on the same provider and of the writes in flight (`busyStake`, per provider id; as with
 * GPUs, a job that only that in-flight collateral keeps out waits for those writes). A job that
 * nothing fits while some offer failed on its provider's free stake alone is left undecided:
 * the free stake the book knows may be too low, and its own read decides.
 */
export function planBatch(
  jobs: readonly BatchJob[],
  book: Book,
  limits: CandidateLimits,
  options: {
    busy?: ReadonlyMap<string, number>;
    busyStake?: StakeTaken;
    waiting?: ReadonlySet<string>;
  } = {},
): BatchPlan[] {
  const { busy = new Map(), busyStake = nothingTaken } = options;
  const waiting = new Set(options.waiting);
  /** The stake as this batch sees it: less what the writes in flight and its own jobs lock. */
  const stakes = new StakeView(book, busyStake);
  /** Only its own jobs' collateral (as if the writes in flight failed), per provider. */
  const ownTaken = new Map<string, bigint>();
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
  const local: Book = { depth: book.depth, markets, unknown: book.unknown, stake: book.stake };
  /** Would the offer fit if the writes in flight failed (their GPUs and collateral back)? */
  const fitsWithoutFlight = (want: MatchJob, o: MatchOffer) => {
    if (!fitsTerms(want, o)) return false;
    const known = book.stake ? (book.stake.get(o.providerId) ?? noStake) : o;
    const free = known.freeStakeWei - (ownTaken.get(o.providerId) ?? 0n);
    return stakeCovers(want, o, free, known.stakeMeetsMinimum);
  };
  return jobs.map((job): BatchPlan => {
    if (job.markets.some((m) => waiting.has(m)))
      return { decided: false, stale: false, wait: true };
    const found = feasibleInBook(job.want, job.markets, local, limits, stakes);
    if (!found) {
      return { decided: false, stale: job.markets.some((m) => book.unknown?.has(m)) };
    }
    const ranked = found.feasible;
    const candidates = [...ranked, ...found.nearMisses];
    const offer = ranked.find((o) => !held.has(o.id));
    if (!offer && (held.size > 0 || (found.stakeShort && busyStake.size > 0))) {
      // An offer a write in flight holds, as it was before; or, when stake kept an offer out,
      // another offer of a provider whose collateral a write in flight holds, as this batch
      // left it.
      const heldFits = job.markets.some((m) => {
        const mine = markets.get(m) ?? [];
        return (book.markets.get(m) ?? []).some((before, i) => {
          if (held.has(before.id)) return fitsWithoutFlight(job.want, before);
          return (
            found.stakeShort &&
            busyStake.has(before.providerId) &&
            fitsWithoutFlight(job.want, mine[i] as MatchOffer)
          );
        });
      });
      if (heldFits) {
        for (const m of job.markets) waiting.add(m);
        return { decided: false, stale: false, wait: true };
      }
    }
    // The free stake the book knows may be too low: the job's own read decides.
    if (!offer && found.stakeShort) return { decided: false, stale: false };
    const skipped = new Set<string>();
    for (const o of ranked) {
      if (o === offer) break;
      skipped.add(o.id);
    }
    let collateral = 0n;
    if (offer) {
      const list = own(offer.market);
      const i = list.findIndex((o) => o.id === offer.id);
      list[i] = { ...(list[i] as MatchOffer), gpusFree: offer.gpusFree - job.want.gpuCount };
      collateral = collateralFor(job.want, offer);
      if (collateral > 0n) {
        stakes.take(offer, collateral);
        ownTaken.set(offer.providerId, (ownTaken.get(offer.providerId) ?? 0n) + collateral);
      }
    }
    return { decided: true, offer, candidates, skipped, collateral };
  });
}
