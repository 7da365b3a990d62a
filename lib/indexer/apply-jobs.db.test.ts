/**
 * The chain moves the marketplace's jobs: a job submitted, placed and quoted here, funded by its
 * consumer's wallet on the devnet (the real contract WASM), then started, given a result and
 * finalized there, follows each step once the indexer has seen it — and not before its block
 * has the configured confirmations. A chain step the marketplace's job cannot take is kept on
 * the event and logged, not dropped.
 */
import { sql } from "drizzle-orm";
import { type Hex, keccak256, parseEther, toHex } from "viem";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type DbHandle, queryRows } from "@/db/client";
import { jobById } from "@/db/queries/jobs";
import { leaseById } from "@/db/queries/leases";
import { createTestDb } from "@/db/testing";
import { type Devnet, startDevnet } from "@/lib/devnet";
import { type Clients, clientsFor, marketOn } from "@/lib/devnet/test-helpers";
import { registerProviderInput } from "@/lib/market/schemas";
import { cancelJob } from "@/lib/services/lifecycle/cancel";
import { expireQuotes } from "@/lib/services/lifecycle/expiry";
import { capacityFreed } from "@/lib/services/placement/rematch";
import { registerProvider } from "@/lib/services/providers/providers";
import { quoteLease, quoteMessageOf } from "@/lib/services/quotes/sign-lease";
import { localSignerResolver, registerLocalSigner } from "@/lib/services/quotes/signers";
import { submitJob } from "@/lib/services/submit/submit-job";
import { offerBooks, parseJob, seedOffer } from "@/lib/services/testing";
import { fundJobArgs, fundJobValue } from "@/lib/web3/fund-job";
import { Indexer, type IndexerConfig } from "./indexer";
import { rpcClient } from "./run";
import { indexUntilCaughtUp } from "./testing/catch-up";

let devnet: Devnet;
let handle: DbHandle;
let market: ReturnType<typeof marketOn>;
let provider: Clients;
let signer: Clients;
let consumer: Clients;
let owner: Clients;

function indexer(overrides: Partial<IndexerConfig> = {}) {
  return new Indexer(handle.db, rpcClient(devnet.url), {
    chainId: devnet.chainId,
    contract: devnet.contractAddress,
    startBlock: 0n,
    confirmations: 0,
    chunkBlocks: 1000,
    mayReset: true,
    ...overrides,
  });
}

const catchUp = (ix: Indexer) => indexUntilCaughtUp(ix, 100);

/** A job submitted by the consumer, placed on the provider's offer and quoted by its signer. */
async function quotedJob(gpuModel: string) {
  await seedOffer(handle.db, provider.account.address.toLowerCase(), { gpuModel, gpusTotal: 4 });
  const { job, lease } = await submitJob(
    handle.db,
    consumer.account.address.toLowerCase(),
    parseJob({ gpuModels: [gpuModel], gpuCount: 2, maxHours: 2 }),
    // The chain's clock (earlier tests moved it): the quote's expiry is counted from it.
    new Date(Number((await owner.publicClient.getBlock()).timestamp) * 1000),
  );
  if (!lease) throw new Error("the job was not placed");
  const quote = await quoteLease(handle.db, lease.id, localSignerResolver);
  if (!quote) throw new Error("the job was not quoted");
  const quoted = await leaseById(handle.db, lease.id);
  if (!quoted) throw new Error("no lease");
  const message = quoteMessageOf(quoted, provider.account.address);
  return { job, lease: quoted, quote: { message, signature: quote.signature } };
}

beforeAll(async () => {
  devnet = await startDevnet({ port: 0 });
  handle = await createTestDb();
  market = marketOn(devnet);
  owner = clientsFor(devnet, 0);
  provider = clientsFor(devnet, 5);
  signer = clientsFor(devnet, 4);
  consumer = clientsFor(devnet, 6);
  await market.send(provider, "stake", [], parseEther("5"));
  await market.send(provider, "setSigner", [signer.account.address]);
  // The engine matches only providers whose stake the index shows.
  await catchUp(indexer());
  const signerKey = devnet.accounts[4]?.privateKey as Hex;
  registerLocalSigner(signerKey);
  await registerProvider(
    handle.db,
    provider.account.address.toLowerCase(),
    registerProviderInput.parse({
      name: "devnet provider",
      region: "us-east",
      signerAddress: signer.account.address,
    }),
  );
});

afterAll(async () => {
  await handle?.close();
  await devnet?.stop();
});

