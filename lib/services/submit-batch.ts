import "server-only";
import type { Db } from "@/db/client";
import type { JobInsert } from "@/db/queries/placement";
import { type BatchWrite, insertJobsAndReserve } from "@/db/queries/placement-batch";
import { type BatchJob, type BatchPlan, planBatch } from "@/lib/matching/book";
import { BookCopy } from "./book-copy";
import { existingJob, newJob, retryPlacement, type SubmitResult, submitOne } from "./jobs";
import { CANDIDATE_LIMITS, marketsFor, reservationFor, toMatchJob } from "./placement";

/** Most submits written by one statement. */
export const MAX_BATCH = 64;
/**
 * Batches in flight at once. They plan one at a time, in arrival order, and their writes overlap:
 * a batch planned while another writes leaves the offers that one holds alone, as `SKIP LOCKED`
 * would. Two measured best on two cores (more stages made batches smaller and each submit dearer).
 */
export const SUBMIT_STAGES = 2;
type Waiting = {
  values: JobInsert;
  now: Date;
  resolve: (result: SubmitResult) => void;
  reject: (error: unknown) => void;
};

/** A submit of the batch being written, with the engine's plan and the markets it accepts. */
type Planned = { w: Waiting; plan: BatchPlan; markets: readonly string[] };

/** A batch's write while it is in flight: the GPUs it plans to take, per offer id. */
type Flight = { planned: Map<string, number> };

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
  /** The order book as the batches last knew it (`book-copy.ts`). */
  private readonly copy: BookCopy;

  constructor(private readonly db: Db) {
    this.copy = new BookCopy(db);
  }

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

  /** GPUs per offer that the writes in flight plan to take. */
  private busy(): Map<string, number> {
    const busy = new Map<string, number>();
    for (const flight of this.flights) {
      for (const [id, gpus] of flight.planned) busy.set(id, (busy.get(id) ?? 0) + gpus);
    }
    return busy;
  }

  private plan(jobs: readonly BatchJob[], markets: readonly string[]) {
    return planBatch(jobs, this.copy.book(markets), CANDIDATE_LIMITS, {
      busy: this.busy(),
      waiting: this.waitingMarkets,
    });
  }

  /**
   * A write returned (undefined: it failed): its takes go into the copy (unless a read already
   * saw them), markets where a planned offer was lost are dropped, and the submits waiting for
   * writes in flight go back to the head of the queue.
   */
  private landed(flight: Flight, write: BatchWrite | undefined, planned: readonly Planned[]) {
    this.flights.delete(flight);
    this.copy.landed(write);
    if (write) {
      for (const market of write.changed) this.copy.drop(market);
      planned.forEach(({ plan }, i) => {
        const outcome = write.outcomes[i];
        if (plan.decided && plan.offer && outcome?.created && !outcome.reserved) {
          this.copy.drop(plan.offer.market);
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
    /** Set once the batch is planned: the submits it writes (the others wait). */
    let planned: Planned[] | undefined;
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
        const stale = this.copy.stale(markets);
        if (stale.length > 0) await this.copy.read(stale);
        let all = this.plan(jobs, markets);
        // Jobs on markets dropped from the copy meanwhile: read those now and plan the batch
        // again, rather than send each off on its own.
        const recheck = [
          ...new Set(
            all.flatMap((p, i) => (!p.decided && p.stale ? (jobs[i]?.markets ?? []) : [])),
          ),
        ];
        if (recheck.length > 0) {
          await this.copy.read(recheck);
          all = this.plan(jobs, markets);
        }
        this.stats.planned++;
        // Jobs that wait for writes in flight leave the batch; the rest hold their offers.
        const writing: Planned[] = [];
        all.forEach((plan, i) => {
          const w = batch[i] as Waiting;
          const markets = jobs[i]?.markets ?? [];
          if (!plan.decided && plan.wait) {
            this.waiting.push(w);
            for (const m of markets) this.waitingMarkets.add(m);
            return;
          }
          writing.push({ w, plan, markets });
          if (plan.decided && plan.offer) {
            const id = plan.offer.id;
            flight.planned.set(id, (flight.planned.get(id) ?? 0) + w.values.gpuCount);
          }
        });
        this.flights.add(flight);
        planned = writing;
      } finally {
        endTurn();
      }
      if (planned.length === 0) {
        // Every job waits for a write in flight: nothing to write, and nothing to wake them for
        // until that write lands.
        this.flights.delete(flight);
        return;
      }
      items = itemsFor(planned);
      this.stats.written++;
      write = await insertJobsAndReserve(
        db,
        items,
        this.copy.versionsOf(items.flatMap((item) => item.verify ?? [])),
      );
      this.landed(flight, write, planned);
    } catch (error) {
      this.landed(flight, undefined, []);
      // Whatever failed (a bad row, a lost connection), each submit goes on alone and fails alone.
      // Planned: the submits that were to be written (the waiting ones go on waiting); else all.
      const rest = planned ? planned.map((p) => p.w) : batch;
      console.warn(`submit batch of ${rest.length} failed, placing one by one: ${String(error)}`);
      await Promise.all(rest.map((w) => submitOne(db, w.values, w.now).then(w.resolve, w.reject)));
      return;
    }
    planned.forEach(({ w, plan }, i) => {
      const outcome = write.outcomes[i];
      const lease = items[i]?.lease;
      settle(w, async () => {
        if (!outcome?.created) return existingJob(db, w.values.consumer, w.values.idempotencyKey);
        if (outcome.reserved) return newJob(w.values, lease, w.now);
        // Nothing fits now: the job waits in the queue for capacity, unless a market it accepts
        // gained capacity since the book was read (then it is placed again, now).
        if (plan.decided && !plan.offer && !outcome.recheck) {
          return newJob(w.values, undefined, w.now);
        }
        // Its offer was taken by another match first, or the book could not decide.
        const busy = new Set<string>(plan.decided && plan.offer ? [plan.offer.id] : []);
        return retryPlacement(db, w.values, w.now, busy);
      });
    });
  }
}

/**
 * The write's input: each job with its reservation, or, for one that nothing fits, the markets
 * it accepts, which the write checks did not gain capacity since they were read.
 */
function itemsFor(planned: readonly Planned[]) {
  return planned.map(({ w, plan, markets }) => {
    if (!plan.decided || !plan.offer) {
      const verify = plan.decided ? markets : undefined;
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
