"use client";

import "@rainbow-me/rainbowkit/styles.css";
import { darkTheme, RainbowKitProvider } from "@rainbow-me/rainbowkit";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { Toaster } from "sonner";
import type { Address } from "viem";
import { type State, WagmiProvider } from "wagmi";
import type { PublicEnv } from "@/lib/env";
import { createWagmiConfig } from "@/lib/web3/wagmi";
import { APP_NAME, walletConnectors } from "@/lib/web3/wallets";
import { SiweProvider } from "./wallet/siwe-provider";

/** The one provider tree: wagmi, TanStack Query, SIWE session, RainbowKit. */
export function Providers({
  publicEnv,
  initialState,
  initialAddress,
  children,
}: {
  publicEnv: PublicEnv;
  initialState: State | undefined;
  initialAddress: Address | null;
  children: ReactNode;
}) {
  const [config] = useState(() =>
    createWagmiConfig(publicEnv, walletConnectors(publicEnv.NEXT_PUBLIC_WALLETCONNECT_PROJECT_ID)),
  );
  const [queryClient] = useState(() => new QueryClient());
  return (
    <WagmiProvider config={config} initialState={initialState}>
      <QueryClientProvider client={queryClient}>
        <SiweProvider initialAddress={initialAddress}>
          <RainbowKitProvider
            appInfo={{ appName: APP_NAME }}
            theme={darkTheme({ accentColor: "#10b981", borderRadius: "medium" })}
            modalSize="compact"
          >
            {children}
            {/* Transaction steps (useTransaction); the page's own aria-live line is the accessible copy. */}
            <Toaster theme="dark" position="bottom-right" closeButton />
          </RainbowKitProvider>
        </SiweProvider>
      </QueryClientProvider>
    </WagmiProvider>
  );
}
