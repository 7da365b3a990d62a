import { resolve } from "node:path";
import {
  type Abi,
  type Address,
  BaseError,
  type ContractEventName,
  type ContractFunctionArgs,
  type ContractFunctionName,
  ContractFunctionRevertedError,
  createPublicClient,
  createTestClient,
  createWalletClient,
  defineChain,
  type Hex,
  http,
  parseEventLogs,
  type TransactionReceipt,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { computeMarketAbi } from "@/lib/web3/compute-market-abi";
import { jobView, providerView } from "@/lib/web3/market-views";
import { compileWatFixture } from "./fixtures/compile-wat";
import { type Devnet, type DevnetOptions, startDevnet } from "./index";

export const PROBE_WAT = resolve(import.meta.dirname, "fixtures/host-probe.wat");

/** A devnet whose Stylus address runs the host-probe fixture instead of ComputeMarket. */
export async function startProbeDevnet(opts: DevnetOptions = {}): Promise<Devnet> {
  const artifactPath = await compileWatFixture(PROBE_WAT);
  return startDevnet({ port: 0, artifactPath, constructorCalldata: null, ...opts });
}

export function clientsFor(devnet: Devnet, accountIndex = 3) {
  const chain = defineChain({
    id: devnet.chainId,
    name: "Stylus devnet",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [devnet.url] } },
  });
  const key = devnet.accounts[accountIndex]?.privateKey as Hex;
  const account = privateKeyToAccount(key);
  const transport = http(devnet.url, { retryCount: 0 });
  return {
    chain,
    account,
    publicClient: createPublicClient({ chain, transport, pollingInterval: 50 }),
    walletClient: createWalletClient({ chain, transport, account }),
    testClient: createTestClient({ chain, transport, mode: "anvil" }),
  };
}

/** Raw JSON-RPC POST, for the cases a typed client would refuse to send. */
export async function rawRpc(
  url: string,
  body: string,
): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });
  return { status: res.status, json: await res.json() };
}

/** The generated ComputeMarket ABI (functions, events, errors). */
export const marketAbi: Abi = computeMarketAbi as Abi;

export type Clients = ReturnType<typeof clientsFor>;
type MarketAbi = typeof computeMarketAbi;
type WriteFn = ContractFunctionName<MarketAbi, "nonpayable" | "payable">;
type WriteArgs<F extends WriteFn> = ContractFunctionArgs<MarketAbi, "nonpayable" | "payable", F>;

/** What a reverted call reverted with, decoded with the market's custom errors. */
export type Refusal = { name: string | undefined; args: readonly unknown[] | undefined };

/** The custom error behind a failed viem call; throws when the call did not fail. */
export async function refusalOf(call: Promise<unknown>): Promise<Refusal> {
  const error = await call.then(
    () => {
      throw new Error("expected the call to revert, and it succeeded");
    },
    (e: unknown) => e,
  );
  if (!(error instanceof BaseError)) throw error;
  const revert = error.walk(
    (e) => e instanceof ContractFunctionRevertedError,
  ) as ContractFunctionRevertedError | null;
  return { name: revert?.data?.errorName, args: revert?.data?.args };
}

/**
 * Typed ComputeMarket calls on a devnet, as a wallet makes them: `send` mines a transaction and
 * fails the test unless it succeeded; `refusal` simulates one (eth_call at the next block's
 * time) and returns the custom error it reverts with.
 */
export function marketOn(devnet: Devnet) {
  const address = devnet.contractAddress;
  const request = (who: Clients, functionName: string, args: unknown, value = 0n) => ({
    address,
    abi: computeMarketAbi,
    functionName,
    args,
    value,
    account: who.account,
    chain: who.chain,
  });
  return {
    address,
    async send<const F extends WriteFn>(
      who: Clients,
      functionName: F,
      args: WriteArgs<F>,
      value?: bigint,
    ): Promise<TransactionReceipt> {
      const write = who.walletClient.writeContract as (p: unknown) => Promise<Hex>;
      const hash = await write(request(who, functionName, args, value));
      const receipt = await who.publicClient.waitForTransactionReceipt({ hash });
      if (receipt.status !== "success") throw new Error(`${functionName} reverted`);
      return receipt;
    },
    refusal<const F extends WriteFn>(
      who: Clients,
      functionName: F,
      args: WriteArgs<F>,
      value?: bigint,
    ): Promise<Refusal> {
      const simulate = who.publicClient.simulateContract as (p: unknown) => Promise<unknown>;
      return refusalOf(simulate(request(who, functionName, args, value)));
    },
    async job(who: Clients, jobId: Hex) {
      const t = await who.publicClient.readContract({
        address,
        abi: computeMarketAbi,
        functionName: "job",
        args: [jobId],
      });
      return jobView(t);
    },
    async provider(who: Clients, provider: Address) {
      const t = await who.publicClient.readContract({
        address,
        abi: computeMarketAbi,
        functionName: "provider",
        args: [provider],
      });
      return providerView(t);
    },
    withdrawable(who: Clients, account: Address): Promise<bigint> {
      return who.publicClient.readContract({
        address,
        abi: computeMarketAbi,
        functionName: "withdrawable",
        args: [account],
      });
    },
  };
}

/** The one `name` event in `receipt`, decoded (fails the test unless there is exactly one). */
export function eventIn<const N extends ContractEventName<MarketAbi>>(
  receipt: TransactionReceipt,
  name: N,
) {
  const logs = parseEventLogs({ abi: computeMarketAbi, logs: receipt.logs, eventName: name });
  if (logs.length !== 1) throw new Error(`expected one ${name} event, got ${logs.length}`);
  return (logs[0] as (typeof logs)[number]).args;
}

/** Block time of the block that mined `receipt`. */
export async function minedAt(who: Clients, receipt: TransactionReceipt): Promise<bigint> {
  return (await who.publicClient.getBlock({ blockNumber: receipt.blockNumber })).timestamp;
}

/** Wei `receipt`'s sender paid for gas. */
export const gasPaid = (receipt: TransactionReceipt) => receipt.gasUsed * receipt.effectiveGasPrice;
