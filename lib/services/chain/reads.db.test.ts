/**
 * The reads the pages use, from an index the real indexer builds off a devnet running the
 * contract's WASM, on PGlite and on Postgres, each checked against what the chain says (its
 * logs, receipts, block times and views): a marketplace job's timeline step by step and its
 * refusal to strangers; every job's timeline; pay bucketed by the UTC day of its block across a
 * midnight; providers' stake, slashes and earnings; consumers' refunds; the market's totals.
 */
import {
  type Address,
  type Hex,
  keccak256,
  parseEther,
  parseGwei,
  type TransactionReceipt,
  toHex,
} from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { createTestDb, testDriver } from "@/db/testing";
import { unwrap } from "@/lib/actions/testing";
import { type Devnet, startDevnet } from "@/lib/devnet";
import { type Clients, clientsFor, eventIn, marketOn } from "@/lib/devnet/test-helpers";
import { Indexer } from "@/lib/indexer/indexer";
import { rpcClient } from "@/lib/indexer/run";
import { indexUntilCaughtUp } from "@/lib/indexer/testing/catch-up";
import { differencesFromChain } from "@/lib/indexer/testing/compare";
import { contractLoad, type Load } from "@/lib/indexer/testing/load";
import { registerProviderInput } from "@/lib/market/schemas";
import { quoteTypedData } from "@/lib/web3/eip712";
import { fundJobArgs, fundJobValue, type SignedQuote } from "@/lib/web3/fund-job";
import { chainJobId } from "@/lib/web3/job-id";
import { JobStatus } from "@/lib/web3/market-views";
import { submitJobAction } from "../jobs/actions";
import { registerProvider } from "../providers/providers";
import { registerLocalSigner } from "../quotes/signers";
import { jobInput, seedOffer, sessionOf } from "../testing";
import { addDays, dayKey, utcDay, utcMonth, utcWeek } from "./days";
import { providerEarnings, providerStake } from "./provider";
import { accountRefunds } from "./refunds";
import {
  addressOf,
  type ChainFacts,
  type ChainLog,
  chainFacts,
  clientsOfKey,
  secondsOf,
} from "./testing";
import { jobTimeline, jobTimelineOfMarketplaceJob, type TimelineStep } from "./timeline";
import { marketTotals } from "./totals";

let devnet: Devnet;
let handle: DbHandle;
let market: ReturnType<typeof marketOn>;
let indexer: Indexer;
let anyone: Clients;
let arbiter: Clients;
/** The marketplace's provider (staked, registered in Postgres), its agent key and a consumer. */
let provider: Clients;
let signer: Clients;
let consumer: Clients;
let signerKey: Hex;
/** Marketplace jobs: A runs its whole course in the first test, B is left running. */
const A = { gpus: 2, id: "", chainId: "" as Hex, quote: undefined as SignedQuote | undefined };
const B = { gpus: 4, id: "", chainId: "" as Hex };

const catchUp = () => indexUntilCaughtUp(indexer);

async function submit(gpus: number) {
  const out = unwrap(
    await submitJobAction.run(jobInput({ gpuCount: gpus, maxHours: 1 }), {
      session: sessionOf(consumer.account.address),
      db: handle.db,
    }),
  );
  if (!out.quote) throw new Error(`job not quoted (${out.job.status})`);
  return { id: out.job.id, quote: { message: out.quote.message, signature: out.quote.signature } };
}

