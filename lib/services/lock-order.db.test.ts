import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DbHandle, queryRows } from "@/db/client";
import { jobById } from "@/db/queries/jobs";
import { reservePending } from "@/db/queries/placement/reserve-pending";
import { writeBatch } from "@/db/queries/placement/write-batch";
import { conflictStats } from "@/db/retry";
import { createTestDb, testDriver } from "@/db/testing";
import { AppError } from "@/lib/errors";
import { submitJobAction } from "./jobs/actions";
import { markFunded } from "./lifecycle/advance";
import { cancelJob } from "./lifecycle/cancel";
import { expireQuotes } from "./lifecycle/expiry";
import { changeOfferStatus } from "./offers/offers";
import { candidatesFor, marketsFor, toMatchJob } from "./placement/candidates";
import { placeJob } from "./placement/place-job";
import { rematchMarket } from "./placement/rematch";
import { reservationFor } from "./placement/reservation";
import { quoteLease } from "./quotes/sign-lease";
import { localSignerResolver } from "./quotes/signers";
import { jobValues } from "./submit/submit-job";
import {
  jobInput,
  offerBooks,
  parseJob,
  seedOffer,
  seedProvider,
  sessionOf,
  wallet,
} from "./testing";

/**
 * The paths that lock jobs, leases and offers, run against each other on the same rows many
 * times: every one takes the job first, then its lease, then the offer (services README, "Lock
 * order"), so none may deadlock. A deadlock would surface as an error here (the direct calls are
 * not retried) or be counted by the retrying services (`conflictStats`); Postgres's own count of
 * deadlocks in the database must not move either.
 */
const ROUNDS = testDriver() === "postgres" ? 40 : 4;
const JOBS_PER_ROUND = 8;

const settle = <T>(p: Promise<T>) =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );

