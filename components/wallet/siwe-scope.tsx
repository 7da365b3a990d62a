"use client";

import {
  createAuthenticationAdapter,
  RainbowKitAuthenticationProvider,
} from "@rainbow-me/rainbowkit";
import { useRouter } from "next/navigation";
import { type ReactNode, useEffect, useMemo } from "react";
import { isAddressEqual } from "viem";
import { createSiweMessage } from "viem/siwe";
import { useAccount } from "wagmi";
import { useSession } from "./session-provider";

async function readJson(response: Response): Promise<Record<string, unknown>> {
  try {
    return (await response.json()) as Record<string, unknown>;
  } catch {
    return {};
  }
}

function failureMessage(body: Record<string, unknown>, fallback: string): string {
  return typeof body.message === "string" ? body.message : fallback;
}

/**
 * RainbowKit's sign-in step wired to /api/auth: after "connect", the modal asks the wallet to sign
 * an EIP-4361 message naming this site, its chain and a server nonce; the server answers with an
 * httpOnly session cookie. The state itself is the page's `SessionProvider`, so every wallet
 * control (each has its own scope) shows the same one.
 */
export function SiweScope({ children }: { children: ReactNode }) {
  const router = useRouter();
  const session = useSession();
  const { signedIn, failed, signOut } = session;

  const adapter = useMemo(
    () =>
      createAuthenticationAdapter<string>({
        getNonce: async () => {
          const response = await fetch("/api/auth/nonce", { cache: "no-store" });
          const body = await readJson(response);
          if (!response.ok || typeof body.nonce !== "string") {
            throw new Error(failureMessage(body, "Could not start sign-in. Try again."));
          }
          return body.nonce;
        },
        createMessage: ({ nonce, address, chainId }) =>
          createSiweMessage({
            domain: window.location.host,
            uri: window.location.origin,
            address,
            chainId,
            nonce,
            version: "1",
            statement:
              "Sign in to GPU Market. This signature proves you own this wallet; it sends no transaction and costs no gas.",
            issuedAt: new Date(),
            expirationTime: new Date(Date.now() + 10 * 60_000),
          }),
        verify: async ({ message, signature }) => {
          const response = await fetch("/api/auth/verify", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ message, signature }),
          });
          const body = await readJson(response);
          if (!response.ok || typeof body.address !== "string") {
            failed(failureMessage(body, "Sign-in failed. Try again."));
            return false;
          }
          signedIn(body.address as `0x${string}`);
          router.refresh();
          return true;
        },
        signOut,
      }),
    [router, signedIn, failed, signOut],
  );

  // A session belongs to one wallet: when the connected wallet is another one, drop the session.
  const { address: connected } = useAccount();
  useEffect(() => {
    if (
      session.status === "authenticated" &&
      session.address &&
      connected &&
      !isAddressEqual(connected, session.address)
    ) {
      void signOut();
    }
  }, [signOut, connected, session.status, session.address]);

  return (
    <RainbowKitAuthenticationProvider adapter={adapter} status={session.status}>
      {children}
    </RainbowKitAuthenticationProvider>
  );
}
