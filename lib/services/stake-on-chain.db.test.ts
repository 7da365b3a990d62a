/**
 * The matching's stake rule against the contract's own (the real ComputeMarket WASM on the
 * embedded devnet), with the stake as the indexer records it from the chain's events: a provider
 * whose free stake covers a job's collateral to the wei is matched and the job is funded; one a
 * wei short is not matched, and fundJob would refuse it too; when it stakes that wei, the
 * indexer's commit of the Staked event places the job that waited (it calls `stakeChanged`).
 */
import { randomUUID } from "node:crypto";
import { getAddress, type Hex } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { processLock } from "@/db/locks";
import { recordStakeForSeed } from "@/db/queries/chain/seed-stake";
import { jobById } from "@/db/queries/jobs";
import { holdingLeaseOfJob, leaseById } from "@/db/queries/leases";
import { createTestDb, testDriver } from "@/db/testing";
import { type Devnet, startDevnet } from "@/lib/devnet";
import { DEFAULT_MARKET_PARAMS } from "@/lib/devnet/market-params";
import { type Clients, clientsFor, marketOn } from "@/lib/devnet/test-helpers";
import { Indexer } from "@/lib/indexer/indexer";
import { rpcClient, runIndexer } from "@/lib/indexer/run";
import { indexUntilCaughtUp } from "@/lib/indexer/testing/catch-up";
import { registerProviderInput } from "@/lib/market/schemas";
import { quoteTypedData } from "@/lib/web3/eip712";
import { fundJobArgs, fundJobValue } from "@/lib/web3/fund-job";
import { chainJobId } from "@/lib/web3/job-id";
import { explainJob } from "./jobs/read";
import { registerProvider } from "./providers/providers";
import { quoteLease, quoteMessageOf } from "./quotes/sign-lease";
import { localSignerResolver, registerLocalSigner } from "./quotes/signers";
import { submitJob } from "./submit/submit-job";
import { parseJob, seedOffer } from "./testing";

// 0.0036 ETH per GPU-hour is 10^12 wei/s for one GPU: 300 hours escrow 1.08 ETH and lock 10 % of
// it, 0.108 ETH, which is also above the devnet's minimum stake (0.1 ETH).
const ASK = 3_600_000_000_000_000n;
const HOURS = 300;
const COLLATERAL =
  ((ASK / 3600n) * BigInt(HOURS * 3600) * BigInt(DEFAULT_MARKET_PARAMS.collateralBps)) / 10_000n;

let devnet: Devnet;
let handle: DbHandle;
let market: ReturnType<typeof marketOn>;
let exact: Clients;
let short: Clients;
let consumer: Clients;

const indexerConfig = () => ({
  chainId: devnet.chainId,
  contract: devnet.contractAddress,
  startBlock: 0n,
  confirmations: 0,
  chunkBlocks: 1000,
  mayReset: true,
});

const indexer = () => new Indexer(handle.db, rpcClient(devnet.url), indexerConfig());

/** A fresh indexer (as a new process would start) ticked to the head. */
const catchUp = () => indexUntilCaughtUp(indexer(), 100);

/** A provider that staked `stake` on chain and registered its signer there and here. */
async function provider(account: number, signerAccount: number, stake: bigint) {
  const who = clientsFor(devnet, account);
  const signer = clientsFor(devnet, signerAccount);
  await market.send(who, "stake", [], stake);
  await market.send(who, "setSigner", [signer.account.address]);
  registerLocalSigner(devnet.accounts[signerAccount]?.privateKey as Hex);
  await registerProvider(
    handle.db,
    who.account.address.toLowerCase(),
    registerProviderInput.parse({
      name: `provider ${account}`,
      region: "us-east",
      signerAddress: signer.account.address,
    }),
  );
  return { who, signer };
}

const job = (gpuModel: string) =>
  parseJob({
    gpuModels: [gpuModel],
    gpuCount: 1,
    maxHours: HOURS,
    maxPricePerGpuHour: (ASK * 2n).toString(),
  });

