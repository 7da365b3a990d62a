import type { Address, Chain, Hex } from "viem";
import { privateKeyToAddress } from "viem/accounts";
import { DEVNET_PRIVATE_KEYS } from "@/lib/devnet/constants";
import { chainConfig, type Env, env } from "@/lib/env";

/**
 * The dev account the keeper sends from on the devnet when KEEPER_PRIVATE_KEY is unset. Nothing
 * else in the running app sends from it (0-2 are the owner, arbiter and fee recipient;
 * `npm run bench:devnet` uses 5-7). Tests start devnets of their own: one that runs the keeper
 * beside `lib/indexer/testing/load.ts` should give it another key, as that load calls from 9.
 */
export const DEVNET_KEEPER_ACCOUNT = 9;

export type KeeperSettings = {
  rpcUrl: string;
  chain: Chain;
  contract: Address;
  privateKey: Hex;
  address: Address;
  /** Where the key came from, for the start-up line. */
  keySource: string;
};

/** The keeper's settings from the environment, or why it does not run. */
export function keeperSettings(e: Env = env()): KeeperSettings | { off: string } {
  if (e.KEEPER === "off") return { off: "KEEPER=off" };
  const chain = chainConfig(e);
  if (!chain.marketAddress) {
    return {
      off: `no ComputeMarket address is configured for ${chain.key} (NEXT_PUBLIC_MARKET_ADDRESS)`,
    };
  }
  const devKey = DEVNET_PRIVATE_KEYS[DEVNET_KEEPER_ACCOUNT] as Hex;
  const privateKey =
    (e.KEEPER_PRIVATE_KEY as Hex | undefined) ?? (chain.key === "devnet" ? devKey : undefined);
  if (!privateKey) {
    return {
      off: `set KEEPER_PRIVATE_KEY to a funded account's key to finalize and cancel jobs on ${chain.key}`,
    };
  }
  return {
    rpcUrl: chain.rpcUrl,
    chain: chain.chain,
    contract: chain.marketAddress,
    privateKey,
    address: privateKeyToAddress(privateKey),
    keySource: e.KEEPER_PRIVATE_KEY ? "KEEPER_PRIVATE_KEY" : `dev account ${DEVNET_KEEPER_ACCOUNT}`,
  };
}
