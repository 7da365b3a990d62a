"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { Toaster } from "sonner";
import type { Address } from "viem";
import type { PublicEnv } from "@/lib/env";
import { SessionProvider } from "./wallet/session-provider";
import { WalletLoaderProvider } from "./wallet/wallet-loader";

/**
 * The one provider tree: TanStack Query, the signed-in session, and the wallet loader. The wallet
 * libraries themselves (wagmi, RainbowKit) are not here: they load when a wallet control is used
 * (`wallet-loader.tsx`), so pages that only read do not download or run them.
 */
export function Providers({
  publicEnv,
  initialAddress,
  children,
}: {
  publicEnv: PublicEnv;
  initialAddress: Address | null;
  children: ReactNode;
}) {
  const [queryClient] = useState(() => new QueryClient());
  return (
    <QueryClientProvider client={queryClient}>
      <SessionProvider initialAddress={initialAddress}>
        <WalletLoaderProvider publicEnv={publicEnv}>
          {children}
          {/* Transaction steps (useTransaction); the page's own aria-live line is the accessible copy. */}
          <Toaster theme="dark" position="bottom-right" closeButton />
        </WalletLoaderProvider>
      </SessionProvider>
    </QueryClientProvider>
  );
}
