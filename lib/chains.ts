import type { Address } from "viem";
import { defineChain } from "viem";
import { arbitrum, arbitrumSepolia } from "viem/chains";

/** The embedded Stylus devnet: same chain id and port as a Nitro dev node. */
export const devnet = defineChain({
  id: 412346,
  name: "Stylus Devnet",
  nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
  rpcUrls: { default: { http: ["http://127.0.0.1:8547"] } },
  testnet: true,
});

/**
 * ComputeMarket on the embedded devnet: deployed by dev account 0 at nonce 0, so the address
 * is the same on every fresh devnet.
 */
export const DEVNET_MARKET_ADDRESS: Address = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

export type ChainKey = "devnet" | "arbitrum-sepolia" | "arbitrum-one";

export const chainKeys = [
  "devnet",
  "arbitrum-sepolia",
  "arbitrum-one",
] as const satisfies readonly ChainKey[];

export const chainRegistry = {
  devnet: { chain: devnet, marketAddress: DEVNET_MARKET_ADDRESS as Address | undefined },
  "arbitrum-sepolia": { chain: arbitrumSepolia, marketAddress: undefined as Address | undefined },
  "arbitrum-one": { chain: arbitrum, marketAddress: undefined as Address | undefined },
} satisfies Record<ChainKey, unknown>;

export function chainByKey(key: ChainKey) {
  return chainRegistry[key].chain;
}
