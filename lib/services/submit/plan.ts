import "server-only";
import type { Db } from "@/db/client";
import type { BatchWrite } from "@/db/queries/placement/write-batch";
import { type BatchPlan, planBatch } from "@/lib/matching/book";
import { CANDIDATE_LIMITS, marketsFor, toMatchJob } from "../placement/candidates";
import { BookCopy } from "./book-copy";
import type { Waiting } from "./queue";

/** A submit of a batch to write, with the engine's plan for it. */
export type PlannedSubmit = Waiting & {
  plan: BatchPlan;
  /** The markets the job accepts. */
  markets: readonly string[];
};

/**
 * A planned batch: the submits to write now, the GPUs they take per offer while in flight, and
 * the collateral they will lock per provider id.
 */
export type PlannedBatch = {
  writing: PlannedSubmit[];
  holds: Map<string, number>;
  stakeHolds: Map<string, bigint>;
};

/**
 * Plans batches one at a time, in the order they arrive, each on the order book as the batches
 * before it left it: the copy (`book-copy.ts`) less what returned writes took, with the offers
 * that writes still in flight hold set aside (`holds`), as SKIP LOCKED would, and the collateral
 * they will lock taken off their providers' free stake (`stakeHolds`). A job that only a held
 * offer could take waits for the next batch, and so do the later jobs of its markets, which
 * keeps arrival order.
 */
export class BatchPlanner {
  readonly copy: BookCopy;
  /** The plan running now, if any: the next one starts when it ends. */
  private planning: Promise<unknown> = Promise.resolve();
  /** The batches in flight: the GPUs per offer and the collateral per provider each will take. */
  private inFlight = new Set<PlannedBatch>();
  /** Submits waiting for writes in flight, and the markets they wait in. */
  private waiting: Waiting[] = [];
  private waitingMarkets = new Set<string>();

  constructor(db: Db) {
    this.copy = new BookCopy(db);
  }

  /** Plans a batch after the batches before it; the submits that must wait are kept here. */
  plan(batch: readonly Waiting[]): Promise<PlannedBatch> {
    const turn = this.planning.then(() => this.planNow(batch));
    this.planning = turn.catch(() => undefined);
    return turn;
  }

  private async planNow(batch: readonly Waiting[]): Promise<PlannedBatch> {
    const jobs = batch.map((w) => {
      const want = toMatchJob(w.values);
      return { want, markets: marketsFor(want) };
    });
    const markets = [...new Set(jobs.flatMap((j) => j.markets))];
    await this.copy.currentStakes();
    const stale = this.copy.stale(markets);
    if (stale.length > 0) await this.copy.read(stale);
    let plans = this.planOnCopy(jobs, markets);
    // Markets dropped from the copy meanwhile: read them now and plan again, rather than send
    // each of their jobs off on its own.
    const dropped = new Set(
      plans.flatMap((p, i) => (!p.decided && p.stale ? (jobs[i]?.markets ?? []) : [])),
    );
    if (dropped.size > 0) {
      await this.copy.read([...dropped]);
      plans = this.planOnCopy(jobs, markets);
    }
    const writing: PlannedSubmit[] = [];
    const holds = new Map<string, number>();
    const stakeHolds = new Map<string, bigint>();
    plans.forEach((plan, i) => {
      const w = batch[i] as Waiting;
      const jobMarkets = jobs[i]?.markets ?? [];
      if (!plan.decided && plan.wait) {
        this.waiting.push(w);
        for (const m of jobMarkets) this.waitingMarkets.add(m);
        return;
      }
      if (plan.decided && plan.offer) {
        holds.set(plan.offer.id, (holds.get(plan.offer.id) ?? 0) + w.values.gpuCount);
        addTo(stakeHolds, plan.offer.providerId, plan.collateral);
      }
      writing.push({ ...w, plan, markets: jobMarkets });
    });
    const planned = { writing, holds, stakeHolds };
    if (writing.length > 0) this.inFlight.add(planned);
    return planned;
  }

  private planOnCopy(jobs: Parameters<typeof planBatch>[0], markets: readonly string[]) {
    const held = new Map<string, number>();
    const heldStake = new Map<string, bigint>();
    for (const batch of this.inFlight) {
      for (const [id, gpus] of batch.holds) held.set(id, (held.get(id) ?? 0) + gpus);
      for (const [provider, collateral] of batch.stakeHolds) {
        addTo(heldStake, provider, collateral);
      }
    }
    return planBatch(jobs, this.copy.book(markets), CANDIDATE_LIMITS, {
      busy: held,
      busyStake: heldStake,
      waiting: this.waitingMarkets,
    });
  }

  /**
   * A batch's write returned (`write` undefined: it failed): what it took goes into the copy
   * (unless a read already saw it), markets where a planned offer was lost are dropped, and the
   * submits that waited for it are returned, to go first in the queue.
   */
  landed(batch: PlannedBatch, write: BatchWrite | undefined): Waiting[] {
    this.inFlight.delete(batch);
    // The collateral of the jobs the write placed: funding them will lock it.
    const stake = new Map<string, bigint>();
    batch.writing.forEach(({ plan }, i) => {
      if (plan.decided && plan.offer && write?.outcomes[i]?.reserved) {
        addTo(stake, plan.offer.providerId, plan.collateral);
      }
    });
    this.copy.landed(write, stake);
    if (write) {
      for (const market of write.changed) this.copy.drop(market);
      batch.writing.forEach(({ plan }, i) => {
        const outcome = write.outcomes[i];
        if (plan.decided && plan.offer && outcome?.created && !outcome.reserved) {
          this.copy.drop(plan.offer.market);
        }
      });
    }
    const woken = this.waiting;
    this.waiting = [];
    this.waitingMarkets.clear();
    return woken;
  }

  /** The versions the copy of these markets was read at, for the write to check. */
  versionsOf(markets: Iterable<string>) {
    return this.copy.versionsOf(markets);
  }
}

function addTo(map: Map<string, bigint>, key: string, amount: bigint) {
  if (amount > 0n) map.set(key, (map.get(key) ?? 0n) + amount);
}
