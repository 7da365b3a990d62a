import "server-only";
import type { Db } from "@/db/client";
import { offersGeneration } from "@/db/queries/offer-changes";
import { marketBook } from "@/db/queries/offers";
import type { JobInsert } from "@/db/queries/placement";
import { type BatchWrite, insertJobsAndReserve } from "@/db/queries/placement-batch";
import { type BatchPlan, type Book, bookFrom, planBatch, withHeld } from "@/lib/matching/book";
import type { MatchOffer } from "@/lib/matching/types";
import { existingJob, newJob, retryPlacement, type SubmitResult, submitOne } from "./jobs";
import { CANDIDATE_LIMITS, marketsFor, reservationFor, toMatchJob } from "./placement";

/** Most submits written by one statement. */
export const MAX_BATCH = 64;
/** Offers read per market for a batch; a market cut at this depth may need a job's own read. */
export const BOOK_DEPTH = 12;
/** Batches in flight: one reading the book while the one before it writes. */
const STAGES = 2;
/**
 * How long a market's book, read by one batch, serves the next ones (kept up to date with what
 * they take). Writes to offers from this process outside the batches end it at once; writes from
 * other processes are seen within this age. 0 reads the book for every batch.
 */
export const BOOK_MAX_AGE_MS = 250;

type CachedMarket = { offers: MatchOffer[]; readAt: number; generation: number };

type Waiting = {
  values: JobInsert;
  now: Date;
  resolve: (result: SubmitResult) => void;
  reject: (error: unknown) => void;
};

/**
 * A batch's write as the next batch waits for it (`result`: undefined when it failed), and
 * whether it has already returned (`settled`), in which case any later read sees it.
 */
type Written = {
  result: Promise<Pick<BatchWrite, "took" | "xid"> | undefined>;
  settled: boolean;
};

/**
 * Coalesces the submits that arrive while a batch is in flight into the next batch. There is no
 * timer: a submit arriving when nothing is in flight starts at once, so a lone submit costs two
 * round trips, and a busy server writes many per round trip.
 *
 * Two batches overlap: the next one reads the book while the previous one writes. Before it
 * plans, it waits for that write and takes out the GPUs it took, unless the rows it read are
 * already the ones that write produced (their xmin is its transaction). Every reservation is
 * still checked under its row lock, so a plan on a stale book can only lose its offer (the job
 * then retries on its own), never over-allocate.
 */
export class SubmitBatcher {
  private queue: Waiting[] = [];
  private inFlight = 0;
  private lastWrite: Written = { result: Promise.resolve(undefined), settled: true };
  /** The book as the batches last knew it, per market, with their own takes applied. */
  private cached = new Map<string, CachedMarket>();

  constructor(private readonly db: Db) {}

