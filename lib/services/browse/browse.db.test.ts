import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { createTestDb, testDriver } from "@/db/testing";
import { seedOffer, seedProvider, sessionOf, wallet } from "../testing";
import { loadFilters } from "./filters";
import { browseMarket } from "./market";
import { QUOTE_RATE_LIMIT, quoteActionFor } from "./quote";

const ETH = 10n ** 18n;
/** One requester for the quotes that test what a quote says (the limit is tested on its own). */
const anyone = quoteActionFor(async () => "test:anyone");
const MILLI = 10n ** 15n;

/** The offer browser and the live quote on a real database, through the real services. */
describe(`market browsing on ${testDriver()}`, () => {
  let handle: DbHandle;
  let cheapProvider: string;
  beforeAll(async () => {
    handle = await createTestDb();
    const a = await seedProvider(handle.db, 1, "us-east", { stakeWei: 3n * ETH });
    const b = await seedProvider(handle.db, 2, "eu-west", { stakeWei: 5n * ETH });
    cheapProvider = a.address.toLowerCase();
    await seedOffer(handle.db, a.address, { askWeiPerGpuHour: (1n * MILLI).toString() });
    await seedOffer(handle.db, a.address, {
      gpuModel: "a100-80gb",
      askWeiPerGpuHour: (5n * MILLI) / 10n,
      gpusTotal: 2,
    });
    await seedOffer(handle.db, b.address, {
      gpuModel: "h200-141gb",
      region: "eu-west",
      askWeiPerGpuHour: (2n * MILLI).toString(),
    });
    await handle.db.execute(
      sql`update providers set reliability_bps = 9000 where address = ${b.address.toLowerCase()}`,
    );
  });
  afterAll(async () => {
    await handle?.close();
  });

  const browse = (query: string) =>
    browseMarket(handle.db, loadFilters(new URLSearchParams(query)));

  it("lists live offers cheapest first with the provider's stake, count and median", async () => {
    const r = await browse("");
    if (!r.ok) throw new Error(r.problems.join());
    expect(r.total).toBe(3);
    expect(r.items.map((o) => o.gpuModel)).toEqual(["a100-80gb", "h100-80gb", "h200-141gb"]);
    expect(r.medianAskWeiPerGpuHour).toBe(MILLI);
    expect(r.items[0]?.provider.stake).toBe(3n * ETH);
    expect(r.items[0]?.provider.address).toBe(cheapProvider);
    expect(r.items[2]?.provider.stake).toBe(5n * ETH);
  });

  it("filters by model, VRAM, region, price, GPUs free and reliability, and sorts by VRAM", async () => {
    const ids = async (q: string) => {
      const r = await browse(q);
      if (!r.ok) throw new Error(r.problems.join());
      return r.items.map((o) => o.gpuModel);
    };
    expect(await ids("model=h100-80gb,h200-141gb")).toEqual(["h100-80gb", "h200-141gb"]);
    expect(await ids("vram=100")).toEqual(["h200-141gb"]);
    expect(await ids("region=eu-west")).toEqual(["h200-141gb"]);
    expect(await ids("maxPrice=0.001")).toEqual(["a100-80gb", "h100-80gb"]);
    expect(await ids("gpus=4")).toEqual(["h100-80gb", "h200-141gb"]);
    expect(await ids("rel=95")).toEqual(["a100-80gb", "h100-80gb"]);
    expect(await ids("sort=vram")).toEqual(["h200-141gb", "a100-80gb", "h100-80gb"]);
    expect(await ids("tflops=500")).toEqual(["h100-80gb", "h200-141gb"]);
  });

  it("pages on the server and says when a link's filter is not valid", async () => {
    const page2 = await browseMarket(handle.db, {
      ...loadFilters(new URLSearchParams("")),
      page: 2,
    });
    // Past the end: the last page, not an empty one.
    if (!page2.ok) throw new Error("bad");
    expect(page2.page).toBe(1);
    const bad = await browse("maxPrice=cheap");
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problems[0]).toContain("must be a price in ETH");
  });

  it("quotes the offer placement would choose, or explains why none fits", async () => {
    const job = {
      gpuModels: ["h100-80gb"],
      gpuCount: 2,
      regions: [],
      maxPricePerGpuHour: (2n * MILLI).toString(),
      maxHours: 4,
    };
    const r = await anyone.run(job, { session: null, db: handle.db });
    if (!r.ok || r.data.kind !== "offer") throw new Error(JSON.stringify(r));
    expect(r.data.offer.gpuModel).toBe("h100-80gb");
    // 2 GPUs at 0.001 ETH per GPU-hour, per second rounded up, for 4 hours.
    const rate = (2n * MILLI + 3599n) / 3600n;
    expect(r.data.ratePerSecond).toBe(rate);
    expect(r.data.maxCost).toBe(rate * 4n * 3600n);
    expect(r.data.provider.address).toBe(cheapProvider);

    const tooCheap = await anyone.run(
      { ...job, maxPricePerGpuHour: (MILLI / 2n).toString() },
      { session: null, db: handle.db },
    );
    if (!tooCheap.ok || tooCheap.data.kind !== "none") throw new Error(JSON.stringify(tooCheap));
    expect(tooCheap.data.noMatch.failures.price).toBeGreaterThan(0);
    expect(tooCheap.data.noMatch.suggestions[0]?.changes).toContainEqual({
      kind: "price",
      maxPricePerGpuHour: MILLI,
    });

    const refused = await anyone.run(
      { ...job, gpuModels: [], gpuCount: 0 },
      { session: null, db: handle.db },
    );
    expect(refused.ok).toBe(false);
  });

  it("limits each requester's quotes, says when to try again, and serves others meanwhile", async () => {
    const job = {
      gpuModels: ["h100-80gb"],
      gpuCount: 1,
      regions: [],
      maxPricePerGpuHour: (2n * MILLI).toString(),
      maxHours: 1,
    };
    let now = new Date("2026-11-29T12:00:10Z");
    // Keyed as the page keys them: the signed-in wallet, else the client's address.
    const quote = quoteActionFor(
      async (session) => (session ? `wallet:${session.address}` : "ip:203.0.113.7"),
      { now: () => now },
    );
    const alice = { session: sessionOf(wallet(0xa1)), db: handle.db };
    for (let i = 0; i < QUOTE_RATE_LIMIT.limit; i++) {
      const r = await quote.run(job, alice);
      if (!r.ok) throw new Error(`quote ${i + 1} refused: ${r.message}`);
    }
    const over = await quote.run(job, alice);
    expect(over).toMatchObject({
      ok: false,
      code: "rate_limited",
      message:
        "Too many price quotes from here: at most 120 every 60 seconds. Try again in 50 seconds.",
    });
    // Another wallet and an anonymous visitor are not held back by alice's quotes.
    expect((await quote.run(job, { session: sessionOf(wallet(0xb0)), db: handle.db })).ok).toBe(
      true,
    );
    expect((await quote.run(job, { session: null, db: handle.db })).ok).toBe(true);
    // The next window serves alice again.
    now = new Date("2026-11-29T12:01:00Z");
    expect((await quote.run(job, alice)).ok).toBe(true);
  });
});
