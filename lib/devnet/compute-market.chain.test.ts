/**
 * ComputeMarket v2 (the real WASM artifact) on the devnet, driven through viem as a wallet, the
 * keeper or an attacker would: consumer-scoped job ids, start acknowledgement, no-show and
 * deadline cancels, the dispute timeout, maxJobSeconds and terms fixed at funding. Each test
 * starts from the same chain (evm_snapshot / evm_revert); exact boundaries use
 * evm_setNextBlockTimestamp, which eth_call sees too.
 */
import { type Hex, keccak256, parseEther, parseGwei, toHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { limits } from "@/lib/market/limits";
import { computeMarketAbi } from "@/lib/web3/compute-market-abi";
import { quoteTypedData } from "@/lib/web3/eip712";
import { fundJobArgs, fundJobValue, type SignedQuote } from "@/lib/web3/fund-job";
import { chainJobId } from "@/lib/web3/job-id";
import { JobStatus, marketParamsView } from "@/lib/web3/market-views";
import {
  DEFAULT_ARTIFACT_PATH,
  type Devnet,
  DEFAULT_MARKET_PARAMS as P,
  startDevnet,
} from "./index";
import { type MarketParams, setParamsArgs } from "./market-params";
import { type Clients, clientsFor, eventIn, gasPaid, marketOn, minedAt } from "./test-helpers";

const artifact = process.env.DEVNET_ARTIFACT ?? DEFAULT_ARTIFACT_PATH;
const RATE = parseGwei("1");
const MAX_SECONDS = 3_600n;
const ESCROW = RATE * MAX_SECONDS;
const bps = (amount: bigint, b: number) => (amount * BigInt(b)) / 10_000n;

describe("ComputeMarket v2 on the devnet, through viem", () => {
  let devnet: Devnet;
  let market: ReturnType<typeof marketOn>;
  // Dev accounts: 0 owner, 1 arbiter, 2 fee recipient (the default deployment), then roles.
  let owner: Clients;
  let arbiter: Clients;
  let feeRecipient: Clients;
  let signer: Clients;
  let provider: Clients;
  let consumer: Clients;
  let stranger: Clients;
  let attacker: Clients;
  let attackerProvider: Clients;
  let snapshot: Hex;

  const keyOf = (c: Clients) =>
    devnet.accounts.find((a) => a.address === c.account.address)?.privateKey as Hex;
  const setNextTime = (timestamp: bigint) =>
    consumer.testClient.setNextBlockTimestamp({ timestamp });
  const balanceOf = (c: Clients) => c.publicClient.getBalance({ address: c.account.address });
  const withdrawable = (c: Clients) => market.withdrawable(c, c.account.address);

  beforeAll(async () => {
    devnet = await startDevnet({ port: 0, artifactPath: artifact });
    market = marketOn(devnet);
    owner = clientsFor(devnet, 0);
    arbiter = clientsFor(devnet, 1);
    feeRecipient = clientsFor(devnet, 2);
    signer = clientsFor(devnet, 4);
    provider = clientsFor(devnet, 5);
    consumer = clientsFor(devnet, 6);
    stranger = clientsFor(devnet, 7);
    attacker = clientsFor(devnet, 8);
    attackerProvider = clientsFor(devnet, 9);
    // The provider stakes and lets its agent key (signer) sign quotes and act for it; the
    // attacker runs a staked provider of its own, signing with the provider key itself.
    await market.send(provider, "stake", [], parseEther("10"));
    await market.send(provider, "setSigner", [signer.account.address]);
    await market.send(attackerProvider, "stake", [], parseEther("1"));
    await market.send(attackerProvider, "setSigner", [attackerProvider.account.address]);
  });
  afterAll(async () => {
    await devnet?.stop();
  });
  beforeEach(async () => {
    snapshot = await consumer.testClient.snapshot();
  });
  afterEach(async () => {
    await consumer.testClient.revert({ id: snapshot });
  });

  /** A quote for `by` (default: the consumer), signed by `signedBy` (default: the provider's signer). */
  async function quote(o: {
    label?: string;
    jobId?: Hex;
    by?: Clients;
    from?: Clients;
    signedBy?: Clients;
    maxSeconds?: bigint;
    rate?: bigint;
  }): Promise<SignedQuote> {
    const by = o.by ?? consumer;
    const now = (await by.publicClient.getBlock()).timestamp;
    const message = {
      jobId: o.jobId ?? chainJobId(by.account.address, o.label ?? "job"),
      consumer: by.account.address,
      provider: (o.from ?? provider).account.address,
      ratePerSecond: o.rate ?? RATE,
      maxSeconds: o.maxSeconds ?? MAX_SECONDS,
      expiresAt: now + 900n,
    };
    const signature = await privateKeyToAccount(keyOf(o.signedBy ?? signer)).signTypedData(
      quoteTypedData(devnet.chainId, devnet.contractAddress, message),
    );
    return { message, signature };
  }

  async function fund(q: SignedQuote, by = consumer) {
    const receipt = await market.send(by, "fundJob", fundJobArgs(q), fundJobValue(q.message));
    return { receipt, id: q.message.jobId, job: await market.job(by, q.message.jobId) };
  }

  /** A job funded, acknowledged, with 1,800 s of results submitted and then disputed. */
  async function disputedJob(label: string) {
    const { id } = await fund(await quote({ label }));
    await market.send(signer, "acknowledgeStart", [id]);
    await market.send(provider, "submitResult", [id, 1_800n, keccak256(toHex(label))]);
    const disputed = await market.send(consumer, "dispute", [id]);
    expect(eventIn(disputed, "JobDisputed")).toEqual({
      jobId: id,
      consumer: consumer.account.address,
    });
    return { id, job: await market.job(consumer, id) };
  }

  it("runs a job: fund, acknowledge start, submit, finalize, withdraw", async () => {
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

  it("cancels a job not acknowledged by its start deadline right after it, by anyone, with the no-show slash", async () => {
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

  it("refuses a job longer than maxJobSeconds, and funds the marketplace's longest job", async () => {
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

  it("a parameter change after funding leaves funded jobs' fee, slash, windows and split as they were", async () => {
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
