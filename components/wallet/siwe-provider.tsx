"use client";

import {
  type AuthenticationStatus,
  createAuthenticationAdapter,
  RainbowKitAuthenticationProvider,
} from "@rainbow-me/rainbowkit";
import { useRouter } from "next/navigation";
import { createContext, type ReactNode, useContext, useEffect, useMemo, useState } from "react";
import { type Address, isAddressEqual } from "viem";
import { createSiweMessage } from "viem/siwe";
import { useAccount } from "wagmi";

type SiweState = { status: AuthenticationStatus; address?: Address; error?: string };

type SiweContextValue = SiweState & {
  signOut: () => Promise<void>;
  dismissError: () => void;
};

const SiweContext = createContext<SiweContextValue | null>(null);

/** Sign-in state and actions for components under the provider tree. */
export function useSiwe(): SiweContextValue {
  const value = useContext(SiweContext);
  if (!value) throw new Error("useSiwe must be used inside <SiweProvider>");
  return value;
}

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
 * httpOnly session cookie. The initial status comes from that cookie, read on the server.
 */
export function SiweProvider({
  initialAddress,
  children,
}: {
  initialAddress: Address | null;
  children: ReactNode;
}) {
  const router = useRouter();
  const [state, setState] = useState<SiweState>(
    initialAddress
      ? { status: "authenticated", address: initialAddress }
      : { status: "unauthenticated" },
  );

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
            setState((s) => ({ ...s, error: failureMessage(body, "Sign-in failed. Try again.") }));
            return false;
          }
          setState({ status: "authenticated", address: body.address as Address });
          router.refresh();
          return true;
        },
        signOut: async () => {
          await fetch("/api/auth/signout", { method: "POST" }).catch(() => undefined);
          setState({ status: "unauthenticated" });
          router.refresh();
        },
      }),
    [router],
  );

  // A session belongs to one wallet: when the connected wallet is another one, drop the session.
  const { address: connected } = useAccount();
  useEffect(() => {
    if (
      state.status === "authenticated" &&
      state.address &&
      connected &&
      !isAddressEqual(connected, state.address)
    ) {
      void adapter.signOut();
    }
  }, [adapter, connected, state.status, state.address]);

  const value = useMemo<SiweContextValue>(
    () => ({
      ...state,
      signOut: adapter.signOut,
      dismissError: () => setState((s) => ({ ...s, error: undefined })),
    }),
    [state, adapter],
  );

  return (
    <SiweContext.Provider value={value}>
      <RainbowKitAuthenticationProvider adapter={adapter} status={state.status}>
        {children}
      </RainbowKitAuthenticationProvider>
    </SiweContext.Provider>
  );
}
