import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DbHandle, queryRows } from "@/db/client";
import { jobById } from "@/db/queries/jobs";
import { offers } from "@/db/schema";
import { createTestDb, testDriver } from "@/db/testing";
import { AppError } from "@/lib/errors";
import { cancelJobAction, submitJobAction } from "./jobs/actions";
import { markFunded } from "./lifecycle/advance";
import { cancelJob } from "./lifecycle/cancel";
import { expireQuotes } from "./lifecycle/expiry";
import { changeOfferStatus } from "./offers/offers";
import { placeJob } from "./placement/place-job";
import { rematchMarket } from "./placement/rematch";
import { jobInput, offerBooks, seedOffer, seedProvider, sessionOf, wallet } from "./testing";

const settle = <T>(p: Promise<T>) =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );

describe(`concurrency on ${testDriver()}`, () => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await createTestDb({ poolSize: 40 });
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("32 concurrent submitters never over-allocate, and every job ends quoted or pending", async () => {
    const created = [];
    for (const [n, gpus, ask] of [
      [21, 4, "1000000000000000"],
      [22, 6, "1100000000000000"],
      [23, 5, "1200000000000000"],
    ] as const) {
      const p = await seedProvider(handle.db, n);
      created.push(
        await seedOffer(handle.db, p.address, {
          gpuModel: "a10-24gb",
          gpusTotal: gpus,
          askWeiPerGpuHour: ask,
        }),
      );
    }
    const results = await Promise.all(
      Array.from({ length: 32 }, (_, i) =>
        submitJobAction.run(jobInput({ gpuModels: ["a10-24gb"], gpuCount: 1 + (i % 3) }), {
          session: sessionOf(wallet(0xd000 + i)),
          db: handle.db,
        }),
      ),
    );
    for (const r of results) expect(r.ok).toBe(true);
    const outcomes = results.flatMap((r) => (r.ok ? [r.data] : []));
    expect(new Set(outcomes.map((o) => o.job.status))).toSatisfy((s: Set<string>) =>
      [...s].every((x) => x === "quoted" || x === "pending"),
    );
    const ids = created.map((o) => o.id);
    const perOffer = await offerBooks(handle.db, "a10-24gb");
    expect(perOffer.map((o) => o.id).sort()).toEqual([...ids].sort());
    for (const o of perOffer) {
      expect(o.free).toBeGreaterThanOrEqual(0);
      expect(o.total - o.free).toBe(o.leased);
    }
    // No job holds two leases, and quoted jobs hold exactly one.
    const holders = await queryRows<{ job_id: string; n: number }>(
      handle.db,
      sql`select job_id, count(*)::int as n from leases
          where status in ('reserved', 'quoted') group by job_id`,
    );
    expect(holders.every((h) => h.n === 1)).toBe(true);
    const quoted = outcomes.filter((o) => o.job.status === "quoted");
    expect(holders.length).toBe(quoted.length);
    expect(quoted.reduce((n, o) => n + o.job.gpuCount, 0)).toBe(
      perOffer.reduce((n, o) => n + o.leased, 0),
    );
    // Capacity is not stranded: no pending job fits what is left.
    const maxFree = Math.max(...perOffer.map((o) => o.free));
    for (const o of outcomes.filter((x) => x.job.status === "pending")) {
      expect(o.job.gpuCount).toBeGreaterThan(maxFree);
    }
  });

  it("the database itself refuses to over-allocate", async () => {
    await expect(
      handle.db.update(offers).set({ gpusFree: sql`${offers.gpusFree} - 1000` }),
    ).rejects.toThrow();
  });

  it("cancel racing a match: the job ends cancelled with no GPUs held, whoever goes first", async () => {
    const p = await seedProvider(handle.db, 24);
    const offer = await seedOffer(handle.db, p.address, {
      gpuModel: "rtx3090-24gb",
      gpusTotal: 16,
    });
    await changeOfferStatus(handle.db, p.address, offer.id, "pause");
    const consumer = wallet(0xe0);
    const jobs = [];
    for (let i = 0; i < 8; i++) {
      const r = await submitJobAction.run(jobInput({ gpuModels: ["rtx3090-24gb"], gpuCount: 2 }), {
        session: sessionOf(consumer),
        db: handle.db,
      });
      if (!r.ok) throw new Error(r.message);
      expect(r.data.job.status).toBe("pending");
      jobs.push(r.data.job.id);
    }
    await changeOfferStatus(handle.db, p.address, offer.id, "resume");
    const [matched, ...cancels] = await Promise.all([
      settle(rematchMarket(handle.db, "rtx3090-24gb/us-east")),
      ...jobs.map((id) => settle(cancelJob(handle.db, consumer, id))),
    ]);
    expect(matched?.ok).toBe(true);
    expect(cancels.every((c) => c.ok)).toBe(true);
    for (const id of jobs) expect((await jobById(handle.db, id))?.status).toBe("cancelled");
    const [row] = await handle.db.select().from(offers).where(eq(offers.id, offer.id));
    expect(row?.gpusFree).toBe(16);
  });

  it("a placement for a job that stopped being pending writes nothing and says so", async () => {
    const p = await seedProvider(handle.db, 27);
    const offer = await seedOffer(handle.db, p.address, { gpuModel: "h200-141gb", gpusTotal: 4 });
    await changeOfferStatus(handle.db, p.address, offer.id, "pause");
    const consumer = wallet(0xe4);
    const r = await submitJobAction.run(jobInput({ gpuModels: ["h200-141gb"] }), {
      session: sessionOf(consumer),
      db: handle.db,
    });
    if (!r.ok) throw new Error(r.message);
    const job = await jobById(handle.db, r.data.job.id);
    if (!job) throw new Error("job missing");
    await cancelJob(handle.db, consumer, job.id);
    await changeOfferStatus(handle.db, p.address, offer.id, "resume");
    expect(await placeJob(handle.db, job, null)).toEqual({ placed: false, stillPending: false });
    const [row] = await handle.db.select().from(offers).where(eq(offers.id, offer.id));
    expect(row?.gpusFree).toBe(4);
    const leased = await queryRows<{ n: number }>(
      handle.db,
      sql`select count(*)::int as n from leases where job_id = ${job.id}`,
    );
    expect(leased[0]?.n).toBe(0);
  });

  it("parallel cancels of one job: exactly one wins", async () => {
    const consumer = sessionOf(wallet(0xe1));
    const r = await submitJobAction.run(jobInput({ gpuModels: ["a100-40gb"] }), {
      session: consumer,
      db: handle.db,
    });
    if (!r.ok) throw new Error(r.message);
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        cancelJobAction.run({ jobId: r.data.job.id }, { session: consumer, db: handle.db }),
      ),
    );
    expect(results.filter((x) => x.ok)).toHaveLength(1);
    expect(results.filter((x) => !x.ok && x.code === "conflict")).toHaveLength(7);
  });

  it("expiry racing funding: exactly one wins for each quote", async () => {
    const p = await seedProvider(handle.db, 25);
    const offer = await seedOffer(handle.db, p.address, {
      gpuModel: "rtx4090-24gb",
      gpusTotal: 12,
    });
    const quoted = [];
    for (let i = 0; i < 6; i++) {
      const r = await submitJobAction.run(jobInput({ gpuModels: ["rtx4090-24gb"], gpuCount: 2 }), {
        session: sessionOf(wallet(0xe2)),
        db: handle.db,
      });
      if (!r.ok || r.data.job.status !== "quoted") throw new Error("expected a quote");
      quoted.push({ jobId: r.data.job.id, leaseId: r.data.placement?.leaseId });
    }
    const later = new Date(Date.now() + 3600_000);
    const [sweep, ...funds] = await Promise.all([
      settle(expireQuotes(handle.db, later)),
      ...quoted.map((q) => settle(markFunded(handle.db, q.jobId, `0xfund${q.jobId.slice(0, 4)}`))),
    ]);
    if (!sweep?.ok) throw sweep?.error;
    let held = 0;
    quoted.forEach((q, i) => {
      const funded = funds[i]?.ok === true;
      const expired = sweep.value.expired.includes(q.leaseId ?? "");
      expect(funded !== expired).toBe(true);
      const f = funds[i];
      if (f && !f.ok) expect(f.error).toBeInstanceOf(AppError);
      if (funded) held += 2;
    });
    for (let i = 0; i < quoted.length; i++) {
      const status = (await jobById(handle.db, quoted[i]?.jobId ?? ""))?.status;
      expect(status).toBe(funds[i]?.ok ? "funded" : "pending");
    }
    const [row] = await handle.db.select().from(offers).where(eq(offers.id, offer.id));
    expect(row?.gpusFree).toBe(12 - held);
  });

  it("parallel funding of one quote: exactly one wins", async () => {
    const p = await seedProvider(handle.db, 26);
    await seedOffer(handle.db, p.address, { gpuModel: "a100-80gb", gpusTotal: 1 });
    const r = await submitJobAction.run(jobInput({ gpuModels: ["a100-80gb"], gpuCount: 1 }), {
      session: sessionOf(wallet(0xe3)),
      db: handle.db,
    });
    if (!r.ok) throw new Error(r.message);
    expect(r.data.job.status).toBe("quoted");
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => settle(markFunded(handle.db, r.data.job.id, `0x${i}`))),
    );
    expect(results.filter((x) => x.ok)).toHaveLength(1);
  });
});
