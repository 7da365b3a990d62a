/**
 * The provider's pages' reads and actions, over an index the real indexer builds off a devnet
 * running the contract's WASM: getting started, offers with their leases (and the removal
 * refused while a job holds GPUs), agent keys, jobs served with pay, GPU utilization per day,
 * missed matches, and the arbiter's disputes with payouts equal to what the contract pays. Each
 * read is the session's own; the refusals are tested with other signed-in wallets.
 */
import { type Hex, keccak256, parseEther, toHex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { eventsOf } from "@/db/queries/events";
import { createTestDb, testDriver } from "@/db/testing";
import { unwrap } from "@/lib/actions/testing";
import { type Devnet, startDevnet } from "@/lib/devnet";
import { type Clients, clientsFor, eventIn, marketOn } from "@/lib/devnet/test-helpers";
import { Indexer } from "@/lib/indexer/indexer";
import { rpcClient } from "@/lib/indexer/run";
import { indexUntilCaughtUp } from "@/lib/indexer/testing/catch-up";
import { registerProviderInput } from "@/lib/market/schemas";
import { fundJobArgs, fundJobValue } from "@/lib/web3/fund-job";
import { disputesForArbiter, isArbiter } from "../chain/arbiter";
import { dayKey } from "../chain/days";
import { addressOf, clientsOfKey } from "../chain/testing";
import { submitJobAction } from "../jobs/actions";
import { registerLocalSigner } from "../quotes/signers";
import { jobInput, seedOffer, sessionOf } from "../testing";
import { earningsPage, jobsServed, missedMatchesOf, providerOverview } from "./dashboard";
import { previewResolutionAction, removeIdleOfferAction } from "./page-actions";
import { createApiKey, registerProvider, revokeApiKey } from "./providers";

let devnet: Devnet;
let handle: DbHandle;
let market: ReturnType<typeof marketOn>;
let indexer: Indexer;
let anyone: Clients;
let arbiter: Clients;
let provider: Clients;
let signer: Clients;
let consumer: Clients;
/** A second provider, from the missed-matches tests on. */
let rival: Clients;
let offerId = "";
/** Finalized: served, paid. */
const A = { id: "", chainId: "" as Hex };
/** Disputed, for the arbiter. */
const B = { id: "", chainId: "" as Hex };

const catchUp = () => indexUntilCaughtUp(indexer);

async function submitAndFund(gpus: number) {
  const out = unwrap(
    await submitJobAction.run(jobInput({ gpuCount: gpus, maxHours: 1 }), {
      session: sessionOf(consumer.account.address),
      db: handle.db,
    }),
  );
  if (!out.quote) throw new Error(`job not quoted (${out.job.status})`);
  const quote = { message: out.quote.message, signature: out.quote.signature };
  await market.send(consumer, "fundJob", fundJobArgs(quote), fundJobValue(quote.message));
  return { id: out.job.id, chainId: quote.message.jobId as Hex };
}

beforeAll(async () => {
  devnet = await startDevnet({ port: 0 });
  handle = await createTestDb();
  market = marketOn(devnet);
  indexer = new Indexer(handle.db, rpcClient(devnet.url), {
    chainId: devnet.chainId,
    contract: devnet.contractAddress,
    startBlock: 0n,
    confirmations: 0,
    chunkBlocks: 200,
    mayReset: true,
  });
  anyone = clientsFor(devnet, 9);
  arbiter = clientsFor(devnet, 1);
  const signerKey = generatePrivateKey();
  provider = clientsOfKey(devnet, generatePrivateKey());
  signer = clientsOfKey(devnet, signerKey);
  consumer = clientsOfKey(devnet, generatePrivateKey());
  for (const c of [provider, signer, consumer]) {
    await anyone.testClient.setBalance({ address: c.account.address, value: parseEther("100") });
  }
  registerLocalSigner(signerKey);
  await catchUp();
});

afterAll(async () => {
  await handle?.close();
  await devnet?.stop();
});

describe(`the provider's pages on ${testDriver()}`, () => {
  const me = () => addressOf(provider);

  it("getting started shows each step done as the provider takes it", async () => {
    let o = await providerOverview(handle.db, me());
    expect(o.steps).toEqual({
      register: false,
      stake: false,
      signer: false,
      agentKey: false,
      offer: false,
    });
    expect(o.market?.minStake).toBe(10n ** 17n);

    await registerProvider(
      handle.db,
      me(),
      registerProviderInput.parse({
        name: "pages",
        region: "us-east",
        signerAddress: signer.account.address,
      }),
    );
    // Below the minimum (0.1 ETH) is not done.
    await market.send(provider, "stake", [], parseEther("0.05"));
    await catchUp();
    o = await providerOverview(handle.db, me());
    expect(o.steps).toMatchObject({ register: true, stake: false, signer: false });
    expect(o.stake.stake).toBe(parseEther("0.05"));

    await market.send(provider, "stake", [], parseEther("4.95"));
    await market.send(provider, "setSigner", [signer.account.address]);
    await createApiKey(handle.db, me(), "rack 1");
    offerId = (await seedOffer(handle.db, me(), { gpusTotal: 8 })).id;
    await catchUp();
    o = await providerOverview(handle.db, me());
    expect(o.steps).toEqual({
      register: true,
      stake: true,
      signer: true,
      agentKey: true,
      offer: true,
    });
    expect(o.setupDone).toBe(true);
    expect(o.stake).toMatchObject({
      stake: parseEther("5"),
      freeStake: parseEther("5"),
      signer: signer.account.address.toLowerCase(),
    });
  });

  it("lists agent keys with their state and never the key; revoked keys stay listed as revoked", async () => {
    const made = await createApiKey(handle.db, me(), "rack 2");
    let keys = (await providerOverview(handle.db, me())).keys;
    expect(keys.map((k) => k.label)).toEqual(["rack 2", "rack 1"]);
    expect(JSON.stringify(keys)).not.toContain(made.key);
    expect(keys[0]).toMatchObject({
      prefix: made.key.slice(0, 10),
      lastUsedAt: null,
      revokedAt: null,
    });
    await revokeApiKey(handle.db, me(), made.id as string);
    keys = (await providerOverview(handle.db, me())).keys;
    expect(keys.map((k) => [k.label, k.revokedAt !== null])).toEqual([
      ["rack 1", false],
      ["rack 2", true],
    ]);
    // Another provider cannot revoke this one's key: it is not theirs.
    const other = privateKeyToAccount(generatePrivateKey()).address.toLowerCase();
    await registerProvider(
      handle.db,
      other,
      registerProviderInput.parse({ name: "other", region: "us-east", signerAddress: other }),
    );
    await expect(revokeApiKey(handle.db, other, keys[0]?.id as string)).rejects.toMatchObject({
      code: "not_found",
    });
  });

  it("refuses to remove an offer while a job holds its GPUs, and says why; removes it after", async () => {
    // Both funded before any test moves the chain's clock past their quotes' expiry.
    Object.assign(A, await submitAndFund(2));
    Object.assign(B, await submitAndFund(1));
    await market.send(signer, "acknowledgeStart", [A.chainId]);
    await market.send(signer, "acknowledgeStart", [B.chainId]);
    await catchUp();
    const [offer] = (await providerOverview(handle.db, me())).offers;
    expect(offer).toMatchObject({
      id: offerId,
      gpusTotal: 8,
      gpusFree: 5,
      liveLeases: 2,
      runningLeases: 2,
    });

    const refused = await removeIdleOfferAction.run(
      { offerId },
      { session: sessionOf(me()), db: handle.db },
    );
    expect(refused).toMatchObject({
      ok: false,
      code: "conflict",
      message: expect.stringContaining("3 of this offer's GPUs are leased to a job"),
    });
    // A stranger does not learn the offer exists.
    const stranger = privateKeyToAccount(generatePrivateKey()).address;
    const strangers = await removeIdleOfferAction.run(
      { offerId },
      { session: sessionOf(stranger), db: handle.db },
    );
    expect(strangers).toMatchObject({ ok: false, code: "forbidden" });
    // Signed out: nothing.
    expect(
      await removeIdleOfferAction.run({ offerId }, { session: null, db: handle.db }),
    ).toMatchObject({
      ok: false,
      code: "unauthorized",
    });
    expect((await providerOverview(handle.db, me())).offers[0]?.status).toBe("active");
    // B goes to dispute inside its challenge window, before the next test moves the clock.
    await market.send(provider, "submitResult", [B.chainId, 900n, keccak256(toHex("B"))]);
    await market.send(consumer, "dispute", [B.chainId]);
  });

  it("lists the jobs served with outcome and pay, and earnings and GPU utilization per day", async () => {
    await market.send(provider, "submitResult", [A.chainId, 1_800n, keccak256(toHex("A"))]);
    await anyone.testClient.increaseTime({ seconds: 3_601 });
    const finalized = await market.send(anyone, "finalize", [A.chainId]);
    await catchUp();
    const paid = (eventIn(finalized, "JobFinalized") as { providerAmount: bigint }).providerAmount;

    const served = await jobsServed(handle.db, me());
    expect(served).toHaveLength(2);
    expect(served.find((j) => j.jobId === A.id)).toMatchObject({
      chainJobId: A.chainId.toLowerCase(),
      jobId: A.id,
      status: "finalized",
      gpuCount: 2,
      gpuModel: "h100-80gb",
      usedSeconds: 1_800n,
      providerAmount: paid,
    });

    const block = await anyone.publicClient.getBlock({ blockNumber: finalized.blockNumber });
    const settledAt = new Date(Number(block.timestamp) * 1000);
    const page = await earningsPage(handle.db, me(), {
      from: new Date(settledAt.getTime() - 86_400_000),
      to: settledAt,
      now: settledAt,
    });
    expect(page.claimable).toBe(paid);
    expect(page.totals.allTime).toBe(paid);
    expect(page.listedGpus).toBe(8);
    expect(page.utilization).toHaveLength(2);
    // A: 2 GPUs for 1,800 s; B: 1 GPU for 900 s; split where a run crossed midnight, if one did.
    const total = page.utilization.reduce((s, d) => s + d.gpuSeconds, 0);
    expect(total).toBe(2 * 1_800 + 900);
    // The denominator: the offer's 8 GPUs from its listing (its event) until now, the
    // settlement; each day's utilization is that day's GPU time over that day's listing.
    const listedAt = (await eventsOf(handle.db, offerId)).find((e) => e.type === "offer.created")
      ?.at as Date;
    const listed = page.utilization.reduce((s, d) => s + d.listedGpuSeconds, 0);
    expect(Math.abs(listed - (8 * (settledAt.getTime() - listedAt.getTime())) / 1000)).toBeLessThan(
      page.utilization.length,
    );
    const today = page.utilization.find((d) => dayKey(d.day) === dayKey(settledAt));
    expect(today?.listedGpuSeconds).toBeGreaterThan(0);
    for (const d of page.utilization) {
      expect(d.utilization).toBe(
        d.listedGpuSeconds > 0 ? Math.min(1, d.gpuSeconds / d.listedGpuSeconds) : null,
      );
    }
    // The runs' day (the settlement may fall past midnight, its day idle) shows their share.
    expect(page.utilization.some((d) => (d.utilization ?? 0) > 0)).toBe(true);

    // The job's GPUs are back: the offer can go now.
    const removed = await removeIdleOfferAction.run(
      { offerId },
      { session: sessionOf(me()), db: handle.db },
    );
    expect(removed).toMatchObject({ ok: true, data: { id: offerId, status: "removed" } });
    expect((await providerOverview(handle.db, me())).offers).toEqual([]);
  });

  it("shows the arbiter the disputes with both sides' facts, and payouts equal to the contract's", async () => {
    await catchUp();

    const arb = addressOf(arbiter);
    expect(await isArbiter(handle.db, arb)).toBe(true);
    const disputes = await disputesForArbiter(handle.db, arb);
    expect(disputes).toHaveLength(1);
    expect(disputes[0]).toMatchObject({
      chainJobId: B.chainId.toLowerCase(),
      jobId: B.id,
      consumer: addressOf(consumer),
      provider: me(),
      providerName: "pages",
      usedSeconds: 900n,
      resultHash: keccak256(toHex("B")),
      providerSettledJobs: 1,
      providerSlashedJobs: 0,
    });

    // Everyone else is refused: the provider, the consumer, a signed-out caller.
    for (const who of [me(), addressOf(consumer)]) {
      await expect(disputesForArbiter(handle.db, who)).rejects.toMatchObject({ code: "forbidden" });
      const r = await previewResolutionAction.run(
        { chainJobId: B.chainId, providerPayBps: 5_000, slashBps: 0 },
        { session: sessionOf(who), db: handle.db },
      );
      expect(r).toMatchObject({ ok: false, code: "forbidden" });
    }
    expect(
      await previewResolutionAction.run(
        { chainJobId: B.chainId, providerPayBps: 5_000, slashBps: 0 },
        { session: null, db: handle.db },
      ),
    ).toMatchObject({ ok: false, code: "unauthorized" });
    // Shares the contract refuses are refused here first.
    const bad = await previewResolutionAction.run(
      { chainJobId: B.chainId, providerPayBps: 10_001, slashBps: -1 },
      { session: sessionOf(arb), db: handle.db },
    );
    expect(bad).toMatchObject({ ok: false, code: "bad_request" });
    if (!bad.ok)
      expect(Object.keys(bad.fieldErrors ?? {}).sort()).toEqual(["providerPayBps", "slashBps"]);

    const preview = unwrap(
      await previewResolutionAction.run(
        { chainJobId: B.chainId, providerPayBps: 3_000, slashBps: 2_500 },
        { session: sessionOf(arb), db: handle.db },
      ),
    );
    const resolved = await market.send(arbiter, "resolveDispute", [B.chainId, 3_000, 2_500]);
    const e = eventIn(resolved, "DisputeResolved") as {
      providerAmount: bigint;
      fee: bigint;
      consumerAmount: bigint;
      slashed: bigint;
    };
    expect(preview).toEqual({
      chainJobId: B.chainId.toLowerCase(),
      provider: e.providerAmount.toString(),
      fee: e.fee.toString(),
      refund: (e.consumerAmount - e.slashed).toString(),
      slashed: e.slashed.toString(),
      consumer: e.consumerAmount.toString(),
    });
    await catchUp();
    expect(await disputesForArbiter(handle.db, arb)).toEqual([]);
    const stake = (await providerOverview(handle.db, me())).stake;
    expect(stake.slashes).toMatchObject([
      { jobId: B.chainId.toLowerCase(), cause: "dispute", amount: e.slashed },
    ]);
  });

  it("keeps each provider's jobs and missed matches to itself", async () => {
    const stranger = privateKeyToAccount(generatePrivateKey()).address;
    expect(await jobsServed(handle.db, stranger)).toEqual([]);
    await expect(missedMatchesOf(handle.db, stranger)).rejects.toMatchObject({ code: "forbidden" });
    const served = await jobsServed(handle.db, me());
    // Newest first; A and B may share a block time, so compare them as a set.
    expect(served.map((j) => j.chainJobId).sort()).toEqual(
      [A.chainId.toLowerCase(), B.chainId.toLowerCase()].sort(),
    );
    // The only offers ever in the running were this provider's own winners: nothing missed.
    expect(await missedMatchesOf(handle.db, me())).toEqual({ matches: [], byReason: {} });
  });

  it("lists a lost placement with the reason and the winner's ask", async () => {
    // A cheaper rival in the same market wins the next job; this provider's dearer offer loses on price.
    const rivalKey = generatePrivateKey();
    rival = clientsOfKey(devnet, rivalKey);
    await anyone.testClient.setBalance({ address: rival.account.address, value: parseEther("10") });
    await market.send(rival, "stake", [], parseEther("5"));
    await market.send(rival, "setSigner", [rival.account.address]);
    registerLocalSigner(rivalKey);
    await registerProvider(
      handle.db,
      addressOf(rival),
      registerProviderInput.parse({
        name: "rival",
        region: "us-east",
        signerAddress: rival.account.address,
      }),
    );
    offerId = (await seedOffer(handle.db, me(), { gpusTotal: 4 })).id;
    await seedOffer(handle.db, addressOf(rival), {
      gpusTotal: 4,
      askWeiPerGpuHour: "500000000000000",
    });
    await catchUp();
    const placed = unwrap(
      await submitJobAction.run(jobInput({ gpuCount: 1, maxHours: 1 }), {
        session: sessionOf(consumer.account.address),
        db: handle.db,
      }),
    );
    expect(placed.placement?.offerId).not.toBe(offerId);
    const missed = await missedMatchesOf(handle.db, me());
    expect(missed.byReason).toEqual({ price: 1 });
    expect(missed.matches[0]).toMatchObject({
      offerId,
      reason: "price",
      yourAsk: 10n ** 15n,
      winningAsk: 5n * 10n ** 14n,
      gpuCount: 1,
      fix: "an ask at or below the winner's",
    });
  });

  it("lists a match lost on free stake, with the free stake that would have won it", async () => {
    // A provider staked at the market's minimum (0.1 ETH) asks half the rival's price in
    // eu-west, but a job of 8 GPUs for 20 h would lock 0.16 ETH of collateral on its offer.
    const thinKey = generatePrivateKey();
    const thin = clientsOfKey(devnet, thinKey);
    await anyone.testClient.setBalance({ address: thin.account.address, value: parseEther("1") });
    await market.send(thin, "stake", [], parseEther("0.1"));
    await market.send(thin, "setSigner", [thin.account.address]);
    registerLocalSigner(thinKey);
    await registerProvider(
      handle.db,
      addressOf(thin),
      registerProviderInput.parse({
        name: "thin",
        region: "eu-west",
        signerAddress: thin.account.address,
      }),
    );
    const cheap = await seedOffer(handle.db, addressOf(thin), {
      region: "eu-west",
      gpusTotal: 8,
      askWeiPerGpuHour: parseEther("0.01").toString(),
    });
    const won = await seedOffer(handle.db, addressOf(rival), {
      region: "eu-west",
      gpusTotal: 8,
      askWeiPerGpuHour: parseEther("0.02").toString(),
    });
    await catchUp();
    const placed = unwrap(
      await submitJobAction.run(
        jobInput({
          gpuCount: 8,
          maxHours: 20,
          regions: ["eu-west"],
          maxPricePerGpuHour: parseEther("0.03").toString(),
        }),
        { session: sessionOf(consumer.account.address), db: handle.db },
      ),
    );
    expect(placed.placement?.offerId).toBe(won.id);

    // The collateral on the thin offer, as fundJob computes it: ceil(0.08 ETH / 3600) wei a
    // second for 72,000 s, at the market's 10%.
    const collateral = (((parseEther("0.08") + 3_599n) / 3_600n) * 72_000n * 1_000n) / 10_000n;
    expect(collateral > parseEther("0.1")).toBe(true);
    const missed = await missedMatchesOf(handle.db, addressOf(thin));
    expect(missed.byReason).toEqual({ stake: 1 });
    expect(missed.matches).toEqual([
      expect.objectContaining({
        offerId: cheap.id,
        reason: "stake",
        yourAsk: parseEther("0.01"),
        winningAsk: parseEther("0.02"),
        gpuCount: 8,
        stakeNeeded: collateral,
        fix: "free stake of at least 0.160001 ETH (the collateral this job locks on your offer)",
      }),
    ]);
    // The price loss listed before says nothing about stake.
    expect((await missedMatchesOf(handle.db, me())).matches[0]).toMatchObject({
      reason: "price",
      stakeNeeded: null,
    });
  });
});
