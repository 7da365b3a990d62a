import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type DbHandle, queryRows } from "@/db/client";
import { recordStakeForSeed } from "@/db/queries/chain/seed-stake";
import { jobById } from "@/db/queries/jobs";
import { createTestDb, testDriver } from "@/db/testing";
import { unwrap } from "@/lib/actions/testing";
import { registerProviderInput } from "@/lib/market/schemas";
import { cancelJobAction, submitJobAction } from "./jobs/actions";
import { changeOfferStatus } from "./offers/offers";
import { stakeChanged } from "./placement/rematch";
import { registerProvider } from "./providers/providers";
import { SUBMIT_STAGES, submitBatcher } from "./submit/batcher";
import { submitJob } from "./submit/submit-job";
import { jobInput, parseJob, seedOffer, seedProvider, sessionOf, wallet } from "./testing";

/**
 * The provider's free stake as a matching dimension, against the stake the indexer records
 * (chain_providers, chain_market with the devnet's parameters: minimum stake 0.1 ETH, collateral
 * 10 % of the escrow). Every job here asks 2 GPUs at 0.001 ETH/GPU-h (escrow 0.002 ETH an hour,
 * so 100 hours lock 0.02 ETH of collateral), unless it says otherwise.
 */
const ETH = 10n ** 18n;
const MILLI = 10n ** 15n;
const ASK = "1000000000000000";
const DEARER = "1100000000000000";

