import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { offerById } from "@/db/queries/offers";
import { createTestDb, testDriver } from "@/db/testing";
import { submitJobAction } from "../jobs/actions";
import { jobInput, seedOffer, seedProvider, sessionOf, wallet } from "../testing";
import { removeIdleOfferAction } from "./page-actions";

/**
 * Removing an offer is one guarded statement on the offer's row: concurrent removals have one
 * winner, and a removal racing a job's reservation either loses (the job holds GPUs) or wins
 * before the job is placed on it; never a removed offer with a job on it.
 */
describe(`removing an offer under concurrency on ${testDriver()}`, () => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await createTestDb({ poolSize: 20 });
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("eight removals of one offer at once: exactly one wins, the rest are told it is removed", async () => {
    const p = await seedProvider(handle.db, 1);
    const offer = await seedOffer(handle.db, p.address);
    const ctx = { session: sessionOf(p.address), db: handle.db };
    const results = await Promise.all(
      Array.from({ length: 8 }, () => removeIdleOfferAction.run({ offerId: offer.id }, ctx)),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    for (const r of results.filter((r) => !r.ok)) {
      expect(r).toMatchObject({ code: "conflict", message: "This offer is already removed." });
    }
  });

  it("a removal racing reservations never leaves a job on a removed offer", async () => {
    for (let round = 0; round < 10; round++) {
      const p = await seedProvider(handle.db, 100 + round);
      const offer = await seedOffer(handle.db, p.address, {
        gpusTotal: 2,
        gpuModel: "a100-80gb",
        region: "eu-west",
      });
      const consumer = sessionOf(wallet(0x7000 + round));
      const [removal, submit] = await Promise.all([
        removeIdleOfferAction.run(
          { offerId: offer.id },
          { session: sessionOf(p.address), db: handle.db },
        ),
        submitJobAction.run(
          jobInput({ gpuCount: 1, gpuModels: ["a100-80gb"], regions: ["eu-west"], maxHours: 1 }),
          { session: consumer, db: handle.db },
        ),
      ]);
      const now = await offerById(handle.db, offer.id);
      const placedHere = submit.ok && submit.data.placement?.offerId === offer.id;
      if (removal.ok) {
        expect(now?.status).toBe("removed");
        expect(placedHere).toBe(false);
        expect(now?.gpusFree).toBe(2);
      } else {
        expect(removal).toMatchObject({
          code: "conflict",
          message: expect.stringContaining("1 of this offer's GPUs are leased to a job"),
        });
        expect(placedHere).toBe(true);
        expect(now?.status).toBe("active");
      }
      // Leave no capacity behind for the next round's job to find.
      if (!removal.ok) expect(now?.gpusFree).toBe(1);
    }
  });
});
