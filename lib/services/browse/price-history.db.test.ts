import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { recordPriceSample } from "@/db/queries/price-history";
import { createTestDb, testDriver } from "@/db/testing";
import { changeOfferStatus } from "../offers/offers";
import { seedOffer, seedProvider } from "../testing";
import { priceHistory } from "./price-history";

const MILLI = 10n ** 15n;
const at = (iso: string) => new Date(iso);

/**
 * The home page's price history on a real database: hourly samples of the live market's median
 * ask per model, read back as one median per UTC day, with unsampled days left empty.
 */
describe(`price history on ${testDriver()}`, () => {
  let handle: DbHandle;
  let a: Awaited<ReturnType<typeof seedProvider>>;
  let a100Offer: string;
  beforeAll(async () => {
    handle = await createTestDb();
    a = await seedProvider(handle.db, 1);
    for (const ask of [3n, 1n, 2n]) {
      await seedOffer(handle.db, a.address, { askWeiPerGpuHour: (ask * MILLI).toString() });
    }
    const a100 = await seedOffer(handle.db, a.address, {
      gpuModel: "a100-80gb",
      askWeiPerGpuHour: (MILLI / 2n).toString(),
    });
    a100Offer = a100.id;
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("samples each model's lower median ask once per hour, and reads it per day", async () => {
    const db = handle.db;
    // Eight days ago: outside the 7-day window.
    expect(await recordPriceSample(db, at("2026-11-21T08:00:00Z"))).toEqual([
      "a100-80gb",
      "h100-80gb",
    ]);
    // Six days before "now": h100 asks 1, 2, 3 milli-ETH, median 2.
    expect(await recordPriceSample(db, at("2026-11-23T10:15:00Z"))).toEqual([
      "a100-80gb",
      "h100-80gb",
    ]);
    // A cheaper h100 offer: asks 0.2, 1, 2, 3, lower median 1.
    await seedOffer(db, a.address, { askWeiPerGpuHour: ((2n * MILLI) / 10n).toString() });
    // Same hour again: the first sample of the hour stays.
    expect(await recordPriceSample(db, at("2026-11-23T10:59:59Z"))).toEqual([]);
    expect(await recordPriceSample(db, at("2026-11-23T11:00:00Z"))).toEqual([
      "a100-80gb",
      "h100-80gb",
    ]);
    // Late in a UTC day: counted in that day.
    await recordPriceSample(db, at("2026-11-27T23:59:00Z"));
    // The a100 offer paused: no a100 sample today.
    await changeOfferStatus(db, a.address, a100Offer, "pause");
    expect(await recordPriceSample(db, at("2026-11-29T09:30:00Z"))).toEqual(["h100-80gb"]);

    const h = await priceHistory(db, at("2026-11-29T12:00:00Z"));
    expect(h.days).toEqual([
      "2026-11-23",
      "2026-11-24",
      "2026-11-25",
      "2026-11-26",
      "2026-11-27",
      "2026-11-28",
      "2026-11-29",
    ]);
    // Most memory first (both 80 GB: by id); within 11-23 the hourly medians 2 and 1 give a lower median of 1.
    expect(h.series).toEqual([
      {
        gpuModel: "a100-80gb",
        gpuName: expect.any(String),
        medians: [MILLI / 2n, null, null, null, MILLI / 2n, null, null],
      },
      {
        gpuModel: "h100-80gb",
        gpuName: expect.any(String),
        medians: [MILLI, null, null, null, MILLI, null, MILLI],
      },
    ]);
  });

  it("has no series for a window with no samples", async () => {
    const h = await priceHistory(handle.db, at("2026-12-20T00:00:00Z"));
    expect(h.days).toHaveLength(7);
    expect(h.series).toEqual([]);
  });
});
