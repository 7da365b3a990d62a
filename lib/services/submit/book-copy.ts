import "server-only";
import type { Db } from "@/db/client";
import { offersGeneration } from "@/db/queries/offer-changes";
import { marketBook } from "@/db/queries/offers";
import {
  type ProviderStakes,
  providerStakes,
  stakesGeneration,
  visibleIn,
} from "@/db/queries/placement/provider-stakes";
import type { BatchWrite } from "@/db/queries/placement/write-batch";
import { logWarning } from "@/lib/log";
import { type Book, bookFrom } from "@/lib/matching/book";
import type { MatchOffer, ProviderStake } from "@/lib/matching/types";

/**
 * Offers read per market for a batch; a market cut at this depth may need a job's own read
 * (why 24: services README, "Benchmark").
 */
export const BOOK_DEPTH = 24;
/**
 * How long a market's book, read by one batch, serves the next ones (kept up to date with what
 * they take). Writes to offers from this process outside the batches end it at once; a job this
 * copy would queue as pending is checked against the market's version in the write itself, so a
 * capacity gain anywhere is never missed; what another process took is found when its row lock
 * is checked (the job then retries on its own). So the age only bounds how long a cheaper offer
 * freed by another process can go unseen by a job that something else already fits.
 */
export const BOOK_MAX_AGE_MS = 1000;
/**
 * How long one read of the providers' stake serves the batches (kept up to date with the
 * collateral their own writes add). A change of stake this process makes or sees outside them
 * (a placement on its own, capacity freed, the indexer recording stake) ends it at once; what
 * other processes place meanwhile can go unseen this long (funding would then refuse one). The
 * read is a pass over every unfunded lease (about 30 ms at the benchmark's 40,000): once a
 * second it took 5 % of the benchmark's statement time, once in five seconds 1.5 %.
 */
export const STAKES_MAX_AGE_MS = 5000;
/**
 * A read older than this is not served at all but read again first: the background re-read keeps
 * a busy process's copy younger, so only a process that was idle waits for it, and its first
 * submit never judges providers by stake that another process's indexer changed long ago (the
 * job would wait as pending, the re-match after that change long past).
 */
export const STAKES_STALE_MS = 2 * STAKES_MAX_AGE_MS;

/** A market's book as last known, and its version (market_versions) when it was read. */
type CachedMarket = { offers: MatchOffer[]; version: string; readAt: number; generation: number };

/** A write that returned while a read was in flight (numbered in the order they returned). */
type Returned = { index: number; xid: string; took: ReadonlyMap<string, number> };

/**
 * The submit batcher's copy of the order book, per market: read from the database, less what
 * every returned write of the batcher took. A write that returns applies its takes unless the
 * copy already shows them (each cached offer keeps the transaction, its `xmin`, whose write the
 * copy shows last); a read that ran while writes returned applies those its rows do not show.
 *
 * A provider's free stake is shared by its offers in every market, so the copy keeps it once
 * per provider, from one read of every provider's stake (`providerStakes`), less the collateral
 * of the batcher's writes that returned and that the read did not see (by the read's snapshot
 * and each write's transaction id).
 */
export class BookCopy {
  /** The book as the batches last knew it, per market, with their own takes applied. */
  private cached = new Map<string, CachedMarket>();
  /** For each cached offer, the transaction whose write the copy shows last (its xmin). */
  private versions = new Map<string, string>();
  private marketOf = new Map<string, string>();
  /** The providers' stake as last read, when, and at which count of stake changes. */
  private stakesRead: { read: ProviderStakes; at: number; generation: number } | undefined;
  /** Each provider's stake: as last read, less the collateral of returned writes it missed. */
  private stakes = new Map<string, ProviderStake>();
  /** A read of the providers' stake in flight, and the count of stake changes it began at. */
  private stakesReading: { generation: number; promise: Promise<ProviderStakes> } | undefined;
  /** Returned writes with collateral that the last read of stake may not have seen. */
  private stakeWrites: { txid: bigint; stake: ReadonlyMap<string, bigint> }[] = [];
  private returnedCount = 0;
  private returned: Returned[] = [];
  /** Reads in flight, by the count of writes returned when each began. */
  private reads = new Set<{ start: number }>();

