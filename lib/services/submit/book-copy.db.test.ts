import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { DbHandle } from "@/db/client";
import { recordStakeForSeed } from "@/db/queries/chain/seed-stake";
import { stakesChanged } from "@/db/queries/placement/provider-stakes";
import { writeBatch } from "@/db/queries/placement/write-batch";
import { createTestDb, testDriver } from "@/db/testing";
import { registerProviderInput } from "@/lib/market/schemas";
import { collateralFor, rankFeasible } from "@/lib/matching/feasibility";
import { candidatesFor, marketsFor, toMatchJob } from "../placement/candidates";
import { reservationFor } from "../placement/reservation";
import { registerProvider } from "../providers/providers";
import { parseJob, seedOffer, seedProvider, wallet } from "../testing";
import { BookCopy, STAKES_STALE_MS } from "./book-copy";
import { jobValues } from "./submit-job";

/**
 * The batcher's copy of the providers' stake: one read of every provider's stake, less the
 * collateral of each returned batch write that read did not see. A write is counted once,
 * whether it returned before or after the read that saw it.
 */
describe(`the batcher's copy of stake on ${testDriver()}`, () => {
  let handle: DbHandle;
  const stake = 10n ** 18n;
  beforeAll(async () => {
    handle = await createTestDb();
  });
  afterAll(async () => {
    await handle?.close();
  });

  /** Writes one job placed on the provider's offer as a batch, as the batcher would. */
  async function placeOne(n: number) {
    const values = jobValues(
      wallet(0x7c0 + n),
      parseJob({ gpuModels: ["a100-40gb"], gpuCount: 2, maxHours: 100 }),
    );
    const want = toMatchJob(values);
    const candidates = await candidatesFor(handle.db, want, marketsFor(want));
    const best = rankFeasible(want, candidates)[0];
    if (!best) throw new Error("no offer fits");
    const { reservation } = reservationFor(values, best, candidates, new Set(), null, new Date());
    const write = await writeBatch(handle.db, [{ job: values, reservation }]);
    expect(write.outcomes[0]?.reserved).toBe(true);
    return { write, provider: best.providerId, collateral: collateralFor(want, best) };
  }

  const freeOf = (copy: BookCopy, provider: string) =>
    copy.book([]).stake?.get(provider)?.freeStakeWei;

  it("counts a write's collateral once, whether it returned before or after the read that saw it", async () => {
    const p = await seedProvider(handle.db, 70, "us-east", { stakeWei: stake });
    await seedOffer(handle.db, p.address, { gpuModel: "a100-40gb", gpusTotal: 8 });

    // Returned before the read that saw it: taken off at once, not again after the read.
    const early = new BookCopy(handle.db);
    await early.currentStakes();
    const first = await placeOne(1);
    expect(first.collateral).toBeGreaterThan(0n);
    expect(freeOf(early, first.provider)).toBe(stake);
    early.landed(first.write, new Map([[first.provider, first.collateral]]));
    expect(freeOf(early, first.provider)).toBe(stake - first.collateral);
    stakesChanged();
    await early.currentStakes();
    expect(freeOf(early, first.provider)).toBe(stake - first.collateral);

    // Returned after a read that already saw it: that read's figure stands.
    const late = new BookCopy(handle.db);
    await late.currentStakes();
    const second = await placeOne(2);
    stakesChanged();
    await late.currentStakes();
    const both = stake - first.collateral - second.collateral;
    expect(freeOf(late, second.provider)).toBe(both);
    late.landed(second.write, new Map([[second.provider, second.collateral]]));
    expect(freeOf(late, second.provider)).toBe(both);
  });

  it("reads stake again after a change it is told of, and a provider without stake has none", async () => {
    const p = await seedProvider(handle.db, 71, "us-east", { stakeWei: stake });
    const copy = new BookCopy(handle.db);
    await copy.currentStakes();
    const id = p.provider.id;
    expect(copy.book([]).stake?.get(id)).toEqual({ freeStakeWei: stake, stakeMeetsMinimum: true });
    // Less than the devnet's minimum (0.1 ETH), all of it free.
    await recordStakeForSeed(handle.db, [{ address: p.address, stake: 10n ** 16n }]);
    await copy.currentStakes();
    expect(copy.book([]).stake?.get(id)).toEqual({
      freeStakeWei: 10n ** 16n,
      stakeMeetsMinimum: false,
    });
    const unstaked = await registerProvider(
      handle.db,
      wallet(0x1072),
      registerProviderInput.parse({
        name: "never staked",
        region: "us-east",
        signerAddress: p.signer.address,
      }),
    );
    stakesChanged();
    await copy.currentStakes();
    expect(copy.book([]).stake?.has(id)).toBe(true);
    expect(copy.book([]).stake?.has(unstaked.id)).toBe(false);
  });

  it("serves a read of stake a while, but reads again before use once it is stale", async () => {
    const p = await seedProvider(handle.db, 72, "us-east", { stakeWei: stake });
    const copy = new BookCopy(handle.db);
    await copy.currentStakes();
    const id = p.provider.id;
    // Another process's indexer records more stake: this process is not told.
    await handle.db.execute(
      sql`update chain_providers set stake = ${(stake * 2n).toString()} where address = ${p.address}`,
    );
    await copy.currentStakes();
    expect(freeOf(copy, id)).toBe(stake);
    // Idle past STAKES_STALE_MS: the next use reads it again first.
    const now = Date.now();
    const clock = vi.spyOn(Date, "now").mockReturnValue(now + STAKES_STALE_MS + 1);
    try {
      await copy.currentStakes();
      expect(freeOf(copy, id)).toBe(stake * 2n);
    } finally {
      clock.mockRestore();
    }
  });
});
