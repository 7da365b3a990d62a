/**
 * ComputeMarket v2's clocks on the devnet, through viem: the start grace (acknowledgeStart, the
 * no-show cancel right after it), the full deadline of a started job, and the dispute timeout
 * (settleDispute by anyone, or the arbiter before it). Exact boundaries use
 * evm_setNextBlockTimestamp, which eth_call sees too.
 */
import { keccak256, toHex } from "viem";
import { describe, expect, it } from "vitest";
import { computeMarketAbi } from "@/lib/web3/compute-market-abi";
import { JobStatus } from "@/lib/web3/market-views";
import { DEFAULT_MARKET_PARAMS as P } from "./index";
import { bps, ESCROW, MAX_SECONDS, marketFixture, RATE } from "./market-fixture";
import { eventIn, gasPaid, minedAt } from "./test-helpers";

describe("ComputeMarket v2 on the devnet: start grace, deadline, dispute timeout", () => {
  const t = marketFixture();

  it("cancels a job not acknowledged by its start deadline right after it, by anyone, with the no-show slash", async () => {
    const {
      market,
      signer,
      provider,
      consumer,
      stranger,
      setNextTime,
      balanceOf,
      withdrawable,
      quote,
      fund,
    } = t;
    const { id, job } = await fund(await quote({ label: "no-show" }));
    expect(job.startDeadline).toBe(job.fundedAt + P.startGraceSeconds);
    // Half the start grace passes: the provider could still acknowledge, nobody may cancel.
    await stranger.testClient.increaseTime({ seconds: 300 });
    expect(await market.refusal(stranger, "cancelExpired", [id])).toEqual({
      name: "DeadlineNotReached",
      args: [job.startDeadline],
    });
    // At the start deadline itself: still refused (one second before the cancel is allowed).
    await setNextTime(job.startDeadline);
    expect(await market.refusal(stranger, "cancelExpired", [id])).toEqual({
      name: "DeadlineNotReached",
      args: [job.startDeadline],
    });

    // One second later the provider is too late, and a stranger cancels.
    await setNextTime(job.startDeadline + 1n);
    expect(await market.refusal(signer, "acknowledgeStart", [id])).toEqual({
      name: "DeadlinePassed",
      args: [job.startDeadline],
    });
    const stakeBefore = (await market.provider(provider, provider.account.address)).stake;
    const cancelled = await market.send(stranger, "cancelExpired", [id]);
    expect(await minedAt(stranger, cancelled)).toBe(job.startDeadline + 1n);
    const slashed = bps(job.collateral, P.noShowSlashBps);
    expect(slashed).toBeGreaterThan(0n);
    expect(eventIn(cancelled, "JobExpired")).toEqual({
      jobId: id,
      consumerRefund: ESCROW,
      slashed,
    });
    expect((await market.job(consumer, id)).status).toBe(JobStatus.expired);
    expect(await market.provider(provider, provider.account.address)).toMatchObject({
      stake: stakeBefore - slashed,
      locked: 0n,
    });
    expect(await withdrawable(stranger)).toBe(0n);
    expect(await withdrawable(provider)).toBe(0n);
    expect(await withdrawable(consumer)).toBe(ESCROW + slashed);
    expect(await market.refusal(stranger, "cancelExpired", [id])).toEqual({
      name: "InvalidJobStatus",
      args: [id, JobStatus.expired],
    });

    // The consumer gets its escrow back plus the slash.
    const before = await balanceOf(consumer);
    const withdrawn = await market.send(consumer, "withdraw", []);
    expect((await balanceOf(consumer)) - before + gasPaid(withdrawn)).toBe(ESCROW + slashed);
  });

  it("an acknowledged job keeps its full deadline (fundedAt + startGrace + maxSeconds)", async () => {
    const { market, provider, consumer, stranger, setNextTime, withdrawable, quote, fund } = t;
    const { id, job } = await fund(await quote({ label: "acknowledged" }));
    expect(job.deadline).toBe(job.fundedAt + P.startGraceSeconds + MAX_SECONDS);
    // The provider acknowledges in the last second of the grace.
    await setNextTime(job.startDeadline);
    const started = await market.send(provider, "acknowledgeStart", [id]);
    expect(await minedAt(provider, started)).toBe(job.startDeadline);

    // Past the start deadline the started job is no no-show: nobody may cancel it yet.
    await setNextTime(job.startDeadline + 1n);
    expect(await market.refusal(stranger, "cancelExpired", [id])).toEqual({
      name: "DeadlineNotReached",
      args: [job.deadline],
    });
    // Up to and including the deadline, a result is accepted and a cancel refused.
    await setNextTime(job.deadline);
    expect(await market.refusal(stranger, "cancelExpired", [id])).toEqual({
      name: "DeadlineNotReached",
      args: [job.deadline],
    });
    await provider.publicClient.simulateContract({
      address: market.address,
      abi: computeMarketAbi,
      functionName: "submitResult",
      args: [id, MAX_SECONDS, keccak256(toHex("in time"))],
      account: provider.account,
    });

    // One second after it: no result any more, and anyone cancels with the no-show slash.
    await setNextTime(job.deadline + 1n);
    expect(
      await market.refusal(provider, "submitResult", [id, MAX_SECONDS, keccak256(toHex("late"))]),
    ).toEqual({ name: "DeadlinePassed", args: [job.deadline] });
    const cancelled = await market.send(stranger, "cancelExpired", [id]);
    const slashed = bps(job.collateral, P.noShowSlashBps);
    expect(eventIn(cancelled, "JobExpired")).toEqual({
      jobId: id,
      consumerRefund: ESCROW,
      slashed,
    });
    expect(await withdrawable(consumer)).toBe(ESCROW + slashed);
  });

  it("settles a dispute the arbiter left alone, by anyone after the timeout: default split, no slash", async () => {
    const {
      market,
      arbiter,
      feeRecipient,
      provider,
      consumer,
      stranger,
      setNextTime,
      withdrawable,
      disputedJob,
    } = t;
    const { id, job } = await disputedJob("dispute-timeout");
    expect(job.status).toBe(JobStatus.disputed);
    expect(job.disputeEndsAt).toBe(job.disputedAt + P.disputeTimeout);
    await stranger.testClient.increaseTime({ seconds: 80_000 });
    expect(await market.refusal(stranger, "settleDispute", [id])).toEqual({
      name: "DeadlineNotReached",
      args: [job.disputeEndsAt],
    });
    await setNextTime(job.disputeEndsAt - 1n);
    expect(await market.refusal(stranger, "settleDispute", [id])).toEqual({
      name: "DeadlineNotReached",
      args: [job.disputeEndsAt],
    });

    await setNextTime(job.disputeEndsAt);
    const stakeBefore = (await market.provider(provider, provider.account.address)).stake;
    const settled = await market.send(stranger, "settleDispute", [id]);
    const gross = bps(RATE * 1_800n, P.disputeDefaultPayBps);
    const fee = bps(gross, P.feeBps);
    expect(eventIn(settled, "DisputeResolved")).toEqual({
      jobId: id,
      providerPayBps: P.disputeDefaultPayBps,
      slashBps: 0,
      providerAmount: gross - fee,
      consumerAmount: ESCROW - gross,
      fee,
      slashed: 0n,
      timedOut: true,
    });
    expect((await market.job(consumer, id)).status).toBe(JobStatus.resolved);
    expect(await withdrawable(provider)).toBe(gross - fee);
    expect(await withdrawable(consumer)).toBe(ESCROW - gross);
    expect(await withdrawable(feeRecipient)).toBe(fee);
    expect(await withdrawable(stranger)).toBe(0n);
    expect(await market.provider(provider, provider.account.address)).toMatchObject({
      stake: stakeBefore,
      locked: 0n,
    });
    expect(await market.refusal(arbiter, "resolveDispute", [id, 10_000, 0])).toEqual({
      name: "InvalidJobStatus",
      args: [id, JobStatus.resolved],
    });
  });

  it("before the dispute timeout the arbiter decides (timedOut = false) and the timeout no longer applies", async () => {
    const { market, arbiter, stranger, setNextTime, disputedJob } = t;
    const { id, job } = await disputedJob("dispute-arbiter");
    expect((await market.refusal(stranger, "resolveDispute", [id, 6_000, 2_500])).name).toBe(
      "NotArbiter",
    );
    const resolved = await market.send(arbiter, "resolveDispute", [id, 6_000, 2_500]);
    const gross = bps(RATE * 1_800n, 6_000);
    const slashed = bps(job.collateral, 2_500);
    expect(eventIn(resolved, "DisputeResolved")).toEqual({
      jobId: id,
      providerPayBps: 6_000,
      slashBps: 2_500,
      providerAmount: gross - bps(gross, P.feeBps),
      consumerAmount: ESCROW - gross + slashed,
      fee: bps(gross, P.feeBps),
      slashed,
      timedOut: false,
    });
    await setNextTime(job.disputeEndsAt);
    expect(await market.refusal(stranger, "settleDispute", [id])).toEqual({
      name: "InvalidJobStatus",
      args: [id, JobStatus.resolved],
    });
  });
});