const blockTime = async (blockNumber: bigint) =>
  new Date(Number((await anyone.publicClient.getBlock({ blockNumber })).timestamp) * 1000);

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
  // Accounts of their own, so the contract load (dev accounts 3-9) never touches them.
  const providerKey = generatePrivateKey();
  signerKey = generatePrivateKey();
  provider = clientsOfKey(devnet, providerKey);
  signer = clientsOfKey(devnet, signerKey);
  consumer = clientsOfKey(devnet, generatePrivateKey());
  for (const c of [provider, signer, consumer]) {
    await anyone.testClient.setBalance({ address: c.account.address, value: parseEther("100") });
  }
  await market.send(provider, "stake", [], parseEther("5"));
  await market.send(provider, "setSigner", [signer.account.address]);
  registerLocalSigner(signerKey);
  await registerProvider(
    handle.db,
    addressOf(provider),
    registerProviderInput.parse({
      name: "chain reads",
      region: "us-east",
      signerAddress: signer.account.address,
    }),
  );
  await seedOffer(handle.db, addressOf(provider), { gpusTotal: 8 });
  // The index knows the stake before the jobs are placed (matching may ask for it).
  await catchUp();
  // Both quotes are funded before any test moves the chain's clock past their expiry.
  const a = await submit(A.gpus);
  Object.assign(A, { id: a.id, chainId: a.quote.message.jobId, quote: a.quote });
  const b = await submit(B.gpus);
  Object.assign(B, { id: b.id, chainId: b.quote.message.jobId });
  await market.send(consumer, "fundJob", fundJobArgs(b.quote), fundJobValue(b.quote.message));
  await market.send(signer, "acknowledgeStart", [B.chainId]);
  await catchUp();
});

afterAll(async () => {
  await handle?.close();
  await devnet?.stop();
});

