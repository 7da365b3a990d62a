import type { Chain } from "viem";
import { type CreateConnectorFn, cookieStorage, createConfig, createStorage, http } from "wagmi";
import { chainConfig, type PublicEnv } from "@/lib/env";

/** The cookie (`<key>.store`) that carries the wallet connection from the browser to SSR. */
export const WAGMI_STORAGE_KEY = "gpu-market.wagmi";

/**
 * The one wagmi config: only the chain the marketplace runs on (no mainnet, so no ENS lookups go
 * out), its RPC URL, and cookie storage so the server renders the same connection state the
 * browser hydrates with. The server builds it without connectors just to read that cookie.
 */
export function createWagmiConfig(pub: PublicEnv, connectors: CreateConnectorFn[] = []) {
  const { chain, rpcUrl } = chainConfig(pub);
  const chains: [Chain] = [chain];
  return createConfig({
    chains,
    transports: { [chain.id]: http(rpcUrl) },
    connectors,
    ssr: true,
    storage: createStorage({ storage: cookieStorage, key: WAGMI_STORAGE_KEY }),
  });
}

export type WagmiConfig = ReturnType<typeof createWagmiConfig>;