  submit(values: JobInsert, now: Date): Promise<SubmitResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ values, now, resolve, reject });
      this.pump();
    });
  }

  private pump() {
    while (this.inFlight < STAGES && this.queue.length > 0) {
      const batch = this.takeBatch();
      const previous = this.lastWrite;
      let resolve: (w: Awaited<Written["result"]>) => void = () => undefined;
      const next: Written = {
        result: new Promise((r) => {
          resolve = r;
        }),
        settled: false,
      };
      const done = (w: Awaited<Written["result"]>) => {
        next.settled = true;
        resolve(w);
      };
      this.lastWrite = next;
      this.inFlight++;
      void this.runBatch(batch, previous, done).finally(() => {
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
   * The book for a batch: the markets it read now, and the others from the copy. A market taken
   * from the copy is uncertain (another process may have freed GPUs there since); one whose copy
   * was dropped meanwhile (an offer there was lost) is unknown, and its jobs read on their own.
   */
  private bookOf(
    markets: readonly string[],
    fresh: readonly string[],
    heldMarkets: ReadonlySet<string>,
  ): { book: Book; uncertain: Set<string> } {
    const uncertain = new Set(heldMarkets);
    const read = new Set(fresh);
    const book: Book = { depth: BOOK_DEPTH, markets: new Map(), unknown: new Set() };
    for (const market of markets) {
      if (!read.has(market)) uncertain.add(market);
      const entry = this.cached.get(market);
      if (entry) book.markets.set(market, entry.offers);
      else book.unknown?.add(market);
    }
    return { book, uncertain };
  }

  /** Applies a batch's takes to the copy, and drops markets where a planned offer was lost. */
  private remember(write: BatchWrite, plans: readonly BatchPlan[]) {
    if (write.took.size > 0) {
      for (const [market, entry] of this.cached) {
        if (!entry.offers.some((o) => write.took.has(o.id))) continue;
        const offers = entry.offers.map((o) => {
          const gpus = write.took.get(o.id);
          return gpus ? { ...o, gpusFree: o.gpusFree - gpus } : o;
        });
        this.cached.set(market, { ...entry, offers });
      }
    }
    plans.forEach((plan, i) => {
      const outcome = write.outcomes[i];
      if (plan.decided && plan.offer && outcome?.created && !outcome.reserved) {
        this.cached.delete(plan.offer.market);
      }
    });
  }

  private async runBatch(
    batch: Waiting[],
    previous: Written,
    done: (w: Awaited<Written["result"]>) => void,
  ) {
    const db = this.db;
    let plans: BatchPlan[];
    let items: ReturnType<typeof itemsFor>;
    let write: BatchWrite;
    try {
      const jobs = batch.map((w) => {
        const want = toMatchJob(w.values);
        return { want, markets: marketsFor(want) };
      });
      const markets = [...new Set(jobs.flatMap((j) => j.markets))];
      const readAt = Date.now();
      const generation = offersGeneration();
      const fresh = markets.filter((m) => !this.isCurrent(m, readAt, generation));
      // A write that returned before this read began is in it; only one still in flight may not be.
      const overlaps = !previous.settled;
      const read = fresh.length
        ? await marketBook(db, fresh, BOOK_DEPTH)
        : { offers: [], versions: new Map<string, string>() };
      const before = await previous.result;
      const held = new Map<string, number>();
      for (const [offer, gpus] of overlaps ? (before?.took ?? []) : []) {
        const seen = read.versions.get(offer);
        if (seen !== undefined && seen !== before?.xid) held.set(offer, gpus);
      }
      const adjusted = withHeld(bookFrom(read.offers, BOOK_DEPTH), held);
      for (const market of fresh) {
        const offers = adjusted.book.markets.get(market) ?? [];
        this.cached.set(market, { offers, readAt, generation });
      }
      let { book, uncertain } = this.bookOf(markets, fresh, adjusted.uncertain);
      plans = planBatch(jobs, book, CANDIDATE_LIMITS, uncertain);
      // Jobs the copy could not decide: read their markets now (the write before has returned,
      // so this read sees it) and plan the batch again, rather than send each off on its own.
      const recheck = [
        ...new Set(
          plans.flatMap((p, i) => (!p.decided && p.stale ? (jobs[i]?.markets ?? []) : [])),
        ),
      ];
      if (recheck.length > 0) {
        const at = Date.now();
        const gen = offersGeneration();
        const again = bookFrom((await marketBook(db, recheck, BOOK_DEPTH)).offers, BOOK_DEPTH);
        for (const market of recheck) {
          const offers = again.markets.get(market) ?? [];
          this.cached.set(market, { offers, readAt: at, generation: gen });
        }
        const sure = new Set([...fresh, ...recheck]);
        ({ book, uncertain } = this.bookOf(markets, [...sure], adjusted.uncertain));
        for (const market of recheck) uncertain.delete(market);
        plans = planBatch(jobs, book, CANDIDATE_LIMITS, uncertain);
      }
      items = itemsFor(batch, plans);
      write = await insertJobsAndReserve(db, items);
      this.remember(write, plans);
      done(write);
    } catch (error) {
      this.cached.clear();
      done(undefined);
      // Whatever failed (a bad row, a lost connection), each submit goes on alone and fails alone.
      console.warn(`submit batch of ${batch.length} failed, placing one by one: ${String(error)}`);
      await Promise.all(batch.map((w) => submitOne(db, w.values, w.now).then(w.resolve, w.reject)));
      return;
    }
    batch.forEach((w, i) => {
      const outcome = write.outcomes[i];
      const plan = plans[i];
      const lease = items[i]?.lease;
      settle(w, async () => {
        if (!outcome?.created) return existingJob(db, w.values.consumer, w.values.idempotencyKey);
        if (outcome.reserved) return newJob(w.values, lease, w.now);
        // Nothing fits now: the job waits in the queue for capacity.
        if (plan?.decided && !plan.offer) return newJob(w.values, undefined, w.now);
        // Its offer was taken by another match first, or the book could not decide.
        const busy = new Set<string>(plan?.decided && plan.offer ? [plan.offer.id] : []);
        return retryPlacement(db, w.values, w.now, busy);
      });
    });
  }
}

function itemsFor(batch: readonly Waiting[], plans: readonly BatchPlan[]) {
  return batch.map((w, i) => {
    const plan = plans[i];
    if (!plan?.decided || !plan.offer) {
      return { job: w.values, reservation: undefined, lease: undefined };
    }
    const { lease, reservation } = reservationFor(
      w.values,
      plan.offer,
      plan.candidates,
      new Set(),
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