describe(`chain reads on ${testDriver()}`, () => {
  const viewer = () => addressOf(consumer);
  const readA = async (who = viewer()) =>
    (await jobTimelineOfMarketplaceJob(handle.db, A.id, who)).timeline;

  it("shows a marketplace job's steps with the receipts' hashes and the deadlines that apply", async () => {
    const quoted = await jobTimelineOfMarketplaceJob(handle.db, A.id, viewer());
    expect(quoted).toEqual({
      jobId: A.id,
      status: "quoted",
      chainJobId: A.chainId,
      timeline: null,
    });

    const quote = A.quote as SignedQuote;
    const funded = await market.send(
      consumer,
      "fundJob",
      fundJobArgs(quote),
      fundJobValue(quote.message),
    );
    await catchUp();
    let view = await market.job(anyone, A.chainId);
    let t = await readA();
    expect(t?.job.status).toBe("funded");
    expect(t?.deadlines).toEqual({
      startDeadline: new Date(Number(view.startDeadline) * 1000),
      deadline: new Date(Number(view.deadline) * 1000),
      challengeEndsAt: null,
      disputeEndsAt: null,
    });
    const fundedEvent = argsIn(funded, "JobFunded");
    expect(t?.steps).toEqual([
      {
        step: "funded",
        txHash: funded.transactionHash,
        blockNumber: funded.blockNumber,
        blockTime: await blockTime(funded.blockNumber),
        logIndex: expect.any(Number),
        escrow: fundedEvent.escrow,
        collateral: fundedEvent.collateral,
        ratePerSecond: quote.message.ratePerSecond,
        maxSeconds: quote.message.maxSeconds,
      },
    ]);
    expect(fundedEvent.escrow).toBe(view.escrow);

    const started = await market.send(signer, "acknowledgeStart", [A.chainId]);
    await catchUp();
    t = await readA();
    expect(t?.job.status).toBe("running");
    expect(t?.deadlines).toEqual({
      startDeadline: null,
      deadline: new Date(Number(view.deadline) * 1000),
      challengeEndsAt: null,
      disputeEndsAt: null,
    });

    const resultHash = keccak256(toHex("A's result"));
    const submitted = await market.send(provider, "submitResult", [A.chainId, 1_800n, resultHash]);
    await catchUp();
    view = await market.job(anyone, A.chainId);
    t = await readA();
    expect(t?.job.status).toBe("submitted");
    expect(t?.deadlines).toEqual({
      startDeadline: null,
      deadline: null,
      challengeEndsAt: new Date(Number(view.challengeEndsAt) * 1000),
      disputeEndsAt: null,
    });
    expect(t?.steps.at(-1)).toMatchObject({ step: "submitted", usedSeconds: 1_800n, resultHash });

    await anyone.testClient.increaseTime({ seconds: 3_601 });
    const finalized = await market.send(anyone, "finalize", [A.chainId]);
    await catchUp();
    t = await readA();
    const settled = argsIn(finalized, "JobFinalized");
    expect(t?.job.status).toBe("finalized");
    expect(t?.deadlines).toEqual({
      startDeadline: null,
      deadline: null,
      challengeEndsAt: null,
      disputeEndsAt: null,
    });
    expect(t?.steps.at(-1)).toMatchObject({
      step: "finalized",
      providerPay: settled.providerAmount,
      fee: settled.fee,
      refund: settled.consumerRefund,
      slash: 0n,
    });
    const receipts = [funded, started, submitted, finalized];
    expect(t?.steps.map((s) => [s.step, s.txHash, s.blockNumber])).toEqual(
      receipts.map((r, i) => [
        ["funded", "started", "submitted", "finalized"][i],
        r.transactionHash,
        r.blockNumber,
      ]),
    );
    for (const [i, r] of receipts.entries()) {
      expect(t?.steps[i]?.blockTime).toEqual(await blockTime(r.blockNumber));
    }
    // The indexer moved the marketplace's job along with the chain.
    const seen = await jobTimelineOfMarketplaceJob(handle.db, A.id, viewer());
    expect(seen.status).toBe("finalized");
    // Its provider sees the same timeline.
    expect(await readA(addressOf(provider))).toEqual(t);
  });

  it("answers a stranger with not_found, as for a job that does not exist", async () => {
    const stranger = privateKeyToAccount(generatePrivateKey()).address;
    const refused = jobTimelineOfMarketplaceJob(handle.db, A.id, stranger);
    await expect(refused).rejects.toMatchObject({
      code: "not_found",
      message: "No such job in your account.",
    });
    // Sending one of the job's transactions (anyone may finalize) does not make a viewer.
    await expect(
      jobTimelineOfMarketplaceJob(handle.db, A.id, anyone.account.address),
    ).rejects.toMatchObject({ code: "not_found" });
    await expect(
      jobTimelineOfMarketplaceJob(handle.db, "00000000-0000-4000-8000-000000000000", viewer()),
    ).rejects.toMatchObject({ code: "not_found", message: "No such job in your account." });
    await expect(
      jobTimelineOfMarketplaceJob(handle.db, "not-a-uuid", viewer()),
    ).rejects.toMatchObject({ code: "not_found" });
    // The checksummed form of the session's address is the same viewer.
    expect(
      (await jobTimelineOfMarketplaceJob(handle.db, A.id, consumer.account.address)).timeline,
    ).not.toBeNull();
  });

  describe("after a varied load of contract transactions", () => {
    let load: Load;
    let facts: ChainFacts;

    beforeAll(async () => {
      load = await contractLoad(
        {
          url: devnet.url,
          chainId: devnet.chainId,
          contract: devnet.contractAddress,
          keys: devnet.accounts.map((a) => a.privateKey),
        },
        7,
      );
      await load.run(40);
      await catchUp();
    });

    it("buckets pay by the UTC day of its block, across a midnight, and lists the claim", async () => {
      const now = (await anyone.publicClient.getBlock()).timestamp;
      // The next UTC midnight at least two hours away: room for the challenge window.
      const midnight =
        BigInt(utcDay(new Date(Number(now + 7_200n) * 1000)).getTime() / 1000) + 86_400n;
      const quote = async (label: string): Promise<SignedQuote> => {
        const message = {
          jobId: chainJobId(addressOf(consumer), label),
          consumer: consumer.account.address,
          provider: provider.account.address,
          ratePerSecond: parseGwei("1"),
          maxSeconds: 3_600n,
          expiresAt: now + 900n,
        };
        const signature = await privateKeyToAccount(signerKey).signTypedData(
          quoteTypedData(devnet.chainId, devnet.contractAddress, message),
        );
        return { message, signature };
      };
      const ids: Hex[] = [];
      for (const [label, used] of [
        ["j1", 600n],
        ["j2", 1_200n],
        ["j3", 1_800n],
      ] as const) {
        const q = await quote(label);
        await market.send(consumer, "fundJob", fundJobArgs(q), fundJobValue(q.message));
        await market.send(signer, "acknowledgeStart", [q.message.jobId]);
        await market.send(provider, "submitResult", [
          q.message.jobId,
          used,
          keccak256(toHex(label)),
        ]);
        ids.push(q.message.jobId);
      }
      const [j1, j2, j3] = ids as [Hex, Hex, Hex];

      // j3 is disputed: its timeline shows when anyone may settle it; the arbiter slashes.
      await market.send(consumer, "dispute", [j3]);
      await catchUp();
      const view = await market.job(anyone, j3);
      expect((await jobTimeline(handle.db, j3))?.deadlines).toEqual({
        startDeadline: null,
        deadline: null,
        challengeEndsAt: null,
        disputeEndsAt: new Date(Number(view.disputeEndsAt) * 1000),
      });
      const resolved = await market.send(arbiter, "resolveDispute", [j3, 4_000, 2_500]);
      await catchUp();
      const r = argsIn(resolved, "DisputeResolved");
      expect(r.slashed).toBeGreaterThan(0n);
      expect((await jobTimeline(handle.db, j3))?.steps.at(-1)).toEqual({
        step: "resolved",
        txHash: resolved.transactionHash,
        blockNumber: resolved.blockNumber,
        blockTime: await blockTime(resolved.blockNumber),
        logIndex: expect.any(Number),
        providerPay: r.providerAmount,
        fee: r.fee,
        refund: r.consumerAmount - r.slashed,
        slash: r.slashed,
        providerPayBps: 4_000,
        slashBps: 2_500,
        timedOut: false,
      });

      // j1 is settled two seconds before midnight, the claim one second before, j2 at midnight.
      await anyone.testClient.setNextBlockTimestamp({ timestamp: midnight - 2n });
      const f1 = await market.send(anyone, "finalize", [j1]);
      await anyone.testClient.setNextBlockTimestamp({ timestamp: midnight - 1n });
      const claim = await market.send(provider, "withdraw", []);
      await anyone.testClient.setNextBlockTimestamp({ timestamp: midnight });
      const f2 = await market.send(anyone, "finalize", [j2]);
      await catchUp();
      expect(secondsOf(await blockTime(f1.blockNumber))).toBe(midnight - 2n);
      expect(secondsOf(await blockTime(f2.blockNumber))).toBe(midnight);

      const day = new Date(Number(midnight) * 1000);
      const earnings = await providerEarnings(handle.db, provider.account.address, {
        from: addDays(day, -1),
        to: day,
        now: day,
      });
      const pay1 = argsIn(f1, "JobFinalized").providerAmount;
      const pay2 = argsIn(f2, "JobFinalized").providerAmount;
      facts = await chainFacts(devnet);
      const before = paysOf(facts, addressOf(provider)).filter(
        (p) => dayKey(p.time) === dayKey(addDays(day, -1)),
      );
      expect(before.map((p) => p.txHash)).toContain(f1.transactionHash);
      expect(earnings.days).toEqual([
        {
          day: addDays(day, -1),
          amount: before.reduce((s, p) => s + p.amount, 0n),
          jobs: before.length,
        },
        { day, amount: pay2, jobs: 1 },
      ]);
      expect(pay1).toBeGreaterThan(0n);
      const withdrawn = argsIn(claim, "Withdrawn");
      expect(earnings.claims[0]).toEqual({
        amount: withdrawn.amount,
        txHash: claim.transactionHash,
        blockNumber: claim.blockNumber,
        blockTime: new Date(Number(midnight - 1n) * 1000),
      });
      // Everything credited before the claim left with it; j2's pay came after.
      const withdrawable = await market.withdrawable(anyone, provider.account.address);
      expect(earnings.claimable).toBe(withdrawable);
      expect(earnings.claimable).toBe(pay2);
    });

    it("agrees with the chain's views and logs on every provider's stake and slashes", async () => {
      facts = await chainFacts(devnet);
      expect(
        await differencesFromChain(
          handle.db,
          { url: devnet.url, contract: devnet.contractAddress },
          [...load.addresses, provider.account.address],
        ),
      ).toEqual([]);
      const providers = providersOf(facts);
      let slashes = 0;
      for (const address of providers) {
        const got = await providerStake(handle.db, address);
        const v = await market.provider(anyone, address as Address);
        expect({
          stake: got.stake,
          locked: got.locked,
          pendingUnstake: got.pendingUnstake,
          unstakeReadyAt: secondsOf(got.unstakeReadyAt) ?? 0n,
          freeStake: got.freeStake,
          signer: got.signer ?? "0x0000000000000000000000000000000000000000",
        }).toEqual({
          stake: v.stake,
          locked: v.locked,
          pendingUnstake: v.pendingUnstake,
          unstakeReadyAt: v.unstakeReadyAt,
          freeStake: v.freeStake,
          signer: v.signer.toLowerCase(),
        });
        const want = [...facts.settlements.values()]
          .filter((s) => s.slash > 0n && facts.jobs.get(jobOf(s.log))?.provider === address)
          .sort(newestFirst)
          .map((s) => ({
            jobId: jobOf(s.log),
            consumer: facts.jobs.get(jobOf(s.log))?.consumer,
            amount: s.slash,
            cause: s.log.name === "JobExpired" ? "no_show" : "dispute",
            slashBps: s.log.name === "JobExpired" ? null : Number(s.log.args.slashBps),
            txHash: s.log.txHash,
            blockNumber: s.log.blockNumber,
            blockTime: s.log.time,
          }));
        expect(got.slashes).toEqual(want);
        expect(got.slashedTotal).toBe(want.reduce((sum, s) => sum + s.amount, 0n));
        slashes += want.length;
      }
      // The load slashed for no-shows and the arbiter for a dispute: the check above compared
      // real slashes, not empty lists.
      expect(slashes).toBeGreaterThan(1);
      const never = await providerStake(
        handle.db,
        privateKeyToAccount(generatePrivateKey()).address,
      );
      expect(never).toMatchObject({ stake: 0n, freeStake: 0n, signer: null, slashes: [] });
    });

    it("sums each provider's pay per UTC day, week, month and in all, as the logs do", async () => {
      facts = await chainFacts(devnet);
      let spread = 0;
      for (const address of providersOf(facts)) {
        const pays = paysOf(facts, address);
        if (pays.length === 0) continue;
        const first = (pays[0] as Pay).time;
        const last = (pays.at(-1) as Pay).time;
        const now = last;
        const got = await providerEarnings(handle.db, address, { from: first, to: last, now });
        const want: { day: Date; amount: bigint; jobs: number }[] = [];
        for (let d = utcDay(first); d <= last; d = addDays(d, 1)) {
          const those = pays.filter((p) => dayKey(p.time) === dayKey(d));
          want.push({ day: d, amount: sum(those), jobs: those.length });
        }
        expect(got.days).toEqual(want);
        spread = Math.max(spread, want.filter((d) => d.jobs > 0).length);
        const week = utcWeek(now);
        const month = utcMonth(now);
        const within = (r: { start: Date; end: Date }) =>
          sum(pays.filter((p) => p.time >= r.start && p.time < r.end));
        expect(got.totals).toEqual({
          week: within(week),
          month: within(month),
          allTime: sum(pays),
        });

        const withdrawals = facts.logs
          .filter((l) => l.name === "Withdrawn" && String(l.args.account).toLowerCase() === address)
          .sort(newestFirst);
        expect(got.claims).toEqual(
          withdrawals.map((l) => ({
            amount: l.args.amount,
            txHash: l.txHash,
            blockNumber: l.blockNumber,
            blockTime: l.time,
          })),
        );
        expect(got.claimCount).toBe(withdrawals.length);
        const withdrawable = await market.withdrawable(anyone, address as Address);
        expect(got.claimable).toBe(withdrawable);
        expect(got.claimed).toBe(withdrawals.reduce((s, l) => s + (l.args.amount as bigint), 0n));
        expect(got.credited).toBe(got.claimed + got.claimable);
      }
      // The load moves the clock by hours and days: pay landed on several days.
      expect(spread).toBeGreaterThan(1);
      await expect(
        providerEarnings(handle.db, addressOf(provider), {
          from: new Date("2025-01-02T00:00:00Z"),
          to: new Date("2025-01-01T00:00:00Z"),
        }),
      ).rejects.toMatchObject({ code: "bad_request" });
    });

    it("lists each consumer's refunds and slash payouts per job, with the settling tx", async () => {
      facts = await chainFacts(devnet);
      const consumers = [...new Set([...facts.jobs.values()].map((j) => j.consumer))];
      let slashPayouts = 0;
      for (const address of consumers) {
        const want = [...facts.settlements.values()]
          .filter((s) => facts.jobs.get(jobOf(s.log))?.consumer === address)
          .filter((s) => s.refund > 0n || s.slash > 0n)
          .sort(newestFirst)
          .map((s) => ({
            jobId: jobOf(s.log),
            refund: s.refund,
            slash: s.slash,
            txHash: s.log.txHash,
            blockNumber: s.log.blockNumber,
            blockTime: s.log.time,
          }));
        const got = await accountRefunds(handle.db, address);
        expect(
          got.jobs.map(({ jobId, refund, slash, txHash, blockNumber, blockTime }) => ({
            jobId,
            refund,
            slash,
            txHash,
            blockNumber,
            blockTime,
          })),
        ).toEqual(want);
        expect(got.jobCount).toBe(want.length);
        expect(got.refunded).toBe(want.reduce((s, w) => s + w.refund, 0n));
        expect(got.slashPayouts).toBe(want.reduce((s, w) => s + w.slash, 0n));
        slashPayouts += want.filter((w) => w.slash > 0n).length;
      }
      expect(slashPayouts).toBeGreaterThan(1);
      // The marketplace consumer's finalized job A refunded its unused 1,800 seconds.
      const mine = await accountRefunds(handle.db, addressOf(consumer));
      const a = mine.jobs.find((j) => j.jobId === A.chainId);
      expect(a?.status).toBe("finalized");
      expect(a?.refund).toBe(facts.settlements.get(A.chainId)?.refund);
    });

    it("totals the market: jobs completed, paid to providers, GPU-hours served, running now", async () => {
      facts = await chainFacts(devnet);
      const completed = [...facts.settlements.values()].filter(
        (s) => s.log.name === "JobFinalized" || s.log.name === "DisputeResolved",
      );
      // GPUs per job: the marketplace's leases; jobs funded straight on chain count as one.
      const gpus = new Map<string, number>([
        [A.chainId, A.gpus],
        [B.chainId, B.gpus],
      ]);
      const used = (id: string): bigint => {
        const result = facts.jobs.get(id)?.logs.find((l) => l.name === "ResultSubmitted");
        return (result?.args.usedSeconds as bigint | undefined) ?? 0n;
      };
      const gpuSeconds = completed.reduce(
        (s, c) => s + used(jobOf(c.log)) * BigInt(gpus.get(jobOf(c.log)) ?? 1),
        0n,
      );
      const lastOf = (j: { logs: ChainLog[] }) => j.logs.at(-1)?.name;
      const jobs = [...facts.jobs.values()];
      const got = await marketTotals(handle.db);
      expect(got).toEqual({
        jobsFunded: jobs.length,
        jobsCompleted: completed.length,
        paidToProviders: completed.reduce((s, c) => s + c.providerPay, 0n),
        gpuSeconds,
        gpuHours: Number(gpuSeconds) / 3600,
        jobsRunning: jobs.filter((j) => lastOf(j) === "JobStarted").length,
        jobsOpen: jobs.filter((j) => !facts.settlements.has(j.jobId)).length,
      });
      // Both kinds of completion are in the figures, and job A's two GPUs are.
      expect(completed.some((c) => c.log.name === "DisputeResolved")).toBe(true);
      expect(facts.settlements.get(A.chainId)?.log.name).toBe("JobFinalized");
      expect(got.jobsRunning).toBe(1);
      expect((await market.job(anyone, B.chainId)).status).toBe(JobStatus.running);
      expect(gpuSeconds).toBeGreaterThan(completed.reduce((s, c) => s + used(jobOf(c.log)), 0n));
    });

    it("gives every indexed job the timeline its logs describe", async () => {
      facts = await chainFacts(devnet);
      const names: Record<string, TimelineStep["step"]> = {
        JobFunded: "funded",
        JobStarted: "started",
        ResultSubmitted: "submitted",
        JobDisputed: "disputed",
        JobFinalized: "finalized",
        DisputeResolved: "resolved",
        JobExpired: "expired",
      };
      const seen = new Set<string>();
      for (const job of facts.jobs.values()) {
        const t = await jobTimeline(handle.db, job.jobId);
        expect(t?.steps.map((s) => [s.step, s.txHash, s.blockNumber, s.blockTime])).toEqual(
          job.logs.map((l) => [names[l.name], l.txHash, l.blockNumber, l.time]),
        );
        const s = facts.settlements.get(job.jobId);
        const last = t?.steps.at(-1);
        if (s && last && "refund" in last) {
          expect([last.providerPay, last.fee, last.refund, last.slash]).toEqual([
            s.providerPay,
            s.fee,
            s.refund,
            s.slash,
          ]);
        }
        for (const step of t?.steps ?? []) seen.add(step.step);
      }
      expect([...seen].sort()).toEqual(
        ["disputed", "expired", "finalized", "funded", "resolved", "started", "submitted"].sort(),
      );
      expect(await jobTimeline(handle.db, `0x${"ab".repeat(32)}`)).toBeUndefined();
      expect(await jobTimeline(handle.db, "0x1234")).toBeUndefined();
    });
  });
});

