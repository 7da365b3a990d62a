import type { Metadata } from "next";
import { headers } from "next/headers";
import type { ReactNode } from "react";
import { cookieToInitialState } from "wagmi";
import { Providers } from "@/components/providers";
import { SiteHeader } from "@/components/site-header";
import { getSession } from "@/lib/auth/session";
import { chainConfig, publicEnv } from "@/lib/env";
import { createWagmiConfig } from "@/lib/web3/wagmi";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "GPU Market", template: "%s · GPU Market" },
  description: "Rent GPUs for AI jobs; pay only for the seconds used, settled on Arbitrum.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Read at request time, so one build serves any chain the environment selects.
  const pub = publicEnv();
  const cookie = (await headers()).get("cookie");
  const initialState = cookieToInitialState(createWagmiConfig(pub), cookie);
  const session = await getSession();
  return (
    <html lang="en" className="dark">
      <body className="min-h-screen bg-zinc-950 text-zinc-100 antialiased">
        <Providers
          publicEnv={pub}
          initialState={initialState}
          initialAddress={session?.address ?? null}
        >
          <div className="flex min-h-screen flex-col">
            <SiteHeader chainName={chainConfig(pub).chain.name} />
            <div className="flex-1">{children}</div>
            <footer className="border-t border-zinc-900 py-6 text-center text-xs text-zinc-400">
              Settled by the ComputeMarket contract on Arbitrum (Stylus).
            </footer>
          </div>
        </Providers>
      </body>
    </html>
  );
}
