/**
 * ComputeMarket v2 (the real WASM artifact) on the devnet, driven through viem as a wallet or an
 * attacker would: the whole lifecycle with its events, consumer-scoped job ids against squatting,
 * and maxJobSeconds. Deadlines and timeouts: compute-market-deadlines.chain.test.ts; terms fixed
 * at funding: compute-market-terms.chain.test.ts.
 */
import { keccak256, parseEther, toHex } from "viem";
import { describe, expect, it } from "vitest";
import { limits } from "@/lib/market/limits";
import { computeMarketAbi } from "@/lib/web3/compute-market-abi";
import { fundJobArgs, fundJobValue } from "@/lib/web3/fund-job";
import { JobStatus } from "@/lib/web3/market-views";
import { DEFAULT_MARKET_PARAMS as P } from "./index";
import { bps, ESCROW, MAX_SECONDS, marketFixture, RATE } from "./market-fixture";
import { eventIn, gasPaid, minedAt } from "./test-helpers";

describe("ComputeMarket v2 on the devnet: lifecycle, job ids, job length", () => {
  const t = marketFixture();

  it("runs a job: fund, acknowledge start, submit, finalize, withdraw", async () => {
    const {
      market,
      feeRecipient,
      signer,
      provider,
      consumer,
      stranger,
      balanceOf,
      withdrawable,
      quote,
      fund,
    } = t;
    const q = await quote({ label: "lifecycle" });
    const id = q.message.jobId;
    // A quote signed by anyone but the provider's signer is refused.
    const forged = await quote({ label: "lifecycle", signedBy: stranger });
    expect((await market.refusal(consumer, "fundJob", fundJobArgs(forged), ESCROW)).name).toBe(
      "InvalidSignature",
    );
    expect(await market.refusal(consumer, "fundJob", fundJobArgs(q), ESCROW - 1n)).toEqual({
      name: "WrongValue",
      args: [ESCROW, ESCROW - 1n],
    });

    const { receipt, job } = await fund(q);
    const collateral = bps(ESCROW, P.collateralBps);
    expect(eventIn(receipt, "JobFunded")).toEqual({
      jobId: id,
      consumer: consumer.account.address,
      provider: provider.account.address,
      ratePerSecond: RATE,
      maxSeconds: MAX_SECONDS,
      escrow: ESCROW,
      collateral,
    });
    const fundedAt = await minedAt(consumer, receipt);
    expect(job).toMatchObject({
      consumer: consumer.account.address,
      provider: provider.account.address,
      status: JobStatus.funded,
      escrow: ESCROW,
      collateral,
      fundedAt,
      startDeadline: fundedAt + P.startGraceSeconds,
      deadline: fundedAt + P.startGraceSeconds + MAX_SECONDS,
      feeBps: P.feeBps,
      noShowSlashBps: P.noShowSlashBps,
      disputeDefaultPayBps: P.disputeDefaultPayBps,
    });
    expect((await market.provider(provider, provider.account.address)).locked).toBe(collateral);
    expect(await market.refusal(consumer, "fundJob", fundJobArgs(q), ESCROW)).toEqual({
      name: "JobExists",
      args: [id],
    });

    // No result before the start is acknowledged, and only the provider or its signer acknowledges.
    const result = keccak256(toHex("result"));
    expect(await market.refusal(provider, "submitResult", [id, 1_800n, result])).toEqual({
      name: "InvalidJobStatus",
      args: [id, JobStatus.funded],
    });
    expect(await market.refusal(stranger, "acknowledgeStart", [id])).toEqual({
      name: "NotJobProvider",
      args: [id, stranger.account.address],
    });
    const started = await market.send(signer, "acknowledgeStart", [id]);
    expect(eventIn(started, "JobStarted")).toEqual({
      jobId: id,
      provider: provider.account.address,
    });
    expect(await market.job(consumer, id)).toMatchObject({
      status: JobStatus.running,
      startedAt: await minedAt(signer, started),
    });
    expect(await market.refusal(signer, "acknowledgeStart", [id])).toEqual({
      name: "InvalidJobStatus",
      args: [id, JobStatus.running],
    });

    const submitted = await market.send(provider, "submitResult", [id, 1_800n, result]);
    expect(eventIn(submitted, "ResultSubmitted")).toEqual({
      jobId: id,
      provider: provider.account.address,
      usedSeconds: 1_800n,
      resultHash: result,
    });
    const submittedAt = await minedAt(provider, submitted);
    expect(await market.refusal(stranger, "finalize", [id])).toEqual({
      name: "ChallengeWindowOpen",
      args: [submittedAt + P.challengeWindow],
    });

    await stranger.testClient.increaseTime({ seconds: Number(P.challengeWindow) + 1 });
    const finalized = await market.send(stranger, "finalize", [id]);
    const earned = RATE * 1_800n;
    const fee = bps(earned, P.feeBps);
    expect(eventIn(finalized, "JobFinalized")).toEqual({
      jobId: id,
      providerAmount: earned - fee,
      fee,
      consumerRefund: ESCROW - earned,
    });
    expect((await market.job(consumer, id)).status).toBe(JobStatus.finalized);
    expect(await withdrawable(provider)).toBe(earned - fee);
    expect(await withdrawable(feeRecipient)).toBe(fee);
    expect(await withdrawable(consumer)).toBe(ESCROW - earned);
    expect(await withdrawable(stranger)).toBe(0n);
    expect(await market.provider(provider, provider.account.address)).toMatchObject({
      stake: parseEther("10"),
      locked: 0n,
    });

    const before = await balanceOf(provider);
    const withdrawn = await market.send(provider, "withdraw", []);
    expect(eventIn(withdrawn, "Withdrawn")).toEqual({
      account: provider.account.address,
      amount: earned - fee,
    });
    expect((await balanceOf(provider)) - before + gasPaid(withdrawn)).toBe(earned - fee);
    expect((await market.refusal(provider, "withdraw", [])).name).toBe("NothingToWithdraw");
  });

  it("nobody can squat a consumer's job id: InvalidJobId for anyone else, then the consumer funds it", async () => {
    const { market, provider, consumer, attacker, attackerProvider, balanceOf, quote, fund } = t;
    const victimQuote = await quote({ label: "squatted" });
    const id = victimQuote.message.jobId;
    // The attacker signs, with its own staked provider, a valid quote for the victim's id...
    const attack = await quote({
      jobId: id,
      by: attacker,
      from: attackerProvider,
      signedBy: attackerProvider,
      rate: 1n,
      maxSeconds: 1n,
    });
    expect(await market.refusal(attacker, "fundJob", fundJobArgs(attack), 1n)).toEqual({
      name: "InvalidJobId",
      args: [id],
    });
    // ... and replaying the victim's own quote from its account fails the same way.
    expect(await market.refusal(attacker, "fundJob", fundJobArgs(victimQuote), ESCROW)).toEqual({
      name: "InvalidJobId",
      args: [id],
    });

    // Sent without simulating, as a front-runner would: mined, reverted, only gas spent.
    const before = await balanceOf(attacker);
    const hash = await attacker.walletClient.writeContract({
      address: market.address,
      abi: computeMarketAbi,
      functionName: "fundJob",
      args: fundJobArgs(attack),
      value: 1n,
      gas: 1_000_000n,
      account: attacker.account,
      chain: attacker.chain,
    });
    const reverted = await attacker.publicClient.waitForTransactionReceipt({ hash });
    expect(reverted.status).toBe("reverted");
    expect(before - (await balanceOf(attacker))).toBe(gasPaid(reverted));
    expect((await market.job(consumer, id)).status).toBe(JobStatus.none);
    expect((await market.provider(attacker, attackerProvider.account.address)).locked).toBe(0n);

    // The victim's quote funds as if nothing happened.
    const { receipt, job } = await fund(victimQuote);
    expect(eventIn(receipt, "JobFunded")).toMatchObject({
      jobId: id,
      consumer: consumer.account.address,
      provider: provider.account.address,
      escrow: ESCROW,
    });
    expect(job).toMatchObject({ status: JobStatus.funded, consumer: consumer.account.address });
    // The attacker can fund ids of its own, with its own provider.
    const own = await quote({
      label: "squatted",
      by: attacker,
      from: attackerProvider,
      signedBy: attackerProvider,
    });
    expect(own.message.jobId).not.toBe(id);
    expect((await fund(own, attacker)).job.status).toBe(JobStatus.funded);
  });

  it("refuses a job longer than maxJobSeconds, and funds the marketplace's longest job", async () => {
    const { market, consumer, quote, fund } = t;
    const tooLong = await quote({ label: "too-long", maxSeconds: P.maxJobSeconds + 1n });
    expect(
      await market.refusal(
        consumer,
        "fundJob",
        fundJobArgs(tooLong),
        fundJobValue(tooLong.message),
      ),
    ).toEqual({ name: "JobTooLong", args: [P.maxJobSeconds + 1n, P.maxJobSeconds] });

    const longest = BigInt(limits.maxHours * 3600);
    const { job } = await fund(await quote({ label: "longest", maxSeconds: longest }));
    expect(job).toMatchObject({
      status: JobStatus.funded,
      maxSeconds: longest,
      deadline: job.fundedAt + P.startGraceSeconds + longest,
    });
  });
});
