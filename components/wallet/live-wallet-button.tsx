"use client";

import { ConnectButton, useAccountModal, useConnectModal } from "@rainbow-me/rainbowkit";
import { useEffect } from "react";
import { useAccount, useDisconnect } from "wagmi";
import { useSession } from "./session-provider";
import {
  primary,
  SignedIn,
  sessionTitle,
  type WalletIntent,
  WithError,
} from "./wallet-button-parts";

/**
 * Opens the modal the person asked for in the light button before the wallet loaded, once wagmi
 * has settled whether the wallet they used before is still connected: the account modal when it
 * is, else the connect (and sign-in) modal.
 */
function useIntent(intent: WalletIntent | null, done: () => void) {
  const { status } = useAccount();
  const { openConnectModal } = useConnectModal();
  const { openAccountModal } = useAccountModal();
  useEffect(() => {
    if (!intent || status === "reconnecting" || status === "connecting") return;
    const open = intent === "account" ? (openAccountModal ?? openConnectModal) : openConnectModal;
    if (!open) return;
    // After this commit: RainbowKit's provider closes its modals in its own mount effect, which
    // runs after this one on the scope's first render.
    const timer = setTimeout(() => {
      done();
      open();
    }, 0);
    return () => clearTimeout(timer);
  }, [intent, status, openConnectModal, openAccountModal, done]);
}

/** Connect, then sign in (RainbowKit's modal); once signed in, the wallet and a sign-out button. */
export function LiveWalletButton({
  intent,
  onIntentDone,
}: {
  intent: WalletIntent | null;
  onIntentDone: () => void;
}) {
  const { signOut, error, dismissError, status, address: sessionAddress } = useSession();
  const { disconnect } = useDisconnect();
  useIntent(intent, onIntentDone);

  return (
    <ConnectButton.Custom>
      {({
        account,
        chain,
        authenticationStatus,
        openConnectModal,
        openAccountModal,
        openChainModal,
      }) => {
        const signOutAndDisconnect = async () => {
          await signOut();
          disconnect();
        };
        let control: React.ReactNode;
        if ((!account || !chain) && status === "authenticated" && sessionAddress) {
          // Signed in (the cookie is valid) while the wallet is locked or disconnected.
          control = (
            <SignedIn
              address={sessionAddress}
              title={sessionTitle(sessionAddress)}
              handlers={{ onClick: openConnectModal }}
              onSignOut={signOutAndDisconnect}
            />
          );
        } else if (!account || !chain) {
          control = (
            <button type="button" className={primary} onClick={openConnectModal}>
              Connect wallet
            </button>
          );
        } else if (chain.unsupported) {
          control = (
            <button
              type="button"
              className="rounded-lg bg-amber-500 px-3.5 py-2 text-sm font-medium text-zinc-950"
              onClick={openChainModal}
            >
              Switch network
            </button>
          );
        } else if (authenticationStatus !== "authenticated") {
          control = (
            <button type="button" className={primary} onClick={openConnectModal}>
              Sign in
            </button>
          );
        } else {
          control = (
            <SignedIn
              address={account.address}
              title={account.address}
              handlers={{ onClick: openAccountModal }}
              onSignOut={signOutAndDisconnect}
            />
          );
        }
        return <WithError control={control} error={error} onDismiss={dismissError} />;
      }}
    </ConnectButton.Custom>
  );
}
