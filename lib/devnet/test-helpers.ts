import { resolve } from "node:path";
import {
  type Abi,
  createPublicClient,
  createTestClient,
  createWalletClient,
  defineChain,
  type Hex,
  http,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { computeMarketAbi } from "@/lib/web3/compute-market-abi";
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
