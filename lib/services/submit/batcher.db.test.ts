import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type DbHandle, queryRows } from "@/db/client";
import { createTestDb, testDriver } from "@/db/testing";
import { submitJobInput } from "@/lib/market/schemas";
import { cancelJob } from "../lifecycle/cancel";
import { jobInput, offerBooks, parseJob, seedOffer, seedProvider, wallet } from "../testing";
import { SUBMIT_STAGES, submitBatcher } from "./batcher";
import { submitJob } from "./submit-job";

/**
 * Submits that arrive together are placed as one batch: one read of the order book, one
 * statement. These check that a batch places jobs exactly as one-by-one submits would, and that
 * one bad submit or a repeated key cannot spoil the others.
 */
describe(`submit batches on ${testDriver()}`, () => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await createTestDb({ poolSize: 20 });
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("places simultaneous submits in arrival order, each on the cheapest offer left", async () => {
    const p = await seedProvider(handle.db, 61);
    const cheap = await seedOffer(handle.db, p.address, {
      gpuModel: "l40s-48gb",
      gpusTotal: 4,
      askWeiPerGpuHour: "100000000000000",
    });
    const dear = await seedOffer(handle.db, p.address, {
      gpuModel: "l40s-48gb",
      gpusTotal: 4,
      askWeiPerGpuHour: "200000000000000",
    });
    const counts = [3, 2, 2, 1, 1];
    const warn = vi.spyOn(console, "warn");
    const results = await Promise.all(
      counts.map((gpuCount, i) =>
        submitJob(handle.db, wallet(0xb100 + i), parseJob({ gpuModels: ["l40s-48gb"], gpuCount })),
      ),
    );
    // Placed by batches, not by the one-by-one fallback.
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
    // 3 -> cheap (1 left), 2 -> dear (2 left), 2 -> dear (0 left), 1 -> cheap, 1 -> nothing.
    expect(results.map((r) => r.lease?.offerId ?? null)).toEqual([
      cheap.id,
      dear.id,
      dear.id,
      cheap.id,
      null,
    ]);
    expect(results.map((r) => r.job.status)).toEqual([
      "matched",
      "matched",
      "matched",
      "matched",
      "pending",
    ]);
    const free = await queryRows<{ id: string; gpus_free: number }>(
      handle.db,
      sql`select id, gpus_free from offers where gpu_model = 'l40s-48gb' order by ask_wei_per_gpu_hour`,
    );
    expect(free.map((o) => o.gpus_free)).toEqual([0, 0]);
    // Each placed job has its lease, its alternatives and its three events; the queued one only
    // its submission.
    const events = await queryRows<{ type: string; n: number }>(
      handle.db,
      sql`select type, count(*)::int as n from market_events
          where aggregate_id = any(${`{${results.map((r) => r.job.id).join(",")}}`}::uuid[])
             or aggregate_id = any(${`{${results.flatMap((r) => (r.lease ? [r.lease.id] : [])).join(",")}}`}::uuid[])
          group by type order by type`,
    );
    expect(events).toEqual([
      { type: "job.matched", n: 4 },
      { type: "job.submitted", n: 5 },
      { type: "lease.reserved", n: 4 },
    ]);
    const [alts] = await queryRows<{ n: number }>(
      handle.db,
      sql`select count(*)::int as n from lease_alternatives a join leases l on l.id = a.lease_id
          where l.offer_id = ${dear.id}::uuid and a.offer_id = ${cheap.id}::uuid and a.reason = 'capacity'`,
    );
    // The two jobs sent to the dearer offer lost the cheap one on capacity, not on price.
    expect(alts?.n).toBe(2);
  });

  it("returns one job for a key repeated within the same batch", async () => {
    const p = await seedProvider(handle.db, 62);
    await seedOffer(handle.db, p.address, { gpuModel: "t4-16gb", gpusTotal: 8 });
    const consumer = wallet(0xb200);
    const input = parseJob({ gpuModels: ["t4-16gb"], gpuCount: 2, idempotencyKey: "same-key" });
    const [a, b, c] = await Promise.all([
      submitJob(handle.db, consumer, input),
      submitJob(handle.db, consumer, input),
      submitJob(handle.db, consumer, input),
    ]);
    expect(new Set([a?.job.id, b?.job.id, c?.job.id]).size).toBe(1);
    expect([a, b, c].filter((r) => r?.created)).toHaveLength(1);
    const [row] = await queryRows<{ jobs: number; held: number }>(
      handle.db,
      sql`select (select count(*)::int from jobs where consumer = ${consumer}) as jobs,
                 (select gpus_total - gpus_free from offers where gpu_model = 't4-16gb') as held`,
    );
    expect(row).toEqual({ jobs: 1, held: 2 });
  });

  it("a submit the database refuses fails alone; the rest of its batch is placed", async () => {
    const p = await seedProvider(handle.db, 63);
    await seedOffer(handle.db, p.address, { gpuModel: "a100-40gb", gpusTotal: 8 });
    // The service trusts its callers to have validated; bypass the schema to get a row the
    // database itself refuses (max hours must be positive).
    const bad = { ...parseJob({ gpuModels: ["a100-40gb"], gpuCount: 1 }), maxHours: -1 };
    // Submits ahead fill every stage, so the next three wait and go as one batch.
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const ahead = Array.from({ length: SUBMIT_STAGES }, (_, i) =>
      submitJob(handle.db, wallet(0xb310 + i), parseJob({ gpuModels: ["a10-24gb"] })),
    );
    const results = await Promise.allSettled([
      submitJob(handle.db, wallet(0xb300), parseJob({ gpuModels: ["a100-40gb"], gpuCount: 1 })),
      submitJob(handle.db, wallet(0xb301), bad),
      submitJob(handle.db, wallet(0xb302), parseJob({ gpuModels: ["a100-40gb"], gpuCount: 2 })),
    ]);
    await Promise.all(ahead);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^submit batch of 3 failed/));
    warn.mockRestore();
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    const [row] = await queryRows<{ jobs: number; held: number }>(
      handle.db,
      sql`select (select count(*)::int from jobs
                  where consumer in (${wallet(0xb300)}, ${wallet(0xb301)}, ${wallet(0xb302)})) as jobs,
                 (select gpus_total - gpus_free from offers where gpu_model = 'a100-40gb') as held`,
    );
    expect(row).toEqual({ jobs: 2, held: 3 });
  });

  it("a submit right after an offer is listed, or GPUs are freed, sees them at once", async () => {
    const p = await seedProvider(handle.db, 64);
    const model = { gpuModels: ["mi300x-192gb"], gpuCount: 2 };
    const first = await seedOffer(handle.db, p.address, {
      gpuModel: "mi300x-192gb",
      gpusTotal: 8,
      askWeiPerGpuHour: "500000000000000",
    });
    const a = await submitJob(handle.db, wallet(0xb500), parseJob(model));
    expect(a.lease?.offerId).toBe(first.id);
    // The batcher now holds a copy of this market's book: `first` with 6 GPUs free.
    const cheaper = await seedOffer(handle.db, p.address, {
      gpuModel: "mi300x-192gb",
      gpusTotal: 2,
      askWeiPerGpuHour: "400000000000000",
    });
    const b = await submitJob(handle.db, wallet(0xb501), parseJob(model));
    expect(b.lease?.offerId).toBe(cheaper.id);
    // The cheaper offer is full; cancelling b frees it for the very next submit.
    await cancelJob(handle.db, wallet(0xb501), b.job.id);
    const c = await submitJob(handle.db, wallet(0xb502), parseJob(model));
    expect(c.lease?.offerId).toBe(cheaper.id);
  });

  it("a job nothing fits on the copy is placed if another server listed capacity meanwhile", async () => {
    const p = await seedProvider(handle.db, 65);
    const model = { gpuModels: ["a10-24gb"], regions: ["eu-west"], gpuCount: 4 };
    await seedOffer(handle.db, p.address, {
      gpuModel: "a10-24gb",
      region: "eu-west",
      gpusTotal: 4,
    });
    const a = await submitJob(handle.db, wallet(0xb600), parseJob(model));
    expect(a.job.status).toBe("matched");
    // The batcher's copy of this market now says: nothing free. Another server lists an offer
    // there (its write is not seen by this process's change counter, only by the market version).
    const [listed] = await queryRows<{ id: string }>(
      handle.db,
      sql`insert into offers (market, provider_id, gpu_model, region, gpus_total, gpus_free,
                              ask_wei_per_gpu_hour, min_hours, max_hours)
          values ('a10-24gb/eu-west', ${p.provider.id}, 'a10-24gb', 'eu-west', 4, 4,
                  1000000000000000, 1, 720)
          returning id::text`,
    );
    const b = await submitJob(handle.db, wallet(0xb601), parseJob(model));
    expect(b.job.status).toBe("matched");
    expect(b.lease?.offerId).toBe(listed?.id);
  });

  it("a job waiting for a write in flight is planned again once, when that write lands", async () => {
    const p = await seedProvider(handle.db, 66);
    const offer = await seedOffer(handle.db, p.address, {
      gpuModel: "rtx3090-24gb",
      region: "ap-northeast",
      gpusTotal: 4,
    });
    const want = { gpuModels: ["rtx3090-24gb"], regions: ["ap-northeast"] };
    const stats = submitBatcher(handle.db).stats;
    const before = { ...stats };
    // The first takes the only offer; the second, planned while that write is in flight, could
    // only go there (if the first write failed), so it waits for it.
    const [a, b] = await Promise.all([
      submitJob(handle.db, wallet(0xb700), parseJob({ ...want, gpuCount: 4 })),
      submitJob(handle.db, wallet(0xb701), parseJob({ ...want, gpuCount: 2 })),
    ]);
    expect(a.lease?.offerId).toBe(offer.id);
    expect(b.job.status).toBe("pending");
    // Planned: the first, the second (it waits: nothing to write), the second again.
    expect(stats.planned - before.planned).toBe(3);
    expect(stats.written - before.written).toBe(2);
  });

  it("many waves of simultaneous submits keep every offer's books balanced", async () => {
    const offersSeeded = [];
    for (let n = 0; n < 4; n++) {
      const p = await seedProvider(handle.db, 70 + n);
      offersSeeded.push(
        await seedOffer(handle.db, p.address, {
          gpuModel: "rtx4090-24gb",
          gpusTotal: 6 + n,
          askWeiPerGpuHour: String(100_000_000_000_000 + n * 1_000),
        }),
      );
    }
    let placed = 0;
    for (let wave = 0; wave < 6; wave++) {
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          submitJob(
            handle.db,
            wallet(0xb400 + wave * 16 + i),
            submitJobInput.parse(jobInput({ gpuModels: ["rtx4090-24gb"], gpuCount: 1 + (i % 2) })),
          ),
        ),
      );
      placed += results.reduce((sum, r) => sum + (r.lease?.gpuCount ?? 0), 0);
    }
    const rows = await offerBooks(handle.db, "rtx4090-24gb");
    const capacity = offersSeeded.reduce((sum, o) => sum + o.gpusTotal, 0);
    for (const o of rows) expect(o.total - o.free).toBe(o.leased);
    // Demand (108 GPUs) exceeds supply (30): every GPU ends up placed, none twice.
    expect(placed).toBe(capacity);
    expect(rows.reduce((sum, o) => sum + o.free, 0)).toBe(0);
  });
});
