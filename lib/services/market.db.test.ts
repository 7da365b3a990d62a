import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DbHandle, queryRows } from "@/db/client";
import { eventsOf } from "@/db/queries/events";
import { jobById } from "@/db/queries/jobs";
import { gpuModels, jobs, leases, offers } from "@/db/schema";
import { createTestDb, testDriver } from "@/db/testing";
import { unwrap } from "@/lib/actions/testing";
import { gpuCatalog } from "@/lib/market/gpu-catalog";
import { consumerOfJobId } from "@/lib/web3/job-id";
import { cancelJobAction, submitJobAction } from "./jobs/actions";
import { decryptSecret } from "./jobs/secrets";
import { markFunded } from "./lifecycle/advance";
import { expireQuotes, sweepExpiredQuotes } from "./lifecycle/expiry";
import { createOfferAction, marketStatsAction, searchOffersAction } from "./offers/actions";
import { missedMatchesAction } from "./providers/actions";
import { chainJobId, quoteSignerOf } from "./quotes/signers";
import { jobInput, seedOffer, seedProvider, sessionOf, wallet } from "./testing";

const consumer = sessionOf(wallet(0xc0));

describe(`market flows on ${testDriver()}`, () => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await createTestDb();
  });
  afterAll(async () => {
    await handle?.close();
  });
  const ctx = (session = consumer) => ({ session, db: handle.db });

  it("seeds the GPU catalog exactly as lib/market lists it", async () => {
    const rows = await handle.db.select().from(gpuModels).orderBy(gpuModels.id);
    const expected = [...gpuCatalog]
      .map((g) => ({
        id: g.id,
        name: g.name,
        vendor: g.vendor,
        vramGb: g.vramGb,
        tflops: g.tflops,
      }))
      .sort((a, b) => a.id.localeCompare(b.id));
    expect(rows).toEqual(expected);
  });

  it("places a job on the cheapest offer and returns a quote signed by the provider's signer", async () => {
    const cheap = await seedProvider(handle.db, 1);
    const dear = await seedProvider(handle.db, 2);
    const cheapOffer = await seedOffer(handle.db, cheap.address, {
      askWeiPerGpuHour: "1000000000000000",
    });
    await seedOffer(handle.db, dear.address, { askWeiPerGpuHour: "1500000000000000" });
    const out = unwrap(await submitJobAction.run(jobInput({ gpuCount: 3 }), ctx()));
    expect(out.job.status).toBe("quoted");
    expect(out.placement?.offerId).toBe(cheapOffer.id);
    expect(out.placement?.pricePerGpuHour).toBe(10n ** 15n);
    // ceil(1e15 * 3 / 3600)
    expect(out.placement?.ratePerSecond).toBe(833_333_333_334n);
    expect(out.noMatch).toBeNull();
    const quote = out.quote;
    if (!quote) throw new Error("no quote");
    expect(quote.message.maxSeconds).toBe(36_000n);
    expect(quote.domain.name).toBe("ComputeMarket");
    // The chain id is scoped to the consumer (ComputeMarket refuses it from anyone else).
    expect(quote.message.jobId).toBe(chainJobId(consumer.address.toLowerCase(), out.job.id));
    expect(consumerOfJobId(quote.message.jobId)).toBe(consumer.address);
    expect(await quoteSignerOf(quote.domain, quote.message, quote.signature)).toBe(
      cheap.signer.address,
    );
    const [offer] = await handle.db.select().from(offers).where(eq(offers.id, cheapOffer.id));
    expect(offer?.gpusFree).toBe(5);
    // The secret never reaches the table in clear, and only the redacted form goes back.
    const stored = await jobById(handle.db, out.job.id);
    expect(JSON.stringify(stored?.env)).not.toContain("hf_secret_value");
    const secret = stored?.env.find((v) => v.secret);
    if (!secret?.secret) throw new Error("secret missing");
    expect(decryptSecret(secret.ciphertext, out.job.id)).toBe("hf_secret_value");
    expect(JSON.stringify(out.job.env)).not.toContain("hf_secret_value");
    // Every transition is in the log, and the log cannot be rewritten.
    const types = (await eventsOf(handle.db, out.job.id)).map((e) => e.type);
    expect(types).toEqual(["job.submitted", "job.matched", "job.quoted"]);
    await expect(handle.db.execute(sql`update market_events set type = 'x'`)).rejects.toThrow();
    await expect(handle.db.execute(sql`delete from market_events`)).rejects.toThrow();
    // The dearer offer was feasible and lost on price: its provider can see the miss.
    const missed = unwrap(await missedMatchesAction.run({}, ctx(sessionOf(dear.address))));
    expect(missed.map((m) => m.reason)).toContain("price");
  });

  it("returns the same job for the same idempotency key", async () => {
    const input = jobInput({ gpuCount: 1 });
    const first = unwrap(await submitJobAction.run(input, ctx()));
    const again = unwrap(await submitJobAction.run(input, ctx()));
    expect(again.job.id).toBe(first.job.id);
    expect(again.created).toBe(false);
    expect(again.placement?.leaseId).toBe(first.placement?.leaseId);
    const count = await handle.db.$count(jobs, eq(jobs.idempotencyKey, input.idempotencyKey));
    expect(count).toBe(1);
  });

  it("explains a no-match with counts and the smallest changes, then places it when capacity appears", async () => {
    const out = unwrap(
      await submitJobAction.run(
        jobInput({ gpuModels: ["h100-80gb"], maxPricePerGpuHour: "900000000000000", gpuCount: 1 }),
        ctx(),
      ),
    );
    expect(out.job.status).toBe("pending");
    expect(out.placement).toBeNull();
    expect(out.noMatch?.failures.price).toBe(2);
    expect(out.noMatch?.suggestions[0]?.text).toBe("raise max price to 0.001 ETH/GPU-h");
    expect(out.noMatch?.message).toContain("raise max price to 0.001 ETH/GPU-h");

    // A cheaper offer appears: the pending job is placed on it.
    const p = await seedProvider(handle.db, 3);
    const created = unwrap(
      await createOfferAction.run(
        {
          gpuModel: "h100-80gb",
          gpusTotal: 4,
          askWeiPerGpuHour: "800000000000000",
          region: "eu-west",
        },
        ctx(sessionOf(p.address)),
      ),
    );
    expect(created.placedJobs).toBe(1);
    expect((await jobById(handle.db, out.job.id))?.status).toBe("matched");
  });

  it("re-matches pending jobs by highest max price first, then oldest", async () => {
    const input = (price: string) =>
      jobInput({ gpuModels: ["mi300x-192gb"], gpuCount: 4, maxPricePerGpuHour: price });
    const low = unwrap(await submitJobAction.run(input("1000000000000000"), ctx()));
    const highOld = unwrap(await submitJobAction.run(input("3000000000000000"), ctx()));
    const highNew = unwrap(await submitJobAction.run(input("3000000000000000"), ctx()));
    const p = await seedProvider(handle.db, 4);
    unwrap(
      await createOfferAction.run(
        {
          gpuModel: "mi300x-192gb",
          gpusTotal: 4,
          askWeiPerGpuHour: "500000000000000",
          region: "us-west",
        },
        ctx(sessionOf(p.address)),
      ),
    );
    const status = async (id: string) => (await jobById(handle.db, id))?.status;
    expect(await status(highOld.job.id)).toBe("matched");
    expect(await status(highNew.job.id)).toBe("pending");
    expect(await status(low.job.id)).toBe("pending");
  });

  it("cancels a quoted job and gives its GPUs back", async () => {
    const p = await seedProvider(handle.db, 5);
    const offer = await seedOffer(handle.db, p.address, { gpuModel: "l40s-48gb", gpusTotal: 2 });
    const out = unwrap(await submitJobAction.run(jobInput({ gpuModels: ["l40s-48gb"] }), ctx()));
    expect(out.job.status).toBe("quoted");
    const res = unwrap(await cancelJobAction.run({ jobId: out.job.id }, ctx()));
    expect(res.from).toBe("quoted");
    const [row] = await handle.db.select().from(offers).where(eq(offers.id, offer.id));
    expect(row?.gpusFree).toBe(2);
    const again = await cancelJobAction.run({ jobId: out.job.id }, ctx());
    expect(again.ok).toBe(false);
    if (!again.ok) expect(again.code).toBe("conflict");
  });

  it("expires unfunded quotes, releases capacity and re-queues the job; funded ones stay", async () => {
    const p = await seedProvider(handle.db, 6);
    const offer = await seedOffer(handle.db, p.address, { gpuModel: "t4-16gb", gpusTotal: 4 });
    const a = unwrap(await submitJobAction.run(jobInput({ gpuModels: ["t4-16gb"] }), ctx()));
    const b = unwrap(await submitJobAction.run(jobInput({ gpuModels: ["t4-16gb"] }), ctx()));
    await markFunded(handle.db, b.job.id, "0xfund");
    const later = new Date(Date.now() + 3600_000);
    const { expired } = await expireQuotes(handle.db, later);
    expect(expired).toContain(a.placement?.leaseId);
    expect(expired).not.toContain(b.placement?.leaseId);
    expect((await jobById(handle.db, a.job.id))?.status).toBe("pending");
    expect((await jobById(handle.db, b.job.id))?.status).toBe("funded");
    const [row] = await handle.db.select().from(offers).where(eq(offers.id, offer.id));
    expect(row?.gpusFree).toBe(2);
    const [lease] = await handle.db.select().from(leases).where(eq(leases.jobId, b.job.id));
    expect(lease?.fundTxHash).toBe("0xfund");
  });

  it("the sweep expires stale quotes and hands the GPUs to the best pending job", async () => {
    const p = await seedProvider(handle.db, 7);
    await seedOffer(handle.db, p.address, {
      gpuModel: "a100-40gb",
      gpusTotal: 2,
      region: "sa-east",
    });
    const input = (price: string) =>
      jobInput({ gpuModels: ["a100-40gb"], regions: ["sa-east"], maxPricePerGpuHour: price });
    const holder = unwrap(await submitJobAction.run(input("2000000000000000"), ctx()));
    const waiting = unwrap(await submitJobAction.run(input("3000000000000000"), ctx()));
    expect(holder.job.status).toBe("quoted");
    expect(waiting.job.status).toBe("pending");
    const swept = await sweepExpiredQuotes(handle.db, new Date(Date.now() + 3600_000));
    expect(swept.placed).toBeGreaterThanOrEqual(1);
    expect((await jobById(handle.db, waiting.job.id))?.status).toBe("matched");
    expect((await jobById(handle.db, holder.job.id))?.status).toBe("pending");
  });

  it("searches offers with filters, sorts and pages, and reports market stats", async () => {
    const byPrice = unwrap(
      await searchOffersAction.run({ gpuModels: ["h100-80gb"], sort: "price" }, ctx()),
    );
    const asks = byPrice.items.map((o) => o.askWeiPerGpuHour);
    expect(asks).toEqual([...asks].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
    expect(byPrice.items.every((o) => o.gpuModel === "h100-80gb")).toBe(true);
    const page = unwrap(
      await searchOffersAction.run({ sort: "vram", pageSize: 2, page: 1 }, ctx()),
    );
    expect(page.items).toHaveLength(2);
    expect(page.total).toBeGreaterThan(2);
    expect(page.items[0]?.vramGb).toBe(192);
    const perTflops = unwrap(await searchOffersAction.run({ sort: "price_per_tflops" }, ctx()));
    const v = perTflops.items.map((o) => o.weiPerTflopsHour);
    expect(v).toEqual([...v].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
    const stats = unwrap(await marketStatsAction.run({}, ctx()));
    const h100 = stats.find((s) => s.gpuModel === "h100-80gb");
    expect(h100?.offers).toBe(3);
    expect(h100?.gpusOnline).toBe(20);
    expect(h100?.medianAskWeiPerGpuHour).toBe(10n ** 15n);
    const rows = await queryRows<{ n: number }>(
      handle.db,
      sql`select count(*)::int as n from gpu_models`,
    );
    expect(stats).toHaveLength(rows[0]?.n ?? 0);
  });
});