  constructor(private readonly db: Db) {}

  /** Markets whose copy is missing, too old, or older than a write to their offers from this process. */
  stale(markets: readonly string[]): string[] {
    const now = Date.now();
    return markets.filter((m) => !this.isCurrent(m, now));
  }

  private isCurrent(market: string, now: number): boolean {
    const entry = this.cached.get(market);
    return (
      entry !== undefined &&
      entry.generation === offersGeneration(market) &&
      now - entry.readAt < BOOK_MAX_AGE_MS
    );
  }

  /**
   * Reads the book of some markets into the copy. A write that returned while the read ran may
   * or may not be in it: the read saw it when the row's xmin is that write's transaction (or a
   * later one of ours on the same offer, since those run one after another); otherwise its take
   * is applied here.
   */
  async read(markets: readonly string[]) {
    const mark = { start: this.returnedCount };
    const readAt = Date.now();
    const generations = new Map(markets.map((m) => [m, offersGeneration(m)]));
    const stakes = await this.currentStakes();
    this.reads.add(mark);
    let result: Awaited<ReturnType<typeof marketBook>>;
    try {
      result = await marketBook(this.db, markets, BOOK_DEPTH, {
        byProvider: this.stakes,
        collateralBps: stakes.collateralBps,
      });
    } finally {
      this.reads.delete(mark);
    }
    // Offers come and go: forget the versions of old ones now and then (the copy goes with them).
    if (this.versions.size > 100_000) this.forget();
    const missed = this.returned.filter((w) => w.index > mark.start);
    const offers = result.offers.map((o) => {
      let version = result.versions.get(o.id) ?? "";
      const mine = missed.filter((w) => w.took.has(o.id));
      let seen = mine.length - 1;
      while (seen >= 0 && mine[seen]?.xid !== version) seen--;
      let free = o.gpusFree;
      for (const w of mine.slice(seen + 1)) {
        free -= w.took.get(o.id) ?? 0;
        version = w.xid;
      }
      this.versions.set(o.id, version);
      this.marketOf.set(o.id, o.market);
      return free === o.gpusFree ? o : { ...o, gpusFree: Math.max(0, free) };
    });
    const book = bookFrom(offers, BOOK_DEPTH);
    for (const market of markets) {
      this.cached.set(market, {
        offers: book.markets.get(market) ?? [],
        version: result.marketVersions.get(market) ?? "0",
        readAt,
        generation: generations.get(market) ?? -1,
      });
    }
    this.pruneReturned();
  }

  /**
   * The providers' stake. After a change of stake this process made or saw (`stakesChanged()`),
   * it is read again before it is used; once older than STAKES_MAX_AGE_MS, it is read again in
   * the background and serves meanwhile (a read costs a pass over the unfunded leases); once
   * older than STAKES_STALE_MS (an idle process), it is read again before it is used.
   */
  async currentStakes(): Promise<ProviderStakes> {
    const last = this.stakesRead;
    if (!last || last.generation !== stakesGeneration()) return this.readStakes();
    const age = Date.now() - last.at;
    if (age >= STAKES_STALE_MS) return this.readStakes();
    if (age >= STAKES_MAX_AGE_MS && !this.stakesReading) {
      this.readStakes().catch((error: unknown) => logWarning("reading providers' stake", error));
    }
    return last.read;
  }

