import "server-only";
import type { Db } from "@/db/client";
import { marketBook } from "@/db/queries/offers";
import { type BatchWrite, insertJobsAndReserve, type JobInsert } from "@/db/queries/placement";
import { type BatchPlan, bookFrom, planBatch, withHeld } from "@/lib/matching/book";
import { existingJob, newJob, retryPlacement, type SubmitResult, submitOne } from "./jobs";
import { CANDIDATE_LIMITS, marketsFor, reservationFor, toMatchJob } from "./placement";

/** Most submits written by one statement. */
export const MAX_BATCH = 64;
/** Offers read per market for a batch; a market cut at this depth may need a job's own read. */
export const BOOK_DEPTH = 12;
/** Batches in flight: one reading the book while the one before it writes. */
const STAGES = 2;

type Waiting = {
  values: JobInsert;
  now: Date;
  resolve: (result: SubmitResult) => void;
  reject: (error: unknown) => void;
};

/** A batch's write as the next batch waits for it: undefined when it failed or wrote nothing. */
type Written = Promise<Pick<BatchWrite, "took" | "xid"> | undefined>;

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
  private lastWrite: Written = Promise.resolve(undefined);

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
      let done: (w: Awaited<Written>) => void = () => undefined;
      this.lastWrite = new Promise((resolve) => {
        done = resolve;
      });
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

  private async runBatch(batch: Waiting[], previous: Written, done: (w: Awaited<Written>) => void) {
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
      const read = await marketBook(db, markets, BOOK_DEPTH);
      const before = await previous;
      const held = new Map<string, number>();
      for (const [offer, gpus] of before?.took ?? []) {
        const seen = read.versions.get(offer);
        if (seen !== undefined && seen !== before?.xid) held.set(offer, gpus);
      }
      const { book, uncertain } = withHeld(bookFrom(read.offers, BOOK_DEPTH), held);
      plans = planBatch(jobs, book, CANDIDATE_LIMITS, uncertain);
      items = itemsFor(batch, plans);
      write = await insertJobsAndReserve(db, items);
      done(write);
    } catch (error) {
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

const batchers = new WeakMap<Db, SubmitBatcher>();

/** The batcher of this database handle (one per process per database). */
export function submitBatcher(db: Db): SubmitBatcher {
  let batcher = batchers.get(db);
  if (!batcher) {
    batcher = new SubmitBatcher(db);
    batchers.set(db, batcher);
  }
  return batcher;
}
