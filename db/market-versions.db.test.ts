import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DbHandle, queryRows } from "@/db/client";
import { createTestDb, testDriver } from "@/db/testing";
import { seedOffer, seedProvider } from "@/lib/services/testing";

/**
 * market_versions moves whenever a market may have gained capacity, whoever wrote it, and stays
 * put when a match takes GPUs (the hot path must not write it).
 */
describe(`market versions on ${testDriver()}`, () => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await createTestDb();
  });
  afterAll(async () => {
    await handle?.close();
  });

  const version = async (market: string) => {
    const [row] = await queryRows<{ v: number }>(
      handle.db,
      sql`select coalesce((select version from market_versions where market = ${market}), 0)::int as v`,
    );
    return row?.v ?? -1;
  };

  it("moves on a listing, freed GPUs, a resume, a cheaper ask, wider hours and a provider's status; not on a take", async () => {
    const p = await seedProvider(handle.db, 90);
    const market = "t4-16gb/sa-east";
    const before = await version(market);
    const offer = await seedOffer(handle.db, p.address, {
      gpuModel: "t4-16gb",
      region: "sa-east",
      gpusTotal: 8,
      askWeiPerGpuHour: "2000",
      minHours: 2,
      maxHours: 10,
    });
    let v = await version(market);
    expect(v).toBe(before + 1);
    const step = async (change: string, moves: boolean) => {
      await handle.db.execute(
        sql`update offers set ${sql.raw(change)} where market = ${market} and id = ${offer.id}::uuid`,
      );
      const now = await version(market);
      // The change is named in the comparison, so a failure says which step it was.
      expect({ change, moved: now - v }).toEqual({ change, moved: moves ? 1 : 0 });
      v = now;
    };
    await step("gpus_free = gpus_free - 3, updated_at = now()", false); // a match takes GPUs
    await step("gpus_free = gpus_free + 1", true); // a lease releases them
    await step("status = 'paused'", true);
    await step("status = 'active'", true);
    await step("ask_wei_per_gpu_hour = 3000", false); // dearer: no job gains
    await step("ask_wei_per_gpu_hour = 1000", true);
    await step("min_hours = 1", true);
    await step("max_hours = 20", true);
    await step("max_hours = 15", false);
    await handle.db.execute(
      sql`update providers set status = 'offline' where id = ${p.provider.id}::uuid`,
    );
    expect(await version(market)).toBe(v + 1);
    await handle.db.execute(
      sql`update providers set reliability_bps = 5000 where id = ${p.provider.id}::uuid`,
    );
    expect(await version(market)).toBe(v + 1);
  });
});
