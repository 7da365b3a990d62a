/**
 * A load of ComputeMarket transactions on a devnet that takes every path of the contract, for the
 * indexer's tests and benchmark: stake, unstake and withdraw it, set signers, and jobs that are
 * finalized, disputed and resolved by the arbiter, disputed and settled after the timeout, expired
 * unstarted, expired without a result; withdrawals; parameter and role changes; pause.
 * Test-only; it moves the devnet's clock.
 */
import {
  type Address,
  createPublicClient,
  createTestClient,
  createWalletClient,
  defineChain,
  type Hex,
  http,
  keccak256,
  parseEther,
  parseGwei,
  toHex,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { computeMarketAbi } from "@/lib/web3/compute-market-abi";
import { quoteTypedData } from "@/lib/web3/eip712";
import { fundJobArgs, fundJobValue } from "@/lib/web3/fund-job";
import { chainJobId } from "@/lib/web3/job-id";

export type LoadTarget = {
  url: string;
  chainId: number;
  contract: Address;
  /** Dev account keys: 0 owner, 1 arbiter, 2 fee recipient, 3.. free. */
  keys: readonly Hex[];
};

type Party = ReturnType<typeof party>;

function party(t: LoadTarget, index: number) {
  const chain = defineChain({
    id: t.chainId,
    name: "devnet",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [t.url] } },
  });
  const key = t.keys[index];
  if (!key) throw new Error(`no dev account ${index}`);
  const account = privateKeyToAccount(key);
  const transport = http(t.url, { retryCount: 2 });
  return {
    key,
    account,
    address: account.address,
    chain,
    publicClient: createPublicClient({ chain, transport, pollingInterval: 20 }),
    walletClient: createWalletClient({ chain, transport, account }),
    testClient: createTestClient({ chain, transport, mode: "anvil" }),
  };
}

