/**
 * The keeper against the embedded devnet running the real contract WASM, on PGlite and on
 * Postgres, with the indexer filling chain_jobs: each permissionless call sent once it is
 * allowed and not a second earlier, asserted on chain and in the index; calls already made by
 * someone else not sent; two keepers on one database sending each call once; a call that keeps
 * reverting tried a bounded number of times and then marked failed with its reason.
 */
import { sql } from "drizzle-orm";
import { formatEther, type Hex, keccak256, parseEther, parseEventLogs, toHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { type DbHandle, queryRows } from "@/db/client";
import { claimCall, keeperCalls, markSent } from "@/db/queries/chain/keeper";
import { createTestDb } from "@/db/testing";
import { type Devnet, startDevnet } from "@/lib/devnet";
import { DEVNET_ACCOUNT_BALANCE, DEVNET_PRIVATE_KEYS } from "@/lib/devnet/constants";
import { type Clients, clientsFor, marketOn } from "@/lib/devnet/test-helpers";
import { Indexer } from "@/lib/indexer/indexer";
import { rpcClient } from "@/lib/indexer/run";
import { indexUntilCaughtUp } from "@/lib/indexer/testing/catch-up";
import { computeMarketAbi } from "@/lib/web3/compute-market-abi";
import { quoteTypedData } from "@/lib/web3/eip712";
import { fundJobArgs, fundJobValue } from "@/lib/web3/fund-job";
import { chainJobId } from "@/lib/web3/job-id";
import { JobStatus } from "@/lib/web3/market-views";
import { Keeper, type KeeperOptions } from "./keeper";
import { runKeeper } from "./run";
import { DEVNET_KEEPER_ACCOUNT } from "./settings";

const RATE = 1_000_000_000n; // 1 gwei a second
const MAX_SECONDS = 3_600n;
const ESCROW = RATE * MAX_SECONDS;
const USED = 1_800n;
const bps = (amount: bigint, b: number) => (amount * BigInt(b)) / 10_000n;
// The default deployment's parameters (lib/devnet/market-params.ts).
const CHALLENGE_WINDOW = 3_600n;
const START_GRACE = 600n;
const DISPUTE_TIMEOUT = 86_400n;
const FEE_BPS = 250;
const COLLATERAL_BPS = 1_000;
const NO_SHOW_SLASH_BPS = 5_000;
const DISPUTE_DEFAULT_PAY_BPS = 5_000;

let devnet: Devnet;
let handle: DbHandle;
let indexer: Indexer;
let market: ReturnType<typeof marketOn>;
let provider: Clients;
let signer: Clients;
let consumer: Clients;
let stranger: Clients;
const keeperKey = DEVNET_PRIVATE_KEYS[DEVNET_KEEPER_ACCOUNT] as Hex;
const keeperAddress = privateKeyToAccount(keeperKey).address;
let lines: string[] = [];
const started: Keeper[] = [];
let label = 0;

function keeper(options: Partial<KeeperOptions> = {}): Keeper {
  const k = new Keeper({
    db: handle.db,
    rpcUrl: devnet.url,
    chain: consumer.chain,
    contract: devnet.contractAddress,
    privateKey: keeperKey,
    log: { info: (l) => lines.push(l), warn: (l) => lines.push(l) },
    ...options,
  });
  started.push(k);
  return k;
}

/** Ticks the indexer until it has reached the chain's head. */
const catchUp = () => indexUntilCaughtUp(indexer, 1_000);

/** The next block's time, exactly; calls (the keeper's clock among them) see it too. */
const setNextTime = (timestamp: bigint) => consumer.testClient.setNextBlockTimestamp({ timestamp });

const keeperNonce = () => consumer.publicClient.getTransactionCount({ address: keeperAddress });

async function fund(maxSeconds = MAX_SECONDS): Promise<{ id: Hex; fundedAt: bigint }> {
  const now = (await consumer.publicClient.getBlock()).timestamp;
  const message = {
    jobId: chainJobId(consumer.account.address, `keeper-test-${label++}`),
    consumer: consumer.account.address,
    provider: provider.account.address,
    ratePerSecond: RATE,
    maxSeconds,
    expiresAt: now + 900n,
  };
  const signature = await signer.account.signTypedData(
    quoteTypedData(devnet.chainId, devnet.contractAddress, message),
  );
  await market.send(
    consumer,
    "fundJob",
    fundJobArgs({ message, signature }),
    fundJobValue(message),
  );
  return { id: message.jobId, fundedAt: (await market.job(consumer, message.jobId)).fundedAt };
}

async function submitted(): Promise<{ id: Hex; endsAt: bigint }> {
  const { id } = await fund();
  await market.send(signer, "acknowledgeStart", [id]);
  await market.send(provider, "submitResult", [id, USED, keccak256(toHex(id))]);
  return { id, endsAt: (await market.job(consumer, id)).challengeEndsAt };
}

async function disputed(): Promise<{ id: Hex; endsAt: bigint }> {
  const { id } = await submitted();
  await market.send(consumer, "dispute", [id]);
  return { id, endsAt: (await market.job(consumer, id)).disputeEndsAt };
}

async function indexed(id: Hex) {
  const [row] = await queryRows<{ status: string; consumer_amount: string | null }>(
    handle.db,
    sql`select status, consumer_amount::text from chain_jobs where job_id = ${id}`,
  );
  return row;
}

async function indexedWithdrawable(address: string): Promise<bigint> {
  const [row] = await queryRows<{ withdrawable: string }>(
    handle.db,
    sql`select withdrawable::text from chain_accounts where address = ${address.toLowerCase()}`,
  );
  return BigInt(row?.withdrawable ?? "0");
}

async function callsFor(id: Hex) {
  return (await keeperCalls(handle.db)).filter((c) => c.jobId === id);
}

/** The settlement events the chain holds for `id` (any sender). */
async function settlements(id: Hex) {
  const logs = await consumer.publicClient.getLogs({
    address: devnet.contractAddress,
    fromBlock: 0n,
    toBlock: "latest",
  });
  return parseEventLogs({ abi: computeMarketAbi, logs }).filter(
    (l) =>
      ["JobFinalized", "JobExpired", "DisputeResolved"].includes(l.eventName) &&
      (l.args as { jobId?: string }).jobId?.toLowerCase() === id,
  );
}

beforeAll(async () => {
  devnet = await startDevnet({ port: 0 });
  handle = await createTestDb();
  market = marketOn(devnet);
  // Parties as in lib/devnet/market-fixture.ts; the keeper's account (9) sends nothing else.
  signer = clientsFor(devnet, 4);
  provider = clientsFor(devnet, 5);
  consumer = clientsFor(devnet, 6);
  stranger = clientsFor(devnet, 7);
  indexer = new Indexer(handle.db, rpcClient(devnet.url), {
    chainId: devnet.chainId,
    contract: devnet.contractAddress,
    startBlock: 0n,
    // Deep enough to roll back the reorganisation the last test makes.
    confirmations: 64,
    chunkBlocks: 500,
    mayReset: true,
  });
  await market.send(provider, "stake", [], parseEther("10"));
  await market.send(provider, "setSigner", [signer.account.address]);
});

afterEach(async () => {
  for (const k of started.splice(0)) await k.stop();
  lines = [];
});

afterAll(async () => {
  await handle?.close();
  await devnet?.stop();
});

describe("the keeper", () => {
  it("runs in the background and goes by the chain's clock, also while no block is mined", async () => {
    const { id, endsAt } = await submitted();
    await catchUp();
    // Time passes on the devnet, but no transaction comes: the latest block keeps its time.
    await consumer.testClient.increaseTime({ seconds: Number(CHALLENGE_WINDOW) + 5 });
    expect((await consumer.publicClient.getBlock()).timestamp).toBeLessThan(endsAt);
    const info = vi.spyOn(console, "info").mockImplementation(() => undefined);
    const running = runKeeper({ keeper: keeper(), intervalMs: 50 });
    try {
      await vi.waitFor(
        async () => expect((await market.job(consumer, id)).status).toBe(JobStatus.finalized),
        { timeout: 20_000, interval: 100 },
      );
    } finally {
      await running.stop();
    }
    expect(await running.ended).toBeNull();
    expect(info.mock.calls.flat()).toContain(
      `keeper: sending from ${keeperAddress} (balance ${formatEther(DEVNET_ACCOUNT_BALANCE)} ETH)`,
    );
    info.mockRestore();
    expect(lines.filter((l) => l.startsWith(`keeper: finalize ${id} sent in tx 0x`))).toHaveLength(
      1,
    );
    await catchUp();
  });

  it("finalizes a job once its challenge window has ended, not a second before", async () => {
    const k = keeper();
    const { id, endsAt } = await submitted();
    expect(endsAt).toBe((await market.job(consumer, id)).submittedAt + CHALLENGE_WINDOW);
    await catchUp();
    const nonce = await keeperNonce();
    const consumerBefore = await market.withdrawable(consumer, consumer.account.address);
    const providerBefore = await market.withdrawable(consumer, provider.account.address);

    await setNextTime(endsAt - 1n);
    expect(await k.round()).toMatchObject({ leased: true, due: 0, sent: 0 });
    expect(await keeperNonce()).toBe(nonce);
    expect(await callsFor(id)).toEqual([]);
    expect((await market.job(consumer, id)).status).toBe(JobStatus.submitted);

    await setNextTime(endsAt);
    expect(await k.round()).toMatchObject({ due: 1, sent: 1 });
    const job = await market.job(consumer, id);
    expect(job.status).toBe(JobStatus.finalized);
    const cost = RATE * USED;
    expect(await market.withdrawable(consumer, consumer.account.address)).toBe(
      consumerBefore + ESCROW - cost,
    );
    expect(await market.withdrawable(consumer, provider.account.address)).toBe(
      providerBefore + cost - bps(cost, FEE_BPS),
    );
    expect(await keeperNonce()).toBe(nonce + 1);

    const [call] = await callsFor(id);
    expect(call).toMatchObject({ call: "finalize", status: "confirmed", attempts: 1 });
    const [event] = await settlements(id);
    expect(event?.eventName).toBe("JobFinalized");
    expect(call?.txHash).toBe(event?.transactionHash);
    const receipt = await consumer.publicClient.getTransactionReceipt({
      hash: call?.txHash as Hex,
    });
    expect(receipt.from.toLowerCase()).toBe(keeperAddress.toLowerCase());
    expect(lines).toContain(
      `keeper: finalize ${id} sent in tx ${call?.txHash} (block ${receipt.blockNumber})`,
    );

    await catchUp();
    expect(await indexed(id)).toMatchObject({ status: "finalized" });
    expect(await indexedWithdrawable(consumer.account.address)).toBe(
      await market.withdrawable(consumer, consumer.account.address),
    );
    // Done: later rounds leave it alone.
    expect(await k.round()).toMatchObject({ due: 0, sent: 0 });
    expect(await keeperNonce()).toBe(nonce + 1);
  });

  it("cancels a funded job that was never started, from the second after its start deadline", async () => {
    const k = keeper();
    const { id, fundedAt } = await fund();
    await catchUp();
    const nonce = await keeperNonce();
    const before = await market.withdrawable(consumer, consumer.account.address);
    const stakeBefore = (await market.provider(consumer, provider.account.address)).stake;

    await setNextTime(fundedAt + START_GRACE);
    expect(await k.round()).toMatchObject({ due: 0, sent: 0 });
    expect(await keeperNonce()).toBe(nonce);
    expect((await market.job(consumer, id)).status).toBe(JobStatus.funded);

    await setNextTime(fundedAt + START_GRACE + 1n);
    expect(await k.round()).toMatchObject({ due: 1, sent: 1 });
    expect((await market.job(consumer, id)).status).toBe(JobStatus.expired);
    const slash = bps(bps(ESCROW, COLLATERAL_BPS), NO_SHOW_SLASH_BPS);
    expect(await market.withdrawable(consumer, consumer.account.address)).toBe(
      before + ESCROW + slash,
    );
    expect((await market.provider(consumer, provider.account.address)).stake).toBe(
      stakeBefore - slash,
    );
    const [call] = await callsFor(id);
    expect(call).toMatchObject({ call: "cancelExpired", status: "confirmed", attempts: 1 });
    expect(
      lines.some((l) =>
        l.startsWith(`keeper: cancelExpired ${id} sent in tx ${call?.txHash} (block `),
      ),
    ).toBe(true);

    await catchUp();
    expect(await indexed(id)).toMatchObject({
      status: "expired",
      consumer_amount: String(ESCROW + slash),
    });
    expect(await indexedWithdrawable(consumer.account.address)).toBe(before + ESCROW + slash);
  });

  it("cancels a running job without a result, from the second after its deadline", async () => {
    const k = keeper();
    const { id } = await fund();
    await market.send(signer, "acknowledgeStart", [id]);
    const { deadline } = await market.job(consumer, id);
    await catchUp();
    const nonce = await keeperNonce();
    const before = await market.withdrawable(consumer, consumer.account.address);

    await setNextTime(deadline);
    expect(await k.round()).toMatchObject({ due: 0, sent: 0 });
    expect(await keeperNonce()).toBe(nonce);
    expect((await market.job(consumer, id)).status).toBe(JobStatus.running);

    await setNextTime(deadline + 1n);
    expect(await k.round()).toMatchObject({ due: 1, sent: 1 });
    expect((await market.job(consumer, id)).status).toBe(JobStatus.expired);
    const slash = bps(bps(ESCROW, COLLATERAL_BPS), NO_SHOW_SLASH_BPS);
    expect(await market.withdrawable(consumer, consumer.account.address)).toBe(
      before + ESCROW + slash,
    );
    expect(await callsFor(id)).toMatchObject([{ call: "cancelExpired", status: "confirmed" }]);

    await catchUp();
    expect(await indexed(id)).toMatchObject({ status: "expired" });
  });

  it("settles a dispute the arbiter left alone once its timeout has passed", async () => {
    const k = keeper();
    const { id, endsAt } = await disputed();
    expect(endsAt).toBe((await market.job(consumer, id)).disputedAt + DISPUTE_TIMEOUT);
    await catchUp();
    const nonce = await keeperNonce();
    const before = await market.withdrawable(consumer, consumer.account.address);
    const providerBefore = await market.withdrawable(consumer, provider.account.address);

    await setNextTime(endsAt - 1n);
    expect(await k.round()).toMatchObject({ due: 0, sent: 0 });
    expect(await keeperNonce()).toBe(nonce);
    expect((await market.job(consumer, id)).status).toBe(JobStatus.disputed);

    await setNextTime(endsAt);
    expect(await k.round()).toMatchObject({ due: 1, sent: 1 });
    expect((await market.job(consumer, id)).status).toBe(JobStatus.resolved);
    const gross = bps(RATE * USED, DISPUTE_DEFAULT_PAY_BPS);
    expect(await market.withdrawable(consumer, consumer.account.address)).toBe(
      before + ESCROW - gross,
    );
    expect(await market.withdrawable(consumer, provider.account.address)).toBe(
      providerBefore + gross - bps(gross, FEE_BPS),
    );
    const [event] = await settlements(id);
    expect(event?.eventName).toBe("DisputeResolved");
    expect(event?.args).toMatchObject({ timedOut: true });
    expect(await callsFor(id)).toMatchObject([
      { call: "settleDispute", status: "confirmed", txHash: event?.transactionHash },
    ]);

    await catchUp();
    expect(await indexed(id)).toMatchObject({ status: "resolved" });
  });

  it("sends nothing for a job someone else settled, whether the index has seen it or not", async () => {
    const k = keeper();
    const seen = await submitted();
    const unseen = await submitted();
    await catchUp();
    const nonce = await keeperNonce();
    await setNextTime(unseen.endsAt);
    await market.send(stranger, "finalize", [seen.id]);
    await catchUp();
    // Another account finalizes this one too, and the index has not seen it yet.
    await market.send(stranger, "finalize", [unseen.id]);

    expect(await k.round()).toMatchObject({ due: 1, sent: 0, alreadyDone: 1 });
    // The index said `seen` was finalized: nothing taken up. The chain said so of `unseen`.
    expect(await callsFor(seen.id)).toEqual([]);
    expect(await callsFor(unseen.id)).toMatchObject([
      { call: "finalize", status: "confirmed", txHash: null, attempts: 1 },
    ]);
    expect(lines).toContain(
      `keeper: finalize ${unseen.id} not sent: the job is already finalized on chain`,
    );
    expect(await keeperNonce()).toBe(nonce);
    expect((await settlements(unseen.id)).length).toBe(1);
    await catchUp();
    expect(await k.round()).toMatchObject({ due: 0 });
  });

  it("looks again later, without counting an attempt, at a job the chain moved ahead of the index", async () => {
    const k = keeper({ recheckMs: 0 });
    const { id, fundedAt } = await fund();
    await catchUp();
    // Started on chain; the index still says funded when the start deadline passes.
    await market.send(signer, "acknowledgeStart", [id]);
    const { deadline } = await market.job(consumer, id);
    const nonce = await keeperNonce();
    await setNextTime(fundedAt + START_GRACE + 1n);
    expect(await k.round()).toMatchObject({ due: 1, sent: 0, waiting: 1 });
    expect(await keeperNonce()).toBe(nonce);
    expect(await callsFor(id)).toMatchObject([
      { call: "cancelExpired", status: "sending", attempts: 0, txHash: null },
    ]);
    expect(lines.at(-1)).toBe(
      `keeper: cancelExpired ${id} not sent: the job is running on chain, still funded in the index; looked at again later`,
    );

    await catchUp();
    // Running now in the index too: not due before its deadline, due after it.
    expect(await k.round()).toMatchObject({ due: 0 });
    await setNextTime(deadline + 1n);
    expect(await k.round()).toMatchObject({ due: 1, sent: 1 });
    expect(await callsFor(id)).toMatchObject([
      { call: "cancelExpired", status: "confirmed", attempts: 1 },
    ]);
    expect(await keeperNonce()).toBe(nonce + 1);
    await catchUp();
  });

  it("sends a call again when a reorganisation undid the block that confirmed it, and only then", async () => {
    const k = keeper({ holdMs: 50 });
    const { id, endsAt } = await submitted();
    await catchUp();
    const beforeFinalize = await consumer.testClient.snapshot();
    const nonce = await keeperNonce();
    await setNextTime(endsAt);
    expect(await k.round()).toMatchObject({ due: 1, sent: 1, reopened: 0 });
    const [first] = await callsFor(id);
    expect(first).toMatchObject({ call: "finalize", status: "confirmed" });

    // The index has not seen the finalize yet, past the recheck time: the receipt is on chain,
    // so nothing is reopened or sent.
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await indexed(id)).toMatchObject({ status: "submitted" });
    expect(await k.round()).toMatchObject({ due: 0, sent: 0, reopened: 0 });
    expect(await keeperNonce()).toBe(nonce + 1);
    await catchUp();
    expect(await indexed(id)).toMatchObject({ status: "finalized" });

    // The block with the keeper's finalize is replaced: the job is submitted again on chain.
    await consumer.testClient.revert({ id: beforeFinalize });
    await setNextTime(endsAt + 5n);
    await consumer.testClient.mine({ blocks: 2 });
    expect((await market.job(consumer, id)).status).toBe(JobStatus.submitted);
    expect(await keeperNonce()).toBe(nonce);
    await catchUp();
    expect(await indexed(id)).toMatchObject({ status: "submitted" });

    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await k.round()).toMatchObject({ reopened: 1, due: 1, sent: 1 });
    expect((await market.job(consumer, id)).status).toBe(JobStatus.finalized);
    const [again] = await callsFor(id);
    expect(again).toMatchObject({ call: "finalize", status: "confirmed", attempts: 1 });
    // Mined again (the same signed call, sent anew: same nonce and data, so the same hash).
    const receipt = await consumer.publicClient.getTransactionReceipt({
      hash: again?.txHash as Hex,
    });
    expect(receipt.status).toBe("success");
    expect(await keeperNonce()).toBe(nonce + 1);
    expect(lines).toContain(
      `keeper: finalize ${id}: tx ${first?.txHash} did it, and a reorganisation undid it: the job is submitted on chain again; sending it again`,
    );
    await catchUp();
    expect(await indexed(id)).toMatchObject({ status: "finalized" });
  });

  it("lets one keeper at a time hold the lease; another takes it when released or lapsed", async () => {
    const a = keeper({ holder: "keeper-a" });
    const b = keeper({ holder: "keeper-b" });
    const jobs = [await submitted(), await submitted(), await submitted()];
    await catchUp();
    const nonce = await keeperNonce();
    await setNextTime(jobs.at(-1)?.endsAt as bigint);
    const rounds = await Promise.all([a.round(), b.round()]);
    expect(rounds.map((r) => r.leased).sort()).toEqual([false, true]);
    expect(rounds.find((r) => r.leased)).toMatchObject({ due: 3, sent: 3 });
    expect(rounds.find((r) => !r.leased)).toMatchObject({ due: 0, sent: 0 });
    expect(await keeperNonce()).toBe(nonce + 3);
    for (const j of jobs) expect((await settlements(j.id)).length).toBe(1);

    const [holder, other] = rounds[0]?.leased ? [a, b] : [b, a];
    expect((await other.round()).leased).toBe(false);
    await holder.stop();
    expect((await other.round()).leased).toBe(true);

    // A lease that is not renewed lapses.
    await other.stop();
    const short = keeper({ holder: "keeper-short", leaseMs: 300 });
    const next = keeper({ holder: "keeper-next" });
    expect((await short.round()).leased).toBe(true);
    expect((await next.round()).leased).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await next.round()).leased).toBe(true);
    expect((await short.round()).leased).toBe(false);
    expect(lines).toContain("keeper: another keeper holds the lease now; standing by");
    await catchUp();
  });

  it("sends each call once when two keepers both think they hold the lease", async () => {
    // From two accounts, so that neither the shared nonce nor the chain keeps them apart: only
    // their claims in keeper_calls do.
    const a = keeper({ holder: "keeper-a", retryBaseMs: 0 });
    const otherKey = DEVNET_PRIVATE_KEYS[8] as Hex;
    const other = privateKeyToAccount(otherKey).address;
    const b = keeper({ holder: "keeper-b", retryBaseMs: 0, privateKey: otherKey });
    const sentFromBoth = async () =>
      (await keeperNonce()) + (await consumer.publicClient.getTransactionCount({ address: other }));
    const finalizeA = await submitted();
    const finalizeB = await submitted();
    const unstarted = await fund();
    const running = await fund();
    await market.send(signer, "acknowledgeStart", [running.id]);
    const dispute = await disputed();
    const ids = [finalizeA.id, finalizeB.id, unstarted.id, running.id, dispute.id];
    await catchUp();
    const before = await sentFromBoth();
    await setNextTime(dispute.endsAt + 1n);

    // Both take every round from the same due list, at the same time, on one database.
    for (let i = 0; i < 10; i++) {
      await Promise.all([a.sendDue(), b.sendDue()]);
      const calls = (await keeperCalls(handle.db)).filter((c) => ids.includes(c.jobId as Hex));
      if (calls.length === ids.length && calls.every((c) => c.status === "confirmed")) break;
    }
    const calls = (await keeperCalls(handle.db)).filter((c) => ids.includes(c.jobId as Hex));
    expect(calls.map((c) => [c.jobId, c.call, c.status]).sort()).toEqual(
      [
        [finalizeA.id, "finalize", "confirmed"],
        [finalizeB.id, "finalize", "confirmed"],
        [unstarted.id, "cancelExpired", "confirmed"],
        [running.id, "cancelExpired", "confirmed"],
        [dispute.id, "settleDispute", "confirmed"],
      ].sort(),
    );
    // One settlement per job, and no transaction from either account besides those five (a
    // second one for a call would have been mined and reverted, and counted here).
    for (const id of ids) expect((await settlements(id)).length).toBe(1);
    expect(new Set(calls.map((c) => c.txHash)).size).toBe(5);
    expect(await sentFromBoth()).toBe(before + 5);
    await catchUp();
    for (const id of ids) {
      expect(["finalized", "expired", "resolved"]).toContain((await indexed(id))?.status);
    }
  });

  it("gives a call to one of many keepers claiming it at once, and takes it from one whose hold lapsed", async () => {
    const contested = await submitted();
    const stalled = await submitted();
    await catchUp();
    const due = (id: Hex) => ({
      jobId: id,
      call: "finalize" as const,
      status: "submitted" as const,
    });
    const claims = await Promise.all(
      Array.from({ length: 8 }, () => claimCall(handle.db, due(contested.id), 5, 60_000)),
    );
    expect(claims.filter((c) => c !== null)).toEqual([
      { attempt: 1, status: "sending", txHash: null },
    ]);
    // A keeper that claimed `stalled` stalls: its hold (0 ms here) lapses and another claims it;
    // the first, back, can no longer record a transaction, so it sends none.
    const first = await claimCall(handle.db, due(stalled.id), 5, 0);
    const second = await claimCall(handle.db, due(stalled.id), 5, 0);
    expect([first?.attempt, second?.attempt]).toEqual([1, 2]);
    const hash = `0x${"ab".repeat(32)}` as const;
    const lapsed = { jobId: stalled.id, call: "finalize" as const, attempt: 1 };
    expect(await markSent(handle.db, lapsed, hash, 60_000)).toBe(false);
    expect(await callsFor(stalled.id)).toMatchObject([{ status: "sending", txHash: null }]);

    // A keeper's round leaves the contested call to its claimant (held for a minute) and takes
    // the stalled one over.
    await setNextTime(stalled.endsAt);
    const k = keeper();
    expect(await k.round()).toMatchObject({ due: 1, sent: 1 });
    expect(await callsFor(contested.id)).toMatchObject([{ status: "sending", attempts: 1 }]);
    expect(await callsFor(stalled.id)).toMatchObject([{ status: "confirmed", attempts: 3 }]);
    // Leave no open job behind: the contested call is sent once its claim lapses.
    await handle.db.execute(
      sql`update keeper_calls set next_attempt_at = now() where job_id = ${contested.id}`,
    );
    expect(await k.round()).toMatchObject({ due: 1, sent: 1 });
    expect(await callsFor(contested.id)).toMatchObject([{ status: "confirmed", attempts: 2 }]);
    await catchUp();
  });

  it("retries a call that reverts with a growing pause, then marks it failed with the reason", async () => {
    // The index is ahead of the chain: a job it holds was lost in a reorganisation.
    const snapshot = await consumer.testClient.snapshot();
    const { id, endsAt } = await submitted();
    await catchUp();
    await consumer.testClient.revert({ id: snapshot });
    expect((await market.job(consumer, id)).status).toBe(JobStatus.none);
    const nonce = await keeperNonce();
    await setNextTime(endsAt + 10n);

    const slow = keeper({
      holder: "keeper-slow",
      retryBaseMs: 3_600_000,
      retryMaxMs: 3_600_000,
    });
    expect(await slow.round()).toMatchObject({ due: 1, retrying: 1, sent: 0 });
    let [call] = await callsFor(id);
    expect(call).toMatchObject({ status: "sending", attempts: 1 });
    expect(call?.lastError).toBe(
      `InvalidJobStatus(jobId: ${id}, status: 0 (none)): the job is not on this chain`,
    );
    expect((call?.nextAttemptAt.getTime() ?? 0) - (call?.updatedAt.getTime() ?? 0)).toBe(3_600_000);
    expect(lines).toContain(
      `keeper: finalize ${id} failed (attempt 1 of 5): InvalidJobStatus(jobId: ${id}, status: 0 (none)): the job is not on this chain; retrying in 3600 s`,
    );
    // Not again before its pause is over.
    expect(await slow.round()).toMatchObject({ due: 0 });
    expect((await callsFor(id))[0]?.attempts).toBe(1);
    await slow.stop();

    // An hour on (the database's clock decides the retry time).
    await handle.db.execute(
      sql`update keeper_calls set next_attempt_at = now() where job_id = ${id}`,
    );
    const quick = keeper({ holder: "keeper-quick", retryBaseMs: 1 });
    for (let attempt = 2; attempt <= 5; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await quick.round()).toMatchObject({ due: 1, sent: 0 });
      [call] = await callsFor(id);
      expect(call?.attempts).toBe(attempt);
      if (attempt < 5) {
        expect(call?.status).toBe("sending");
        // 1 ms, doubled after each failed attempt.
        expect((call?.nextAttemptAt.getTime() ?? 0) - (call?.updatedAt.getTime() ?? 0)).toBe(
          Math.round(2 ** (attempt - 1)),
        );
      }
    }
    expect(call).toMatchObject({ status: "failed", attempts: 5, txHash: null });
    expect(call?.lastError).toContain("InvalidJobStatus");
    expect(lines.at(-1)).toBe(
      `keeper: finalize ${id} failed after 5 attempts: InvalidJobStatus(jobId: ${id}, status: 0 (none)): the job is not on this chain; giving up`,
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await quick.round()).toMatchObject({ due: 0 });
    expect((await callsFor(id))[0]?.attempts).toBe(5);
    // Simulated each time, never paid for.
    expect(await keeperNonce()).toBe(nonce);

    // The indexer rolls the lost job back.
    await catchUp();
    expect(await indexed(id)).toBeUndefined();
  });
});