type Pay = { txHash: string; time: Date; amount: bigint };

/** The arguments these tests read, of the one such event in a receipt (events.rs). */
type Args = {
  JobFunded: { escrow: bigint; collateral: bigint };
  JobFinalized: { providerAmount: bigint; fee: bigint; consumerRefund: bigint };
  DisputeResolved: { providerAmount: bigint; fee: bigint; consumerAmount: bigint; slashed: bigint };
  Withdrawn: { amount: bigint };
};
const argsIn = <N extends keyof Args>(receipt: TransactionReceipt, name: N) =>
  eventIn(receipt, name) as unknown as Args[N];

const jobOf = (log: ChainLog) => String(log.args.jobId).toLowerCase();
const sum = (pays: readonly Pay[]) => pays.reduce((s, p) => s + p.amount, 0n);
const newestFirst = (
  a: { blockNumber: bigint; logIndex: number } | { log: ChainLog },
  b: { blockNumber: bigint; logIndex: number } | { log: ChainLog },
) => {
  const x = "log" in a ? a.log : a;
  const y = "log" in b ? b.log : b;
  return x.blockNumber === y.blockNumber
    ? y.logIndex - x.logIndex
    : Number(y.blockNumber - x.blockNumber);
};

/** Every provider a job was funded with. */
const providersOf = (facts: ChainFacts) =>
  [...new Set([...facts.jobs.values()].map((j) => j.provider))].sort();

/** A provider's non-zero pay from the settling logs, oldest first. */
function paysOf(facts: ChainFacts, provider: string): Pay[] {
  return [...facts.settlements.values()]
    .filter((s) => s.providerPay > 0n && facts.jobs.get(jobOf(s.log))?.provider === provider)
    .map((s) => ({ txHash: s.log.txHash, time: s.log.time, amount: s.providerPay }))
    .sort((a, b) => a.time.getTime() - b.time.getTime());
}