/** A deterministic pseudo-random source (xorshift), so a failing run can be repeated. */
export function random(seed: number) {
  let x = seed || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

export type Load = {
  /** Runs `flows` flows one after another (each a few transactions); returns the tx count. */
  run(flows: number, shouldStop?: () => boolean): Promise<number>;
  /** Providers, consumers and the other accounts the load uses. */
  addresses: Address[];
};

/**
 * The load's parties: providers are dev accounts 3-5 (each its own signer at first), consumers
 * 6-8, and 9 calls what anyone may call.
 */
export async function contractLoad(t: LoadTarget, seed = 1): Promise<Load> {
  const rnd = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const owner = party(t, 0);
  const arbiter = party(t, 1);
  const providers = [3, 4, 5].map((i) => party(t, i));
  const consumers = [6, 7, 8].map((i) => party(t, i));
  const anyone = party(t, 9);
  const everyone = [...providers, ...consumers];
  let sent = 0;
  let label = 0;
  const signerOf = new Map<Address, Party>(providers.map((p) => [p.address, p]));

  async function send(who: Party, functionName: string, args: readonly unknown[], value = 0n) {
    const hash = await (who.walletClient.writeContract as (p: unknown) => Promise<Hex>)({
      address: t.contract,
      abi: computeMarketAbi,
      functionName,
      args,
      value,
      account: who.account,
      chain: who.chain,
    });
    const receipt = await who.publicClient.waitForTransactionReceipt({ hash });
    sent++;
    if (receipt.status !== "success") throw new Error(`${functionName} reverted`);
    return receipt;
  }

  async function view<T>(functionName: string, args: unknown[]): Promise<T> {
    return (owner.publicClient.readContract as (p: unknown) => Promise<T>)({
      address: t.contract,
      abi: computeMarketAbi,
      functionName,
      args,
    });
  }

  const later = (seconds: number) => owner.testClient.increaseTime({ seconds });

  async function fund(provider: Party, consumer: Party) {
    const now = (await owner.publicClient.getBlock()).timestamp;
    const message = {
      jobId: chainJobId(consumer.address, `load-${seed}-${label++}-${now}`),
      consumer: consumer.address,
      provider: provider.address,
      ratePerSecond: parseGwei(String(1 + Math.floor(rnd() * 5))),
      maxSeconds: BigInt(600 + Math.floor(rnd() * 3000)),
      expiresAt: now + 900n,
    };
    // The signer on chain (the load may have been rolled back by a test since it set one).
    const onChain = (
      (await view<readonly unknown[]>("provider", [provider.address]))[4] as string
    ).toLowerCase();
    const signer = everyone.find((x) => x.address.toLowerCase() === onChain) ?? provider;
    if (signer === provider && onChain !== provider.address.toLowerCase()) {
      await send(provider, "setSigner", [provider.address]);
    }
    signerOf.set(provider.address, signer);
    const signature = await signer.account.signTypedData(
      quoteTypedData(t.chainId, t.contract, message),
    );
    await send(consumer, "fundJob", fundJobArgs({ message, signature }), fundJobValue(message));
    return message;
  }

  async function result(provider: Party, jobId: Hex, maxSeconds: bigint) {
    const worker = rnd() < 0.5 ? provider : (signerOf.get(provider.address) ?? provider);
    await send(worker, "acknowledgeStart", [jobId]);
    const used = BigInt(Math.floor(rnd() * Number(maxSeconds)));
    await send(worker, "submitResult", [jobId, used, keccak256(toHex(`${jobId}-result`))]);
  }

  /** Each flow leaves no job open, so the clock moves freely between flows. */
  const flows: (() => Promise<void>)[] = [
    async () => {
      const p = pick(providers);
      await send(p, "stake", [], parseEther(String(1 + Math.floor(rnd() * 3))));
    },
    async () => {
      const p = pick(providers);
      const free = (await view<readonly bigint[]>("provider", [p.address]))[5] ?? 0n;
      if (free > parseEther("2")) {
        await send(p, "requestUnstake", [parseEther("0.5")]);
        await later(86_400 + 1);
        await send(p, "withdrawStake", []);
      }
    },
    async () => {
      const p = pick(providers);
      const next = rnd() < 0.5 ? p : pick(consumers);
      await send(p, "setSigner", [next.address]);
      signerOf.set(p.address, next);
    },
    async () => {
      // finalized after the challenge window
      const p = pick(providers);
      const q = await fund(p, pick(consumers));
      await result(p, q.jobId, q.maxSeconds);
      await later(3_600 + 1);
      await send(anyone, "finalize", [q.jobId]);
    },
    async () => {
      // disputed, resolved by the arbiter
      const p = pick(providers);
      const c = pick(consumers);
      const q = await fund(p, c);
      await result(p, q.jobId, q.maxSeconds);
      await send(c, "dispute", [q.jobId]);
      await send(arbiter, "resolveDispute", [
        q.jobId,
        Math.floor(rnd() * 10_001),
        Math.floor(rnd() * 10_001),
      ]);
    },
    async () => {
      // disputed, settled by anyone after the timeout
      const p = pick(providers);
      const c = pick(consumers);
      const q = await fund(p, c);
      await result(p, q.jobId, q.maxSeconds);
      await send(c, "dispute", [q.jobId]);
      await later(86_400 + 1);
      await send(anyone, "settleDispute", [q.jobId]);
    },
    async () => {
      // a no-show: never started
      const p = pick(providers);
      const q = await fund(p, pick(consumers));
      await later(600 + 1);
      await send(anyone, "cancelExpired", [q.jobId]);
    },
    async () => {
      // started, no result by the deadline
      const p = pick(providers);
      const q = await fund(p, pick(consumers));
      await send(p, "acknowledgeStart", [q.jobId]);
      await later(600 + Number(q.maxSeconds) + 1);
      await send(anyone, "cancelExpired", [q.jobId]);
    },
    async () => {
      const who = pick([...providers, ...consumers]);
      if ((await view<bigint>("withdrawable", [who.address])) > 0n) await send(who, "withdraw", []);
    },
  ];
  const rare: (() => Promise<void>)[] = [
    async () => {
      await send(owner, "pause", []);
      await send(owner, "unpause", []);
    },
    async () => {
      const fee = Math.floor(rnd() * 500);
      await send(owner, "setParams", [
        fee,
        parseEther("0.1"),
        86_400n,
        3_600n,
        600n,
        2_592_000n,
        86_400n,
        1_000 + Math.floor(rnd() * 1_000),
        5_000,
        5_000,
      ]);
    },
  ];

  // Every provider starts staked, so any flow can run first.
  for (const p of providers) {
    const stake = (await view<readonly bigint[]>("provider", [p.address]))[0] ?? 0n;
    if (stake < parseEther("5")) await send(p, "stake", [], parseEther("5"));
  }

  return {
    addresses: [
      owner.address,
      arbiter.address,
      party(t, 2).address,
      ...providers.map((p) => p.address),
      ...consumers.map((c) => c.address),
      anyone.address,
    ],
    async run(count, shouldStop = () => false) {
      const before = sent;
      for (let i = 0; i < count && !shouldStop(); i++) {
        const flow = rnd() < 0.03 ? pick(rare) : pick(flows);
        await flow();
      }
      return sent - before;
    },
  };
}