describe(`the providers' stake in matching on ${testDriver()}`, () => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await createTestDb({ poolSize: 20 });
  });
  afterAll(async () => {
    await handle?.close();
  });
  const consumer = sessionOf(wallet(0x5c0));
  const ctx = () => ({ session: consumer, db: handle.db });

  /** A provider with `stake` recorded on chain, `locked` of it backing funded jobs. */
  async function staked(n: number, stake: bigint, locked = 0n, pendingUnstake = 0n) {
    const p = await seedProvider(handle.db, n, "us-east", { stakeWei: stake });
    await recordStakeForSeed(handle.db, [
      { address: p.address, stake, locked, pendingUnstake, signer: p.signer.address },
    ]);
    return p;
  }

  /** Free stake 0.01 ETH: backs up to 49 hours of a job here, not 100. */
  const shortOfStake = (n: number) => staked(n, 110n * MILLI, 100n * MILLI);

  const submit = (fields: Record<string, unknown>) =>
    submitJobAction.run(
      jobInput({ gpuCount: 2, maxPricePerGpuHour: "2000000000000000", ...fields }),
      ctx(),
    );

  async function leasesOn(offerId: string) {
    const [row] = await queryRows<{ n: number }>(
      handle.db,
      sql`select count(*)::int as n from leases
          where offer_id = ${offerId}::uuid and status in ('reserved', 'quoted', 'funded', 'running')`,
    );
    return row?.n ?? 0;
  }

  it("skips a provider whose free stake cannot cover the collateral for the next cheapest that can", async () => {
    const cheap = await shortOfStake(1);
    const backed = await staked(2, 10n * ETH);
    const cheapOffer = await seedOffer(handle.db, cheap.address, { askWeiPerGpuHour: ASK });
    const dearOffer = await seedOffer(handle.db, backed.address, { askWeiPerGpuHour: DEARER });
    // 100 hours lock 0.02 ETH on the cheap offer: more than its provider's 0.01 ETH free.
    const long = unwrap(await submit({ gpuModels: ["h100-80gb"], maxHours: 100 }));
    expect(long.placement?.offerId).toBe(dearOffer.id);
    // 40 hours lock 0.008 ETH: the cheap provider backs that.
    const short = unwrap(await submit({ gpuModels: ["h100-80gb"], maxHours: 40 }));
    expect(short.placement?.offerId).toBe(cheapOffer.id);
  });

  it("with no provider able, the job stays pending and the explanation names stake and the fix", async () => {
    const p = await shortOfStake(3);
    const offer = await seedOffer(handle.db, p.address, {
      gpuModel: "a100-80gb",
      askWeiPerGpuHour: ASK,
    });
    const out = unwrap(await submit({ gpuModels: ["a100-80gb"], maxHours: 100 }));
    expect(out.job.status).toBe("pending");
    expect(out.placement).toBeNull();
    expect(out.noMatch).toMatchObject({
      offersConsidered: 1,
      stake: {
        short: 1,
        belowMinimum: 0,
        maxHours: 49,
        sentence:
          "The providers with free GPUs for this job have too little free stake for a job this long: at most 49 hours fit.",
      },
      suggestions: [{ text: "set max hours to 49" }],
    });
    // The fix the explanation gives places it.
    const fixed = unwrap(await submit({ gpuModels: ["a100-80gb"], maxHours: 49 }));
    expect(fixed.placement?.offerId).toBe(offer.id);
  });

  it("never matches a provider below the minimum stake, or with no stake recorded", async () => {
    // 0.05 ETH staked; 0.15 ETH staked with 0.1 ETH of it on its way out; never staked at all.
    const small = await staked(4, 50n * MILLI);
    const leaving = await staked(5, 150n * MILLI, 0n, 100n * MILLI);
    const unstaked = wallet(0x1006);
    await registerProvider(
      handle.db,
      unstaked,
      registerProviderInput.parse({
        name: "never staked",
        region: "us-east",
        signerAddress: small.signer.address,
      }),
    );
    const cheapest = "1";
    const offers = [];
    for (const address of [small.address, leaving.address, unstaked]) {
      offers.push(
        await seedOffer(handle.db, address, { gpuModel: "l40s-48gb", askWeiPerGpuHour: cheapest }),
      );
    }
    const backed = await staked(7, 10n * ETH);
    const backedOffer = await seedOffer(handle.db, backed.address, {
      gpuModel: "l40s-48gb",
      askWeiPerGpuHour: ASK,
    });
    for (let i = 0; i < 4; i++) {
      const out = unwrap(await submit({ gpuModels: ["l40s-48gb"], gpuCount: 1, maxHours: 1 }));
      expect(out.placement?.offerId).toBe(backedOffer.id);
    }
    // With the backed offer paused, nothing is left that may take a job.
    await changeOfferStatus(handle.db, backed.address, backedOffer.id, "pause");
    const out = unwrap(await submit({ gpuModels: ["l40s-48gb"], gpuCount: 1, maxHours: 1 }));
    expect(out.job.status).toBe("pending");
    expect(out.noMatch).toMatchObject({
      stake: {
        short: 0,
        belowMinimum: 3,
        sentence:
          "The providers with free GPUs for this job are below the market's minimum stake and take no jobs until they stake more.",
      },
      suggestions: [],
    });
    for (const o of offers) expect(await leasesOn(o.id)).toBe(0);
  });

  /**
   * Fills every submit stage, so the submits made next wait and go as one batch (no offer
   * fits these, so none waits on another's write).
   */
  function fillStages() {
    return Array.from({ length: SUBMIT_STAGES }, (_, i) =>
      submitJob(handle.db, wallet(0x5d0 + i), parseJob({ gpuModels: ["a10-24gb"] })),
    );
  }

  it("two jobs of one batch that together exceed a provider's free stake do not both land there", async () => {
    // 0.03 ETH free: one 100-hour job (0.02 ETH), not two.
    const cheap = await staked(9, 130n * MILLI, 100n * MILLI);
    const backed = await staked(10, 10n * ETH);
    const cheapOffer = await seedOffer(handle.db, cheap.address, {
      gpuModel: "rtx4090-24gb",
      askWeiPerGpuHour: ASK,
    });
    const dearOffer = await seedOffer(handle.db, backed.address, {
      gpuModel: "rtx4090-24gb",
      askWeiPerGpuHour: DEARER,
    });
    const warn = vi.spyOn(console, "warn");
    const planned = submitBatcher(handle.db).stats.planned;
    const ahead = fillStages();
    const job = parseJob({ gpuModels: ["rtx4090-24gb"], gpuCount: 2, maxHours: 100 });
    const results = await Promise.all([
      submitJob(handle.db, wallet(0x5e0), job),
      submitJob(handle.db, wallet(0x5e1), { ...job, idempotencyKey: "second" }),
    ]);
    await Promise.all(ahead);
    // One batch for the two (after one per stage ahead of them), not the one-by-one fallback.
    expect(submitBatcher(handle.db).stats.planned - planned).toBe(SUBMIT_STAGES + 1);
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
    expect(results.map((r) => r.lease?.offerId)).toEqual([cheapOffer.id, dearOffer.id]);

    // Alone in its market, the provider takes one and the other job waits.
    const lone = await staked(11, 130n * MILLI, 100n * MILLI);
    const loneOffer = await seedOffer(handle.db, lone.address, {
      gpuModel: "t4-16gb",
      askWeiPerGpuHour: ASK,
    });
    const stages = fillStages();
    const t4 = parseJob({ gpuModels: ["t4-16gb"], gpuCount: 2, maxHours: 100 });
    const both = await Promise.all([
      submitJob(handle.db, wallet(0x5e2), t4),
      submitJob(handle.db, wallet(0x5e3), { ...t4, idempotencyKey: "t4-second" }),
    ]);
    await Promise.all(stages);
    expect(both.map((r) => r.job.status)).toEqual(["matched", "pending"]);
    expect(await leasesOn(loneOffer.id)).toBe(1);
  });

  it("counts the collateral of unfunded leases, and gives it back when one ends", async () => {
    // 0.03 ETH free: one 100-hour job.
    const p = await staked(12, 130n * MILLI, 100n * MILLI);
    const offer = await seedOffer(handle.db, p.address, {
      gpuModel: "mi300x-192gb",
      askWeiPerGpuHour: ASK,
    });
    const first = unwrap(await submit({ gpuModels: ["mi300x-192gb"], maxHours: 100 }));
    // Quoted (the local signer signed), not funded: the chain has locked nothing yet.
    expect(first.placement?.status).toBe("quoted");
    const second = unwrap(await submit({ gpuModels: ["mi300x-192gb"], maxHours: 100 }));
    expect(second.job.status).toBe("pending");
    expect(second.noMatch).toMatchObject({ stake: { short: 1, maxHours: 49 } });
    // The first job is cancelled: its quote will never lock collateral, and the second is placed.
    unwrap(await cancelJobAction.run({ jobId: first.job.id }, ctx()));
    expect((await jobById(handle.db, second.job.id))?.status).toBe("matched");
    expect(await leasesOn(offer.id)).toBe(1);
  });

  it("matches pending jobs again once the provider's stake grows", async () => {
    const p = await shortOfStake(13);
    const offer = await seedOffer(handle.db, p.address, {
      gpuModel: "h200-141gb",
      askWeiPerGpuHour: ASK,
    });
    const out = unwrap(await submit({ gpuModels: ["h200-141gb"], maxHours: 100 }));
    expect(out.job.status).toBe("pending");
    // The provider stakes 1 ETH more; the indexer records it, then tells the matching.
    await recordStakeForSeed(handle.db, [
      { address: p.address, stake: 1110n * MILLI, locked: 100n * MILLI },
    ]);
    expect((await jobById(handle.db, out.job.id))?.status).toBe("pending");
    const placed = await stakeChanged(handle.db, { providers: [p.address] });
    expect(placed.map((l) => [l.jobId, l.offerId])).toEqual([[out.job.id, offer.id]]);
    expect((await jobById(handle.db, out.job.id))?.status).toBe("matched");
  });

  it("matches pending jobs again once the market asks for less collateral", async () => {
    const p = await shortOfStake(14);
    const offer = await seedOffer(handle.db, p.address, {
      gpuModel: "rtx3090-24gb",
      askWeiPerGpuHour: ASK,
    });
    const out = unwrap(await submit({ gpuModels: ["rtx3090-24gb"], maxHours: 100 }));
    expect(out.job.status).toBe("pending");
    const setCollateral = (bps: number) =>
      handle.db.execute(
        sql`update chain_market set state = jsonb_set(state, '{collateralBps}', ${String(bps)}::jsonb)`,
      );
    // 4 % instead of 10 %: 100 hours lock 0.008 ETH of the provider's 0.01 ETH free.
    await setCollateral(400);
    try {
      // Every market is offered the change (other tests' pending jobs may be placed too).
      const placed = await stakeChanged(handle.db, { params: true });
      expect(placed.map((l) => [l.jobId, l.offerId])).toContainEqual([out.job.id, offer.id]);
    } finally {
      await setCollateral(1_000);
    }
  });
});