describe(`stake in matching agrees with ComputeMarket on ${testDriver()}`, () => {
  let shortSigner: Clients;
  beforeAll(async () => {
    devnet = await startDevnet({ port: 0 });
    handle = await createTestDb();
    market = marketOn(devnet);
    consumer = clientsFor(devnet, 6);
    exact = (await provider(5, 4, COLLATERAL)).who;
    const s = await provider(7, 8, COLLATERAL - 1n);
    short = s.who;
    shortSigner = s.signer;
    // The providers' Staked events, as the indexer records them: the matching reads nothing else.
    await catchUp();
    await seedOffer(handle.db, exact.account.address.toLowerCase(), {
      gpuModel: "h100-80gb",
      gpusTotal: 4,
      askWeiPerGpuHour: ASK.toString(),
    });
    await seedOffer(handle.db, short.account.address.toLowerCase(), {
      gpuModel: "a100-80gb",
      gpusTotal: 4,
      askWeiPerGpuHour: ASK.toString(),
    });
  });

  afterAll(async () => {
    await handle?.close();
    await devnet?.stop();
  });

  it("a free stake covering the collateral to the wei is matched, and the contract funds it", async () => {
    const consumerAddress = consumer.account.address.toLowerCase();
    const { job: stored, lease } = await submitJob(handle.db, consumerAddress, job("h100-80gb"));
    if (!lease) throw new Error("the job was not placed");
    const quote = await quoteLease(handle.db, lease.id, localSignerResolver);
    if (!quote) throw new Error("the lease was not quoted");
    const quoted = await leaseById(handle.db, lease.id);
    if (!quoted) throw new Error("no lease");
    const message = quoteMessageOf(quoted, exact.account.address);
    expect((fundJobValue(message) * BigInt(DEFAULT_MARKET_PARAMS.collateralBps)) / 10_000n).toBe(
      COLLATERAL,
    );
    await market.send(
      consumer,
      "fundJob",
      fundJobArgs({ message, signature: quote.signature }),
      fundJobValue(message),
    );
    expect((await market.provider(consumer, exact.account.address)).locked).toBe(COLLATERAL);

    // Indexed: the collateral is locked on chain and the lease funded; counted once, it leaves
    // the provider nothing for a second job.
    await catchUp();
    expect((await jobById(handle.db, stored.id))?.status).toBe("funded");
    const second = await submitJob(handle.db, consumerAddress, job("h100-80gb"));
    expect(second.lease).toBeUndefined();
    expect(await explainJob(handle.db, second.job)).toMatchObject({
      stake: { short: 1, maxHours: null },
    });
    // Staking as much again frees exactly one more job's collateral: the funded job's is
    // counted once, from the chain, not also from its lease.
    await market.send(exact, "stake", [], COLLATERAL);
    await catchUp();
    expect((await jobById(handle.db, second.job.id))?.status).toBe("matched");
  });

  it("a wei short is not matched, fundJob refuses it too, and one more wei staked places it", async () => {
    const consumerAddress = consumer.account.address.toLowerCase();
    const { job: waiting, lease } = await submitJob(handle.db, consumerAddress, job("a100-80gb"));
    expect(lease).toBeUndefined();
    expect(await explainJob(handle.db, waiting)).toMatchObject({
      stake: { short: 1, belowMinimum: 0, maxHours: HOURS - 1 },
      suggestions: [{ text: `set max hours to ${HOURS - 1}` }],
    });

    // The same terms signed by the provider's signer: the contract refuses them as well.
    const message = {
      jobId: chainJobId(consumerAddress, randomUUID()) as Hex,
      consumer: getAddress(consumerAddress),
      provider: short.account.address,
      ratePerSecond: ASK / 3600n,
      maxSeconds: BigInt(HOURS * 3600),
      expiresAt: BigInt(Math.floor(Date.now() / 1000) + 600),
    };
    const signature = await shortSigner.walletClient.signTypedData(
      quoteTypedData(devnet.chainId, devnet.contractAddress, message),
    );
    const refusal = await market.refusal(
      consumer,
      "fundJob",
      fundJobArgs({ message, signature }),
      fundJobValue(message),
    );
    expect(refusal).toEqual({
      name: "InsufficientFreeStake",
      args: [COLLATERAL - 1n, COLLATERAL],
    });

    // One more wei on chain: the job waits until the indexer has recorded it, and no longer.
    await market.send(short, "stake", [], 1n);
    expect((await jobById(handle.db, waiting.id))?.status).toBe("pending");
    await catchUp();
    const placed = await jobById(handle.db, waiting.id);
    expect(placed?.status).toBe("matched");
    // Only this provider offers that model: the lease is on its offer.
    expect((await holdingLeaseOfJob(handle.db, waiting.id))?.status).toBe("reserved");
  });

  it("a new holder of the indexer's lock places the jobs that a lost re-match left waiting", async () => {
    const consumerAddress = consumer.account.address.toLowerCase();
    const { job: waiting, lease } = await submitJob(handle.db, consumerAddress, job("a100-80gb"));
    expect(lease).toBeUndefined();
    // The index gains the stake, but the re-match that follows its commit never runs (the
    // process died between the two): nothing places the job.
    const onChain = await market.provider(consumer, short.account.address);
    await recordStakeForSeed(handle.db, [
      {
        address: short.account.address,
        stake: onChain.stake + COLLATERAL,
        locked: onChain.locked,
        signer: shortSigner.account.address,
      },
    ]);
    expect((await jobById(handle.db, waiting.id))?.status).toBe("pending");

    const running = runIndexer({
      db: handle.db,
      config: indexerConfig(),
      client: rpcClient(devnet.url),
      lock: processLock("stake-on-chain-indexer", undefined),
      pollMs: 20,
    });
    try {
      await running.caughtUp();
      await expect
        .poll(async () => (await jobById(handle.db, waiting.id))?.status, { timeout: 10_000 })
        .toBe("matched");
    } finally {
      await running.stop();
    }
  });
});
