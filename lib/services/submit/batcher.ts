import "server-only";
import type { Db } from "@/db/client";
import type { JobInsert } from "@/db/queries/placement/records";
import { logWarning } from "@/lib/log";
import { submitOne } from "./one-at-a-time";
import { BatchPlanner, type PlannedBatch } from "./plan";
import type { SubmitResult, Waiting } from "./queue";
import { settleBatch } from "./settle";
import { writePlanned } from "./write";

/** Most submits written by one statement. */
export const MAX_BATCH = 64;
/**
 * Batches in flight at once: they plan one at a time and their writes overlap. Two measured best
 * on two cores (services README, "Matching").
 */
export const SUBMIT_STAGES = 2;

/**
 * Coalesces the submits that arrive while batches are in flight into the next batch. There is no
 * timer: a submit arriving when a stage is free starts at once, so a lone submit costs one or two
 * round trips, and a busy server writes many per round trip.
 */
export class SubmitBatcher {
  /** Batches planned and statements written so far (for diagnostics and tests). */
  readonly stats = { planned: 0, written: 0 };
  private queue: Waiting[] = [];
  private inFlight = 0;
  private readonly planner: BatchPlanner;

  constructor(private readonly db: Db) {
    this.planner = new BatchPlanner(db);
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
      void this.run(batch).finally(() => {
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

  /** plan -> write -> settle; a batch that cannot be planned or written goes one at a time. */
  private async run(batch: Waiting[]) {
    let planned: PlannedBatch;
    try {
      planned = await this.planner.plan(batch);
      this.stats.planned++;
    } catch (error) {
      return this.oneAtATime(batch, error);
    }
    // Every job waits for a write in flight: nothing to write until that write lands.
    if (planned.writing.length === 0) return;
    try {
      this.stats.written++;
      const { write, leases } = await writePlanned(this.db, this.planner, planned);
      this.requeue(this.planner.landed(planned, write));
      settleBatch(this.db, planned.writing, write, leases).forEach((result, i) => {
        const w = planned.writing[i] as Waiting;
        result.then(w.resolve, w.reject);
      });
    } catch (error) {
      this.requeue(this.planner.landed(planned, undefined));
      return this.oneAtATime(planned.writing, error);
    }
  }

  /** Submits that waited for a write in flight go first in the queue. */
  private requeue(woken: Waiting[]) {
    if (woken.length > 0) this.queue = [...woken, ...this.queue];
  }

  private async oneAtATime(submits: readonly Waiting[], error: unknown) {
    logWarning(`submit batch of ${submits.length} failed, placing one by one`, error);
    await Promise.all(
      submits.map((w) => submitOne(this.db, w.values, w.now).then(w.resolve, w.reject)),
    );
  }
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