  /** Reads the stake, or joins the read in flight if it began after the last change. */
  private async readStakes(): Promise<ProviderStakes> {
    const generation = stakesGeneration();
    const inFlight = this.stakesReading;
    if (inFlight?.generation === generation) return inFlight.promise;
    if (inFlight) await inFlight.promise.catch(() => undefined);
    const at = Date.now();
    const promise = providerStakes(this.db).then((read) => {
      // Writes the read saw are in it; the others' collateral still comes off.
      this.stakeWrites = this.stakeWrites.filter((w) => !visibleIn(read.snapshot, w.txid));
      const stakes = new Map(read.byProvider);
      for (const w of this.stakeWrites) subtractStake(stakes, w.stake);
      this.stakes = stakes;
      this.stakesRead = { read, at, generation };
      return read;
    });
    const reading = { generation, promise };
    this.stakesReading = reading;
    try {
      return await promise;
    } finally {
      if (this.stakesReading === reading) this.stakesReading = undefined;
    }
  }

  private forget() {
    this.cached.clear();
    this.versions.clear();
    this.marketOf.clear();
  }

  private pruneReturned() {
    const oldest = Math.min(...[...this.reads].map((r) => r.start));
    this.returned = this.returned.filter((w) => w.index > oldest);
  }

  /**
   * The book for a batch from the copy. A market whose copy was dropped meanwhile (an offer there
   * was lost, or it gained capacity elsewhere) is unknown, and its jobs read it again.
   */
  book(markets: readonly string[]): Book {
    const book: Book = {
      depth: BOOK_DEPTH,
      markets: new Map(),
      unknown: new Set(),
      stake: this.stakes,
    };
    for (const market of markets) {
      const entry = this.cached.get(market);
      if (entry) book.markets.set(market, entry.offers);
      else book.unknown?.add(market);
    }
    return book;
  }

  /** The versions the copy of these markets was read at ("-1" for one it no longer has). */
  versionsOf(markets: Iterable<string>): Map<string, string> {
    const versions = new Map<string, string>();
    for (const market of markets) versions.set(market, this.cached.get(market)?.version ?? "-1");
    return versions;
  }

  /** Drops a market from the copy: the next batch that needs it reads it. */
  drop(market: string) {
    this.cached.delete(market);
  }

  /**
   * A batch's write returned (undefined: it failed, and the whole copy goes): its takes go into
   * the copy unless the copy already shows them (the offer's version is that write's transaction),
   * and the collateral its placed jobs will lock (`stake`, per provider id) comes off their
   * providers' free stake.
   */
  landed(
    write: Pick<BatchWrite, "took" | "xid" | "txid"> | undefined,
    stake: ReadonlyMap<string, bigint> = new Map(),
  ) {
    this.returnedCount++;
    const read = this.stakesRead?.read;
    if (write?.txid != null && stake.size > 0 && !(read && visibleIn(read.snapshot, write.txid))) {
      this.stakeWrites.push({ txid: write.txid, stake });
      subtractStake(this.stakes, stake);
    }
    if (!write) this.forget();
    else if (write.xid && write.took.size > 0) {
      const xid = write.xid;
      if (this.reads.size > 0) {
        this.returned.push({ index: this.returnedCount, xid, took: write.took });
      }
      for (const [id, gpus] of write.took) {
        const market = this.marketOf.get(id);
        const entry = market === undefined ? undefined : this.cached.get(market);
        const i = entry ? entry.offers.findIndex((o) => o.id === id) : -1;
        const offer = entry?.offers[i];
        if (!entry || !offer || this.versions.get(id) === xid) continue;
        this.versions.set(id, xid);
        // Copy on write: a plan may still hold the list it was given.
        const offers = [...entry.offers];
        offers[i] = { ...offer, gpusFree: offer.gpusFree - gpus };
        entry.offers = offers;
      }
    }
  }
}

function subtractStake(stakes: Map<string, ProviderStake>, taken: ReadonlyMap<string, bigint>) {
  for (const [provider, collateral] of taken) {
    const known = stakes.get(provider);
    if (known) {
      stakes.set(provider, {
        freeStakeWei: known.freeStakeWei - collateral,
        stakeMeetsMinimum: known.stakeMeetsMinimum,
      });
    }
  }
}
