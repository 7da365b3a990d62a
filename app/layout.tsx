import type { Metadata } from "next";
import type { ReactNode } from "react";
import { Providers } from "@/components/providers";
import { SiteHeader } from "@/components/site-header";
import { getSession } from "@/lib/auth/session";
import { chainConfig, publicEnv } from "@/lib/env";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "GPU Market", template: "%s · GPU Market" },
  description: "Rent GPUs for AI jobs; pay only for the seconds used, settled on Arbitrum.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Read at request time, so one build serves any chain the environment selects.
  const pub = publicEnv();
  const session = await getSession();
  return (
    <html lang="en" className="dark">
      <body className="min-h-screen bg-zinc-950 text-zinc-100 antialiased">
        <Providers publicEnv={pub} initialAddress={session?.address ?? null}>
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