describe(`lock order on ${testDriver()}`, () => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await createTestDb({ poolSize: 40 });
  });
  afterAll(async () => {
    await handle?.close();
  });

  async function serverDeadlocks(): Promise<number> {
    if (testDriver() !== "postgres") return 0;
    const [row] = await queryRows<{ n: string }>(
      handle.db,
      sql`select deadlocks::text as n from pg_stat_database where datname = current_database()`,
    );
    return Number(row?.n ?? 0);
  }

  /** A paused offer with jobs queued for it (pending), then resumed without re-matching. */
  async function pendingRound(model: string, n: number, consumer: string) {
    const p = await seedProvider(handle.db, n);
    const offer = await seedOffer(handle.db, p.address, { gpuModel: model, gpusTotal: 8 });
    // Every offer of the model paused: the jobs queue as pending.
    await handle.db.execute(sql`update offers set status = 'paused' where gpu_model = ${model}`);
    const jobs = [];
    for (let i = 0; i < JOBS_PER_ROUND; i++) {
      const r = await submitJobAction.run(jobInput({ gpuModels: [model], gpuCount: 1 + (i % 2) }), {
        session: sessionOf(consumer),
        db: handle.db,
      });
      if (!r.ok) throw new Error(r.message);
      const job = await jobById(handle.db, r.data.job.id);
      if (job?.status !== "pending") throw new Error("expected a pending job");
      jobs.push(job);
    }
    await handle.db.execute(sql`update offers set status = 'active' where id = ${offer.id}`);
    return { offer, jobs, provider: p };
  }

  function expectConsistent(books: { free: number; total: number; leased: number }[]) {
    for (const o of books) {
      expect(o.free).toBeGreaterThanOrEqual(0);
      expect(o.total - o.free).toBe(o.leased);
    }
  }

  it("submit placement against re-matching: no deadlock, every job placed once", async () => {
    const before = { stats: conflictStats(), server: await serverDeadlocks() };
    for (let round = 0; round < ROUNDS; round++) {
      const { jobs } = await pendingRound("l40s-48gb", 100 + round, wallet(0xf100 + round));
      // The submit path's own placement (a job its batch could not place), statement by
      // statement outside any transaction, against two re-matchers that claim the same jobs.
      const results = await Promise.all([
        settle(rematchMarket(handle.db, "l40s-48gb/us-east")),
        ...jobs.map((job) => settle(placeJob(handle.db, job, job.consumer))),
        settle(rematchMarket(handle.db, "l40s-48gb/us-east")),
      ]);
      for (const r of results) if (!r.ok) throw r.error;
      const holders = await queryRows<{ job_id: string; n: number }>(
        handle.db,
        sql`select job_id, count(*)::int as n from leases
            where status = 'reserved' and job_id = any(${`{${jobs.map((j) => j.id).join(",")}}`}::uuid[])
            group by job_id`,
      );
      expect(holders.every((h) => h.n === 1)).toBe(true);
    }
    expectConsistent(await offerBooks(handle.db, "l40s-48gb"));
    const after = conflictStats();
    expect(after.deadlocks - before.stats.deadlocks).toBe(0);
    expect(await serverDeadlocks()).toBe(before.server);
  });

  it("cancel and expiry against placement: no deadlock, GPUs and leases agree", async () => {
    const before = { stats: conflictStats(), server: await serverDeadlocks() };
    for (let round = 0; round < ROUNDS; round++) {
      const consumer = wallet(0xf200 + round);
      const { jobs } = await pendingRound("a100-40gb", 200 + round, consumer);
      // Half the jobs are placed and quoted first, so expiry has leases to end while the
      // other half are being placed and everything is being cancelled.
      const early = jobs.slice(0, JOBS_PER_ROUND / 2);
      for (const job of early) await placeJob(handle.db, job, job.consumer);
      const later = new Date(Date.now() + 3600_000);
      const results = await Promise.all([
        settle(expireQuotes(handle.db, later)),
        settle(rematchMarket(handle.db, "a100-40gb/us-east")),
        ...jobs.map((job) => settle(placeJob(handle.db, job, job.consumer))),
        ...jobs.map((job) => settle(cancelJob(handle.db, consumer, job.id))),
      ]);
      for (const r of results) {
        // A cancel that finds its job already cancelled is a refusal, not a failure.
        if (!r.ok && !(r.error instanceof AppError && r.error.code === "conflict")) throw r.error;
      }
      for (const job of jobs) {
        const status = (await jobById(handle.db, job.id))?.status;
        expect(["cancelled", "pending", "matched"]).toContain(status);
      }
    }
    expectConsistent(await offerBooks(handle.db, "a100-40gb"));
    expect(conflictStats().deadlocks - before.stats.deadlocks).toBe(0);
    expect(await serverDeadlocks()).toBe(before.server);
  });

  it("funding against expiry and cancel of the same quotes: no deadlock, one move wins per job", async () => {
    const before = { stats: conflictStats(), server: await serverDeadlocks() };
    for (let round = 0; round < ROUNDS / 4; round++) {
      const consumer = wallet(0xf300 + round);
      const { jobs } = await pendingRound("rtx4090-24gb", 300 + round, consumer);
      for (const job of jobs) {
        // The offer's 8 GPUs take the first jobs; the rest stay pending.
        const placed = await placeJob(handle.db, job, job.consumer);
        if (placed.placed && !(await quoteLease(handle.db, placed.lease.id, localSignerResolver))) {
          throw new Error("expected a quote");
        }
      }
      const later = new Date(Date.now() + 3600_000);
      const [funds, cancels, expiry] = await Promise.all([
        Promise.all(jobs.map((job) => settle(markFunded(handle.db, job.id, `0xf${round}`)))),
        Promise.all(jobs.map((job) => settle(cancelJob(handle.db, consumer, job.id)))),
        settle(expireQuotes(handle.db, later)),
      ]);
      for (const r of [...funds, ...cancels, expiry]) {
        if (!r.ok && !(r.error instanceof AppError && r.error.code === "conflict")) throw r.error;
      }
      expect(funds.some((f) => f.ok)).toBe(true);
      for (const [i, job] of jobs.entries()) {
        const status = (await jobById(handle.db, job.id))?.status;
        // Funding and cancelling exclude each other; an expiry that won sends the job back to pending.
        expect(Boolean(funds[i]?.ok && cancels[i]?.ok)).toBe(false);
        expect(status).toBe(funds[i]?.ok ? "funded" : cancels[i]?.ok ? "cancelled" : "pending");
      }
    }
    expectConsistent(await offerBooks(handle.db, "rtx4090-24gb"));
    expect(conflictStats().deadlocks - before.stats.deadlocks).toBe(0);
    expect(await serverDeadlocks()).toBe(before.server);
  });

  it("a reservation re-checks in its own statement that the provider is online", async () => {
    const { jobs, provider } = await pendingRound("h200-141gb", 400, wallet(0xf400));
    const [job, other] = jobs;
    if (!job || !other) throw new Error("no jobs");
    // The plan is made while the provider is online...
    const want = toMatchJob(job);
    const candidates = await candidatesFor(handle.db, want, marketsFor(want));
    const best = candidates.find((c) => c.providerId === provider.provider.id);
    if (!best) throw new Error("the provider's offer is not a candidate");
    // ...and the provider goes offline before the write.
    await handle.db.execute(
      sql`update providers set status = 'offline' where id = ${provider.provider.id}`,
    );
    const { reservation } = reservationFor(job, best, candidates, new Set(), null, new Date());
    expect(await reservePending(handle.db, reservation, true)).toBe("offer_unavailable");
    const batch = await writeBatch(handle.db, [
      {
        job: { ...jobValues(other.consumer, parseJob({ gpuModels: ["h200-141gb"] })) },
        reservation: reservationFor(
          { ...job, id: randomUUID() },
          best,
          candidates,
          new Set(),
          null,
          new Date(),
        ).reservation,
      },
    ]);
    expect(batch.outcomes[0]).toMatchObject({ created: true, reserved: false });
    expect((await jobById(handle.db, job.id))?.status).toBe("pending");
    const books = await offerBooks(handle.db, "h200-141gb");
    expect(books.every((o) => o.leased === 0 && o.free === o.total)).toBe(true);
  });

  it("an offer carries its provider's status: listed while offline, then online and offline again", async () => {
    const p = await seedProvider(handle.db, 600);
    const online = async (status: "online" | "offline") =>
      handle.db.execute(sql`update providers set status = ${status} where id = ${p.provider.id}`);
    const flags = async () =>
      (
        await queryRows<{ provider_online: boolean }>(
          handle.db,
          sql`select provider_online from offers where provider_id = ${p.provider.id}`,
        )
      ).map((r) => r.provider_online);
    await online("offline");
    // An insert that claims otherwise still takes the provider's status.
    await handle.db.execute(
      sql`insert into offers (market, provider_id, gpu_model, region, gpus_total, gpus_free,
                              ask_wei_per_gpu_hour, max_hours, provider_online)
          values ('l40s-48gb/us-east', ${p.provider.id}, 'l40s-48gb', 'us-east', 2, 2, 1000, 4, true)`,
    );
    expect(await flags()).toEqual([false]);
    await online("online");
    expect(await flags()).toEqual([true]);
    await online("offline");
    expect(await flags()).toEqual([false]);
  });

  it("two resumes of one offer: the loser is told the offer is already active", async () => {
    const p = await seedProvider(handle.db, 500);
    const offer = await seedOffer(handle.db, p.address, { gpuModel: "a10-24gb", gpusTotal: 2 });
    await changeOfferStatus(handle.db, p.address, offer.id, "pause");
    const results = await Promise.all([
      settle(changeOfferStatus(handle.db, p.address, offer.id, "resume")),
      settle(changeOfferStatus(handle.db, p.address, offer.id, "resume")),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const lost = results.find((r) => !r.ok);
    expect(lost?.ok).toBe(false);
    if (lost && !lost.ok) {
      expect(lost.error).toBeInstanceOf(AppError);
      expect((lost.error as AppError).message).toBe("This offer is already active.");
    }
  });
});
