"use client";

import { ConnectButton } from "@rainbow-me/rainbowkit";
import Link from "next/link";
import { useDisconnect } from "wagmi";
import { shortAddress } from "./short-address";
import { useSiwe } from "./siwe-provider";

const primary =
  "rounded-lg bg-emerald-500 px-3.5 py-2 text-sm font-medium text-zinc-950 transition hover:bg-emerald-400 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-emerald-400";
const secondary =
  "rounded-lg border border-zinc-700 px-3 py-2 text-sm text-zinc-200 transition hover:border-zinc-500 hover:bg-zinc-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-emerald-400";

/** Connect, then sign in (RainbowKit's modal); once signed in, the wallet and a sign-out button. */
export function WalletButton() {
  const { signOut, error, dismissError, status, address: sessionAddress } = useSiwe();
  const { disconnect } = useDisconnect();

  return (
    <ConnectButton.Custom>
      {({
        account,
        chain,
        mounted,
        authenticationStatus,
        openConnectModal,
        openAccountModal,
        openChainModal,
      }) => {
        if (!mounted || authenticationStatus === "loading") {
          return <div aria-hidden className="h-9 w-32 rounded-lg bg-zinc-900" />;
        }
        const sessionsLink = (
          <Link
            href="/account/sessions"
            className="rounded-md px-1 py-2 text-sm text-zinc-400 transition hover:text-zinc-100 sm:px-2"
          >
            Sessions
          </Link>
        );
        const signOutButton = (
          <button
            type="button"
            className={secondary}
            onClick={async () => {
              await signOut();
              disconnect();
            }}
          >
            Sign out
          </button>
        );
        let control: React.ReactNode;
        if ((!account || !chain) && status === "authenticated" && sessionAddress) {
          // Signed in (the cookie is valid) while the wallet is locked or disconnected.
          control = (
            <div className="flex items-center gap-2">
              <button
                type="button"
                className={`${secondary} font-mono`}
                onClick={openConnectModal}
                title={`Signed in as ${sessionAddress}; connect the wallet to send transactions`}
                data-testid="wallet-address"
              >
                {shortAddress(sessionAddress)}
              </button>
              {sessionsLink}
              {signOutButton}
            </div>
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
            <div className="flex items-center gap-2">
              <button
                type="button"
                className={`${secondary} font-mono`}
                onClick={openAccountModal}
                title={account.address}
                data-testid="wallet-address"
              >
                {shortAddress(account.address)}
              </button>
              {sessionsLink}
              {signOutButton}
            </div>
          );
        }
        return (
          <div className="flex flex-col items-end gap-1">
            {control}
            {error ? (
              <p role="alert" className="max-w-xs text-right text-xs text-red-400">
                {error}{" "}
                <button type="button" className="underline" onClick={dismissError}>
                  Dismiss
                </button>
              </p>
            ) : null}
          </div>
        );
      }}
    </ConnectButton.Custom>
  );
}
