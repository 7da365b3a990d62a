import { connectorsForWallets, type WalletList } from "@rainbow-me/rainbowkit";
import {
  injectedWallet,
  metaMaskWallet,
  rainbowWallet,
  walletConnectWallet,
} from "@rainbow-me/rainbowkit/wallets";

export const APP_NAME = "GPU Market";

/**
 * Browser-extension wallets always; wallets that go through the WalletConnect relay only when a
 * project id is configured, so that a closed network never sees a request leave the page.
 */
export function walletConnectors(walletConnectProjectId: string | undefined) {
  const groups: WalletList = [{ groupName: "Installed", wallets: [injectedWallet] }];
  if (walletConnectProjectId) {
    groups.push({
      groupName: "Other wallets",
      wallets: [metaMaskWallet, rainbowWallet, walletConnectWallet],
    });
  }
  // RainbowKit requires a project id string; the injected wallet never reads it.
  return connectorsForWallets(groups, {
    appName: APP_NAME,
    projectId: walletConnectProjectId ?? "walletconnect-disabled",
  });
}
