"use client";

// The wallet libraries (wagmi, RainbowKit, WalletConnect's connectors) and everything that
// needs them. Nothing imports this file statically: `wallet-loader.tsx` imports it when a person
// reaches for a wallet control, so pages paint and become interactive without it.
import "@rainbow-me/rainbowkit/styles.css";
import { darkTheme, RainbowKitProvider } from "@rainbow-me/rainbowkit";
import type { ReactNode } from "react";
import { WagmiContext } from "wagmi";
import { reconnect } from "wagmi/actions";
import { LiveTxButton } from "@/components/web3/live-tx-button";
import type { PublicEnv } from "@/lib/env";
import { createWagmiConfig, type WagmiConfig } from "@/lib/web3/wagmi";
import { APP_NAME, walletConnectors } from "@/lib/web3/wallets";
import { LiveWalletButton } from "./live-wallet-button";
import { SiweScope } from "./siwe-scope";

const theme = darkTheme({ accentColor: "#10b981", borderRadius: "medium" });

let config: WagmiConfig | undefined;

/**
 * The wallet around one control. Every scope shares the one wagmi config (so one connection and
 * one chain), the page's TanStack QueryClient and its session state; only RainbowKit's modals are
 * per scope, opened by the control inside it. Mounting a scope changes nothing on the page
 * around it, so nothing a person typed elsewhere is lost when the wallet arrives.
 */
function WalletScope({ children }: { children: ReactNode }) {
  if (!config) throw new Error("WalletScope rendered before walletRuntime() created the config");
  return (
    <WagmiContext.Provider value={config}>
      <SiweScope>
        <RainbowKitProvider appInfo={{ appName: APP_NAME }} theme={theme} modalSize="compact">
          {children}
        </RainbowKitProvider>
      </SiweScope>
    </WagmiContext.Provider>
  );
}

export type WalletRuntime = {
  WalletScope: typeof WalletScope;
  LiveTxButton: typeof LiveTxButton;
  LiveWalletButton: typeof LiveWalletButton;
};

/**
 * The wallet for this page's life, created on first use. Connection state lives in a cookie (see
 * `createWagmiConfig`); the wallet the person connected before is reconnected once here, not by
 * each scope (wagmi's own provider would reconnect on every mount).
 */
export function walletRuntime(pub: PublicEnv): WalletRuntime {
  if (!config) {
    config = createWagmiConfig(pub, walletConnectors(pub.NEXT_PUBLIC_WALLETCONNECT_PROJECT_ID));
    void reconnect(config);
  }
  return { WalletScope, LiveTxButton, LiveWalletButton };
}
