import type { Chain } from "viem";
import { type CreateConnectorFn, cookieStorage, createConfig, createStorage, http } from "wagmi";
import { chainConfig, type PublicEnv } from "@/lib/env";

/** The storage key (`<key>.store` cookie) under which wagmi keeps the last connection. */
export const WAGMI_STORAGE_KEY = "gpu-market.wagmi";

/**
 * The one wagmi config: only the chain the marketplace runs on (no mainnet, so no ENS lookups go
 * out), its RPC URL, and the last connection kept in a cookie so a returning wallet reconnects.
 * Built in the browser only, when the wallet libraries load (`wallet-runtime.tsx`): pages render
 * the signed-in state from the session, not from the wallet.
 */
export function createWagmiConfig(pub: PublicEnv, connectors: CreateConnectorFn[] = []) {
  const { chain, rpcUrl } = chainConfig(pub);
  const chains: [Chain] = [chain];
  return createConfig({
    chains,
    transports: { [chain.id]: http(rpcUrl) },
    connectors,
    storage: createStorage({ storage: cookieStorage, key: WAGMI_STORAGE_KEY }),
  });
}

export type WagmiConfig = ReturnType<typeof createWagmiConfig>;
