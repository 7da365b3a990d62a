import "server-only";
import type { Db } from "@/db/client";
import { offersGeneration } from "@/db/queries/offer-changes";
import { marketBook } from "@/db/queries/offers";
import type { JobInsert } from "@/db/queries/placement";
import { type BatchWrite, insertJobsAndReserve } from "@/db/queries/placement-batch";
import { type BatchJob, type BatchPlan, type Book, bookFrom, planBatch } from "@/lib/matching/book";
import type { MatchOffer } from "@/lib/matching/types";
import { existingJob, newJob, retryPlacement, type SubmitResult, submitOne } from "./jobs";
import { CANDIDATE_LIMITS, marketsFor, reservationFor, toMatchJob } from "./placement";

/** Most submits written by one statement. */
export const MAX_BATCH = 64;
/**
 * Offers read per market for a batch; a market cut at this depth may need a job's own read. At 12,
 * big jobs late in the benchmark (the cheapest offers partly taken) went to their own read about
 * 250 times in 50,000 and set the p99; at 24, none did, and reads are rare with the copy.
 */
export const BOOK_DEPTH = 24;
/**
 * Batches in flight at once. They plan one at a time, in arrival order, and their writes overlap:
 * a batch planned while another writes leaves the offers that one holds alone, as `SKIP LOCKED`
 * would. Two measured best on two cores (more stages made batches smaller and each submit dearer).
 */
export const SUBMIT_STAGES = 2;
/**
 * How long a market's book, read by one batch, serves the next ones (kept up to date with what
 * they take). Writes to offers from this process outside the batches end it at once; a job this
 * copy would queue as pending is checked against the market's version in the write itself, so a
 * capacity gain anywhere is never missed; what another process took is found when its row lock
 * is checked (the job then retries on its own). So the age only bounds how long a cheaper offer
 * freed by another process can go unseen by a job that something else already fits.
 */
export const BOOK_MAX_AGE_MS = 1000;

/** A market's book as last known, and its version (market_versions) when it was read. */
type CachedMarket = { offers: MatchOffer[]; version: string; readAt: number; generation: number };

type Waiting = {
  values: JobInsert;
  now: Date;
  resolve: (result: SubmitResult) => void;
  reject: (error: unknown) => void;
};

/** A batch's write while it is in flight: the GPUs it plans to take, per offer id. */
type Flight = { planned: Map<string, number> };

/** A write that returned while a read was in flight (numbered in the order they returned). */
type Returned = { index: number; xid: string; took: ReadonlyMap<string, number> };

/**
 * Coalesces the submits that arrive while batches are in flight into the next batch. There is
 * no timer: a submit arriving when a stage is free starts at once, so a lone submit costs one
 * or two round trips, and a busy server writes many per round trip.
 *
 * Batches plan one after another in arrival order, each on the book as the batches before it
 * left it: the copy read from the database, less what every returned write took, and with the
 * offers that writes still in flight hold set aside. Their writes overlap. Every reservation is
 * still checked under its row lock, so a plan on a stale book can only lose its offer (the job
 * then retries on its own), never over-allocate.
 */
export class SubmitBatcher {
  /** Batches planned and statements written so far (for diagnostics and tests). */
  readonly stats = { planned: 0, written: 0 };
  private queue: Waiting[] = [];
  private inFlight = 0;
  /** Resolves when the batch before may no longer change the book: the next one plans then. */
  private planTurn: Promise<void> = Promise.resolve();
  private flights = new Set<Flight>();
  /** Submits waiting for writes in flight (and the markets they wait in): first in line after. */
  private waiting: Waiting[] = [];
  private waitingMarkets = new Set<string>();
  /** The book as the batches last knew it, per market, with their own takes applied. */
  private cached = new Map<string, CachedMarket>();
  /** For each cached offer, the transaction whose write the copy shows last (its xmin). */
  private versions = new Map<string, string>();
  private marketOf = new Map<string, string>();
  private returnedCount = 0;
  private returned: Returned[] = [];
  /** Reads in flight, by the count of writes returned when each began. */
  private reads = new Set<{ start: number }>();

  constructor(private readonly db: Db) {}