describe("confirmed chain events move the marketplace's jobs", () => {
  // First, while the chain's clock is still the machine's (re-placement quotes from it).
  it("funds the lease of the current placement when an earlier quote expired", async () => {
    const ix = indexer();
    const first = await quotedJob("a10-24gb");
    const { expired, markets } = await expireQuotes(
      handle.db,
      new Date(first.lease.quoteExpiresAt.getTime() + 1_000),
    );
    expect(expired).toContain(first.lease.id);
    const [again] = await capacityFreed(handle.db, markets);
    expect(again?.jobId).toBe(first.job.id);
    if (!again) throw new Error("not placed again");
    expect(again.chainJobId).toBe(first.lease.chainJobId);
    const quote = await quoteLease(handle.db, again.id, localSignerResolver);
    if (!quote) throw new Error("not quoted");
    const message = quoteMessageOf(
      (await leaseById(handle.db, again.id)) as NonNullable<Awaited<ReturnType<typeof leaseById>>>,
      provider.account.address,
    );
    const funded = await market.send(
      consumer,
      "fundJob",
      fundJobArgs({ message, signature: quote.signature }),
      fundJobValue(message),
    );
    await catchUp(ix);
    expect((await jobById(handle.db, first.job.id))?.status).toBe("funded");
    expect((await leaseById(handle.db, again.id))?.fundTxHash).toBe(funded.transactionHash);
    expect((await leaseById(handle.db, first.lease.id))?.status).toBe("expired");
  });

  it("funded, running, submitted (GPUs back), finalized: each with its transaction", async () => {
    const ix = indexer();
    const { job, lease, quote } = await quotedJob("a100-80gb");
    expect((await jobById(handle.db, job.id))?.status).toBe("quoted");

    const funded = await market.send(
      consumer,
      "fundJob",
      fundJobArgs(quote),
      fundJobValue(quote.message),
    );
    await catchUp(ix);
    expect((await jobById(handle.db, job.id))?.status).toBe("funded");
    const afterFunding = await leaseById(handle.db, lease.id);
    expect(afterFunding?.status).toBe("funded");
    expect(afterFunding?.fundTxHash).toBe(funded.transactionHash);

    await market.send(signer, "acknowledgeStart", [quote.message.jobId]);
    await catchUp(ix);
    expect((await jobById(handle.db, job.id))?.status).toBe("running");
    expect((await offerBooks(handle.db, "a100-80gb"))[0]).toMatchObject({ free: 2, leased: 2 });

    const result = await market.send(provider, "submitResult", [
      quote.message.jobId,
      1_200n,
      keccak256(toHex("weights")),
    ]);
    await catchUp(ix);
    expect((await jobById(handle.db, job.id))?.status).toBe("submitted");
    expect((await leaseById(handle.db, lease.id))?.resultTxHash).toBe(result.transactionHash);
    // The result releases the GPUs back to the offer.
    expect((await offerBooks(handle.db, "a100-80gb"))[0]).toMatchObject({ free: 4, leased: 0 });

    await owner.testClient.increaseTime({ seconds: 3_601 });
    await market.send(owner, "finalize", [quote.message.jobId]);
    await catchUp(ix);
    expect((await jobById(handle.db, job.id))?.status).toBe("finalized");
  });

  it("waits for the configured confirmations before moving a job", async () => {
    const ix = indexer({ confirmations: 2 });
    await catchUp(ix);
    const { job, lease, quote } = await quotedJob("l40s-48gb");
    await market.send(consumer, "fundJob", fundJobArgs(quote), fundJobValue(quote.message));
    await catchUp(ix);
    // Indexed at once (the chain's own copy), but the marketplace waits.
    const [indexed] = await queryRows<{ status: string }>(
      handle.db,
      sql`select status from chain_jobs where job_id = ${quote.message.jobId.toLowerCase()}`,
    );
    expect(indexed?.status).toBe("funded");
    expect((await jobById(handle.db, job.id))?.status).toBe("quoted");
    // Its quote runs out meanwhile, but a quote the chain shows funded does not expire.
    const { expired } = await expireQuotes(handle.db, new Date(Date.now() + 3_600_000));
    expect(expired).not.toContain(lease.id);
    await owner.testClient.mine({ blocks: 1 });
    await catchUp(ix);
    expect((await jobById(handle.db, job.id))?.status).toBe("quoted");
    await owner.testClient.mine({ blocks: 1 });
    await catchUp(ix);
    expect((await jobById(handle.db, job.id))?.status).toBe("funded");
  });

  it("keeps a chain step the job cannot take as a note on its event, and logs it", async () => {
    const ix = indexer();
    await catchUp(ix);
    const { job, quote } = await quotedJob("rtx4090-24gb");
    // The consumer cancels here, then funds the still-valid quote on chain anyway.
    await cancelJob(handle.db, consumer.account.address.toLowerCase(), job.id);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      const receipt = await market.send(
        consumer,
        "fundJob",
        fundJobArgs(quote),
        fundJobValue(quote.message),
      );
      await catchUp(ix);
      expect((await jobById(handle.db, job.id))?.status).toBe("cancelled");
      const [event] = await queryRows<{ apply_note: string | null }>(
        handle.db,
        sql`select apply_note from chain_events where tx_hash = ${receipt.transactionHash.toLowerCase()}`,
      );
      expect(event?.apply_note).toContain("JobFunded could not move job");
      expect(event?.apply_note).toContain("cancelled");
      expect(warn.mock.calls.flat().join(" ")).toContain(receipt.transactionHash.toLowerCase());
    } finally {
      warn.mockRestore();
    }
  });
});

describe("confirmed chain events move the provider's signer", () => {
  it("a signer rotated on chain becomes the provider's signer here once confirmed, with an event", async () => {
    const rotated = clientsFor(devnet, 7);
    const address = provider.account.address.toLowerCase();
    const held = async () =>
      (
        await queryRows<{ signer: string }>(
          handle.db,
          sql`select signer_address as signer from providers where address = ${address}`,
        )
      )[0]?.signer;
    await market.send(provider, "setSigner", [rotated.account.address]);
    // Inside the confirmation depth the marketplace keeps the signer it had.
    await catchUp(indexer({ confirmations: 2 }));
    expect(await held()).toBe(signer.account.address.toLowerCase());
    await catchUp(indexer());
    expect(await held()).toBe(rotated.account.address.toLowerCase());
    const events = await queryRows<{ data: { signer: string; txHash: string } }>(
      handle.db,
      sql`select data from market_events where aggregate = 'provider' and type = 'provider.signer_set'`,
    );
    expect(events.map((e) => e.data.signer)).toEqual([rotated.account.address.toLowerCase()]);
    expect(events[0]?.data.txHash).toMatch(/^0x[0-9a-f]{64}$/);
  });
});
