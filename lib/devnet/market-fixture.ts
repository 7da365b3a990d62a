/**
 * A ComputeMarket on a fresh devnet for the chain tests, with named parties: the default
 * deployment's owner / arbiter / fee recipient, a staked provider whose agent key (`signer`) signs
 * its quotes, a consumer, a stranger (the keeper's role: anyone), and an attacker that runs a staked
 * provider of its own. Each test starts from the same chain (evm_snapshot / evm_revert).
 * Test-only: it registers vitest hooks.
 */
import { type Hex, keccak256, parseEther, parseGwei, toHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, afterEach, beforeAll, beforeEach, expect } from "vitest";
import { quoteTypedData } from "@/lib/web3/eip712";
import { fundJobArgs, fundJobValue, type SignedQuote } from "@/lib/web3/fund-job";
import { chainJobId } from "@/lib/web3/job-id";
import { DEFAULT_ARTIFACT_PATH, type Devnet, startDevnet } from "./index";
import { type Clients, clientsFor, eventIn, marketOn } from "./test-helpers";

export const RATE = parseGwei("1");
export const MAX_SECONDS = 3_600n;
export const ESCROW = RATE * MAX_SECONDS;
/** `amount * b / 10,000`, rounded down as the contract's `share`. */
export const bps = (amount: bigint, b: number) => (amount * BigInt(b)) / 10_000n;

export type QuoteOptions = {
  label?: string;
  /** default: `chainJobId(by, label)` */
  jobId?: Hex;
  /** the consumer the quote is for (default: consumer) */
  by?: Clients;
  /** the provider (default: provider) */
  from?: Clients;
  /** whose key signs (default: the provider's signer) */
  signedBy?: Clients;
  maxSeconds?: bigint;
  rate?: bigint;
};

export type MarketFixture = {
  devnet: Devnet;
  market: ReturnType<typeof marketOn>;
  owner: Clients;
  arbiter: Clients;
  feeRecipient: Clients;
  signer: Clients;
  provider: Clients;
  consumer: Clients;
  stranger: Clients;
  attacker: Clients;
  attackerProvider: Clients;
  /** The next block's time, exactly; eth_call sees it too. */
  setNextTime(timestamp: bigint): Promise<void>;
  balanceOf(c: Clients): Promise<bigint>;
  withdrawable(c: Clients): Promise<bigint>;
  /** A quote valid for 15 minutes, signed as `o` says. */
  quote(o: QuoteOptions): Promise<SignedQuote>;
  /** Funds `q` from `by` (default: the consumer); fails the test unless it succeeds. */
  fund(
    q: SignedQuote,
    by?: Clients,
  ): Promise<{
    receipt: Awaited<ReturnType<ReturnType<typeof marketOn>["send"]>>;
    id: Hex;
    job: Awaited<ReturnType<ReturnType<typeof marketOn>["job"]>>;
  }>;
  /** A job funded, acknowledged, with 1,800 s of results submitted, then disputed. */
  disputedJob(label: string): ReturnType<MarketFixture["fund"]>;
};

/** Call inside a `describe`; the fields are set once its `beforeAll` has run. */
export function marketFixture(): MarketFixture {
  const f = {} as MarketFixture;
  let snapshot: Hex;

  beforeAll(async () => {
    const devnet = await startDevnet({
      port: 0,
      artifactPath: process.env.DEVNET_ARTIFACT ?? DEFAULT_ARTIFACT_PATH,
    });
    const market = marketOn(devnet);
    const at = (i: number) => clientsFor(devnet, i);
    const keyOf = (c: Clients) =>
      devnet.accounts.find((a) => a.address === c.account.address)?.privateKey as Hex;
    Object.assign(f, {
      devnet,
      market,
      owner: at(0),
      arbiter: at(1),
      feeRecipient: at(2),
      signer: at(4),
      provider: at(5),
      consumer: at(6),
      stranger: at(7),
      attacker: at(8),
      attackerProvider: at(9),
    });
    f.setNextTime = (timestamp) => f.consumer.testClient.setNextBlockTimestamp({ timestamp });
    f.balanceOf = (c) => c.publicClient.getBalance({ address: c.account.address });
    f.withdrawable = (c) => market.withdrawable(c, c.account.address);
    f.quote = async (o) => {
      const by = o.by ?? f.consumer;
      const now = (await by.publicClient.getBlock()).timestamp;
      const message = {
        jobId: o.jobId ?? chainJobId(by.account.address, o.label ?? "job"),
        consumer: by.account.address,
        provider: (o.from ?? f.provider).account.address,
        ratePerSecond: o.rate ?? RATE,
        maxSeconds: o.maxSeconds ?? MAX_SECONDS,
        expiresAt: now + 900n,
      };
      const signature = await privateKeyToAccount(keyOf(o.signedBy ?? f.signer)).signTypedData(
        quoteTypedData(devnet.chainId, devnet.contractAddress, message),
      );
      return { message, signature };
    };
    f.fund = async (q, by = f.consumer) => {
      const receipt = await market.send(by, "fundJob", fundJobArgs(q), fundJobValue(q.message));
      return { receipt, id: q.message.jobId, job: await market.job(by, q.message.jobId) };
    };
    f.disputedJob = async (label) => {
      const { id } = await f.fund(await f.quote({ label }));
      await market.send(f.signer, "acknowledgeStart", [id]);
      await market.send(f.provider, "submitResult", [id, 1_800n, keccak256(toHex(label))]);
      const receipt = await market.send(f.consumer, "dispute", [id]);
      expect(eventIn(receipt, "JobDisputed")).toEqual({
        jobId: id,
        consumer: f.consumer.account.address,
      });
      return { receipt, id, job: await market.job(f.consumer, id) };
    };

    // The provider stakes and lets its agent key sign quotes and act for it; the attacker's
    // provider stakes and signs with its own key.
    await market.send(f.provider, "stake", [], parseEther("10"));
    await market.send(f.provider, "setSigner", [f.signer.account.address]);
    await market.send(f.attackerProvider, "stake", [], parseEther("1"));
    await market.send(f.attackerProvider, "setSigner", [f.attackerProvider.account.address]);
  });
  afterAll(async () => {
    await f.devnet?.stop();
  });
  beforeEach(async () => {
    snapshot = await f.consumer.testClient.snapshot();
  });
  afterEach(async () => {
    await f.consumer.testClient.revert({ id: snapshot });
  });
  return f;
}