  submit(values: JobInsert, now: Date): Promise<SubmitResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ values, now, resolve, reject });
      this.pump();
    });
  }

  private pump() {
    while (this.inFlight < SUBMIT_STAGES && this.queue.length > 0) {
      const batch = this.takeBatch();
      this.inFlight++;
      void this.runBatch(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  /** Up to MAX_BATCH submits in arrival order, one per (consumer, idempotency key). */
  private takeBatch(): Waiting[] {
    const batch: Waiting[] = [];
    const rest: Waiting[] = [];
    const keys = new Set<string>();
    for (const w of this.queue) {
      const key = `${w.values.consumer}\0${w.values.idempotencyKey}`;
      if (batch.length < MAX_BATCH && !keys.has(key)) {
        keys.add(key);
        batch.push(w);
      } else rest.push(w);
    }
    this.queue = rest;
    return batch;
  }

  private isCurrent(market: string, now: number, generation: number): boolean {
    const entry = this.cached.get(market);
    return (
      entry !== undefined && entry.generation === generation && now - entry.readAt < BOOK_MAX_AGE_MS
    );
  }

  /**
   * Reads the book of some markets into the copy. A write that returned while the read ran may
   * or may not be in it: the read saw it when the row's xmin is that write's transaction (or a
   * later one of ours on the same offer, since those run one after another); otherwise its take
   * is applied here.
   */
  private async read(markets: readonly string[]) {
    const mark = { start: this.returnedCount };
    const readAt = Date.now();
    const generation = offersGeneration();
    this.reads.add(mark);
    let result: Awaited<ReturnType<typeof marketBook>>;
    try {
      result = await marketBook(this.db, markets, BOOK_DEPTH);
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
        generation,
      });
    }
    this.pruneReturned();
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
  private bookOf(markets: readonly string[]): Book {
    const book: Book = { depth: BOOK_DEPTH, markets: new Map(), unknown: new Set() };
    for (const market of markets) {
      const entry = this.cached.get(market);
      if (entry) book.markets.set(market, entry.offers);
      else book.unknown?.add(market);
    }
    return book;
  }

  /** The versions of the markets that the write checks for its jobs going in as pending. */
  private versionsOf(items: readonly { verify?: readonly string[] }[]): Map<string, string> {
    const versions = new Map<string, string>();
    for (const item of items) {
      for (const market of item.verify ?? []) {
        versions.set(market, this.cached.get(market)?.version ?? "-1");
      }
    }
    return versions;
  }

  /** GPUs per offer that the writes in flight plan to take. */
  private busy(): Map<string, number> {
    const busy = new Map<string, number>();
    for (const flight of this.flights) {
      for (const [id, gpus] of flight.planned) busy.set(id, (busy.get(id) ?? 0) + gpus);
    }
    return busy;
  }

  private plan(jobs: readonly BatchJob[], markets: readonly string[]) {
    return planBatch(jobs, this.bookOf(markets), CANDIDATE_LIMITS, {
      busy: this.busy(),
      waiting: this.waitingMarkets,
    });
  }

  /**
   * A write returned (undefined: it failed): its takes go into the copy (unless a read already
   * saw them), markets where a planned offer was lost are dropped, and the submits waiting for
   * writes in flight go back to the head of the queue.
   */
  private landed(flight: Flight, write: BatchWrite | undefined, plans: readonly BatchPlan[]) {
    this.flights.delete(flight);
    this.returnedCount++;
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
    if (write) {
      for (const market of write.changed) this.cached.delete(market);
      plans.forEach((plan, i) => {
        const outcome = write.outcomes[i];
        if (plan.decided && plan.offer && outcome?.created && !outcome.reserved) {
          this.cached.delete(plan.offer.market);
        }
      });
    }
    if (this.waiting.length > 0) {
      this.queue = [...this.waiting, ...this.queue];
      this.waiting = [];
      this.waitingMarkets.clear();
    }
  }

  private async runBatch(batch: Waiting[]) {
    const db = this.db;
    const turn = this.planTurn;
    let endTurn: () => void = () => undefined;
    this.planTurn = new Promise((resolve) => {
      endTurn = resolve;
    });
    const flight: Flight = { planned: new Map() };
    const toWrite: Waiting[] = [];
    const plans: BatchPlan[] = [];
    const accepts: (readonly string[])[] = [];
    let items: ReturnType<typeof itemsFor> = [];
    let write: BatchWrite;
    try {
      try {
        await turn;
        const jobs = batch.map((w) => {
          const want = toMatchJob(w.values);
          return { want, markets: marketsFor(want) };
        });
        const markets = [...new Set(jobs.flatMap((j) => j.markets))];
        const now = Date.now();
        const generation = offersGeneration();
        const stale = markets.filter((m) => !this.isCurrent(m, now, generation));
        if (stale.length > 0) await this.read(stale);
        let all = this.plan(jobs, markets);
        // Jobs on markets dropped from the copy meanwhile: read those now and plan the batch
        // again, rather than send each off on its own.
        const recheck = [
          ...new Set(
            all.flatMap((p, i) => (!p.decided && p.stale ? (jobs[i]?.markets ?? []) : [])),
          ),
        ];
        if (recheck.length > 0) {
          await this.read(recheck);
          all = this.plan(jobs, markets);
        }
        this.stats.planned++;
        // Jobs that wait for writes in flight leave the batch; the rest hold their offers.
        all.forEach((plan, i) => {
          const w = batch[i] as Waiting;
          if (!plan.decided && plan.wait) {
            this.waiting.push(w);
            for (const m of jobs[i]?.markets ?? []) this.waitingMarkets.add(m);
            return;
          }
          toWrite.push(w);
          plans.push(plan);
          accepts.push(jobs[i]?.markets ?? []);
          if (plan.decided && plan.offer) {
            const id = plan.offer.id;
            flight.planned.set(id, (flight.planned.get(id) ?? 0) + w.values.gpuCount);
          }
        });
        this.flights.add(flight);
      } finally {
        endTurn();
      }
      if (toWrite.length === 0) {
        // Every job waits for a write in flight: nothing to write, and nothing to wake them for
        // until that write lands.
        this.flights.delete(flight);
        return;
      }
      items = itemsFor(toWrite, plans, accepts);
      this.stats.written++;
      write = await insertJobsAndReserve(db, items, this.versionsOf(items));
      this.landed(flight, write, plans);
    } catch (error) {
      this.landed(flight, undefined, []);
      // Whatever failed (a bad row, a lost connection), each submit goes on alone and fails alone.
      const rest = toWrite.length > 0 || plans.length > 0 ? toWrite : batch;
      console.warn(`submit batch of ${rest.length} failed, placing one by one: ${String(error)}`);
      await Promise.all(rest.map((w) => submitOne(db, w.values, w.now).then(w.resolve, w.reject)));
      return;
    }
    toWrite.forEach((w, i) => {
      const outcome = write.outcomes[i];
      const plan = plans[i];
      const lease = items[i]?.lease;
      settle(w, async () => {
        if (!outcome?.created) return existingJob(db, w.values.consumer, w.values.idempotencyKey);
        if (outcome.reserved) return newJob(w.values, lease, w.now);
        // Nothing fits now: the job waits in the queue for capacity, unless a market it accepts
        // gained capacity since the book was read (then it is placed again, now).
        if (plan?.decided && !plan.offer && !outcome.recheck) {
          return newJob(w.values, undefined, w.now);
        }
        // Its offer was taken by another match first, or the book could not decide.
        const busy = new Set<string>(plan?.decided && plan.offer ? [plan.offer.id] : []);
        return retryPlacement(db, w.values, w.now, busy);
      });
    });
  }
}

/**
 * The write's input: each job with its reservation, or, for one that nothing fits, the markets
 * it accepts, which the write checks did not gain capacity since they were read.
 */
function itemsFor(
  batch: readonly Waiting[],
  plans: readonly BatchPlan[],
  accepts: readonly (readonly string[])[],
) {
  return batch.map((w, i) => {
    const plan = plans[i];
    if (!plan?.decided || !plan.offer) {
      const verify = plan?.decided ? accepts[i] : undefined;
      return { job: w.values, reservation: undefined, lease: undefined, verify };
    }
    const { lease, reservation } = reservationFor(
      w.values,
      plan.offer,
      plan.candidates,
      plan.skipped,
      w.values.consumer,
      w.now,
    );
    return { job: w.values, reservation, lease };
  });
}

function settle(w: Waiting, work: () => Promise<SubmitResult>) {
  work().then(w.resolve, w.reject);
}

// On globalThis, like the database handle, so every bundle of the server shares one batcher.
const holder = globalThis as typeof globalThis & {
  __gpuMarketBatchers?: WeakMap<Db, SubmitBatcher>;
};
holder.__gpuMarketBatchers ??= new WeakMap();
const batchers = holder.__gpuMarketBatchers;

/** The batcher of this database handle (one per process per database). */
export function submitBatcher(db: Db): SubmitBatcher {
  let batcher = batchers.get(db);
  if (!batcher) {
    batcher = new SubmitBatcher(db);
    batchers.set(db, batcher);
  }
  return batcher;
}
