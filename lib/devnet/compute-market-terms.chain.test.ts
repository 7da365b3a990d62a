/**
 * ComputeMarket v2 fixes at funding every parameter that moves a job's money or clock: a
 * setParams afterwards changes new jobs only. Driven through viem on the devnet.
 */
import { keccak256, toHex } from "viem";
import { describe, expect, it } from "vitest";
import { computeMarketAbi } from "@/lib/web3/compute-market-abi";
import { marketParamsView } from "@/lib/web3/market-views";
import { DEFAULT_MARKET_PARAMS as P } from "./index";
import { bps, ESCROW, MAX_SECONDS, marketFixture, RATE } from "./market-fixture";
import { type MarketParams, setParamsArgs } from "./market-params";
import { eventIn, minedAt } from "./test-helpers";

describe("ComputeMarket v2 on the devnet: terms fixed at funding", () => {
  const t = marketFixture();

  it("a parameter change after funding leaves funded jobs' fee, slash, windows and split as they were", async () => {
    const {
      market,
      owner,
      feeRecipient,
      signer,
      provider,
      consumer,
      stranger,
      setNextTime,
      withdrawable,
      quote,
      fund,
    } = t;
    const a = await fund(await quote({ label: "terms-finalized" }));
    await market.send(signer, "acknowledgeStart", [a.id]);
    const b = await fund(await quote({ label: "terms-disputed" }));
    await market.send(signer, "acknowledgeStart", [b.id]);
    await market.send(provider, "submitResult", [b.id, 1_800n, keccak256(toHex("b"))]);
    const idle = await fund(await quote({ label: "terms-no-show" }));
    const viewsBefore = await Promise.all([a.id, b.id, idle.id].map((id) => market.job(owner, id)));

    const changed: MarketParams = {
      ...P,
      feeBps: 1_000,
      challengeWindow: 60n,
      startGraceSeconds: 60n,
      disputeTimeout: 60n,
      collateralBps: 2_000,
      noShowSlashBps: 10_000,
      disputeDefaultPayBps: 0,
    };
    expect(await market.refusal(stranger, "setParams", setParamsArgs(changed))).toEqual({
      name: "NotOwner",
      args: [stranger.account.address],
    });
    const updated = await market.send(owner, "setParams", setParamsArgs(changed));
    expect(eventIn(updated, "ParamsUpdated")).toEqual({
      feeBps: 1_000,
      minStake: P.minStake,
      unstakeCooldown: P.unstakeCooldown,
      challengeWindow: 60n,
      startGraceSeconds: 60n,
      maxJobSeconds: P.maxJobSeconds,
      disputeTimeout: 60n,
      collateralBps: 2_000,
      noShowSlashBps: 10_000,
      disputeDefaultPayBps: 0,
    });
    const params = await owner.publicClient.readContract({
      address: market.address,
      abi: computeMarketAbi,
      functionName: "params",
    });
    const { paused, ...current } = marketParamsView(params);
    expect(paused).toBe(false);
    expect(current).toEqual(changed);
    expect(await Promise.all([a.id, b.id, idle.id].map((id) => market.job(owner, id)))).toEqual(
      viewsBefore,
    );

    // The dispute of job b gets the timeout copied at funding (a day, not 60 s).
    const disputed = await market.send(consumer, "dispute", [b.id]);
    const disputedAt = await minedAt(consumer, disputed);
    expect((await market.job(consumer, b.id)).disputeEndsAt).toBe(disputedAt + P.disputeTimeout);

    // The unacknowledged job keeps its 600 s grace and is slashed at 50 %, not 100 %.
    await setNextTime(idle.job.fundedAt + 120n);
    expect(await market.refusal(stranger, "cancelExpired", [idle.id])).toEqual({
      name: "DeadlineNotReached",
      args: [idle.job.startDeadline],
    });
    expect(await market.refusal(stranger, "settleDispute", [b.id])).toEqual({
      name: "DeadlineNotReached",
      args: [disputedAt + P.disputeTimeout],
    });
    await setNextTime(idle.job.startDeadline + 1n);
    const expired = await market.send(stranger, "cancelExpired", [idle.id]);
    expect(eventIn(expired, "JobExpired")).toMatchObject({
      consumerRefund: ESCROW,
      slashed: bps(idle.job.collateral, P.noShowSlashBps),
    });
    expect(idle.job.collateral).toBe(bps(ESCROW, P.collateralBps));

    // Job a: the challenge window is still an hour and the fee still 2.5 %.
    const submitted = await market.send(provider, "submitResult", [
      a.id,
      1_800n,
      keccak256(toHex("a")),
    ]);
    const windowEnds = (await minedAt(provider, submitted)) + P.challengeWindow;
    await stranger.testClient.increaseTime({ seconds: 61 });
    expect(await market.refusal(stranger, "finalize", [a.id])).toEqual({
      name: "ChallengeWindowOpen",
      args: [windowEnds],
    });
    await setNextTime(windowEnds);
    const finalized = await market.send(stranger, "finalize", [a.id]);
    const earned = RATE * 1_800n;
    expect(eventIn(finalized, "JobFinalized")).toMatchObject({
      providerAmount: earned - bps(earned, P.feeBps),
      fee: bps(earned, P.feeBps),
    });

    // Job b's timed-out dispute pays the provider the split of funding time (50 %, not 0).
    await setNextTime(disputedAt + P.disputeTimeout);
    const settled = await market.send(stranger, "settleDispute", [b.id]);
    const gross = bps(earned, P.disputeDefaultPayBps);
    expect(eventIn(settled, "DisputeResolved")).toMatchObject({
      providerPayBps: P.disputeDefaultPayBps,
      providerAmount: gross - bps(gross, P.feeBps),
      timedOut: true,
    });
    expect(await withdrawable(provider)).toBe(
      earned - bps(earned, P.feeBps) + gross - bps(gross, P.feeBps),
    );
    expect(await withdrawable(feeRecipient)).toBe(bps(earned, P.feeBps) + bps(gross, P.feeBps));

    // A job funded now takes the new terms.
    const c = await fund(await quote({ label: "terms-new" }));
    expect(c.job).toMatchObject({
      feeBps: 1_000,
      noShowSlashBps: 10_000,
      disputeDefaultPayBps: 0,
      collateral: bps(ESCROW, 2_000),
      startDeadline: c.job.fundedAt + 60n,
      deadline: c.job.fundedAt + 60n + MAX_SECONDS,
    });
  });
});
