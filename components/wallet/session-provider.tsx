"use client";

import { useRouter } from "next/navigation";
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import type { Address } from "viem";

/** RainbowKit's three sign-in states, without importing RainbowKit (it loads later). */
export type SessionStatus = "loading" | "unauthenticated" | "authenticated";

type SessionState = { status: SessionStatus; address?: Address; error?: string };

export type SessionContextValue = SessionState & {
  /** The server accepted a signature: signed in as `address`. */
  signedIn: (address: Address) => void;
  /** Sign-in failed with a sentence to show under the wallet button. */
  failed: (message: string) => void;
  dismissError: () => void;
  /** Ends the session (once, however many callers ask at the same time). */
  signOut: () => Promise<void>;
};

const SessionContext = createContext<SessionContextValue | null>(null);

/** The signed-in state, for the header's button and the wallet's sign-in step alike. */
export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession must be used inside <SessionProvider>");
  return value;
}

/**
 * Who is signed in, from the session cookie the server read, kept in plain React state so every
 * page shows it without the wallet libraries; the wallet's sign-in step (loaded on demand, one per
 * wallet control) reads and writes this one state, so all controls agree.
 */
export function SessionProvider({
  initialAddress,
  children,
}: {
  initialAddress: Address | null;
  children: ReactNode;
}) {
  const router = useRouter();
  const [state, setState] = useState<SessionState>(
    initialAddress
      ? { status: "authenticated", address: initialAddress }
      : { status: "unauthenticated" },
  );

  // The server's reading wins after each navigation or refresh (a session ended elsewhere).
  useEffect(() => {
    setState((s) =>
      initialAddress
        ? s.status === "authenticated" && s.address === initialAddress
          ? s
          : { status: "authenticated", address: initialAddress }
        : s.status === "unauthenticated"
          ? s
          : { status: "unauthenticated", error: s.error },
    );
  }, [initialAddress]);

  const signingOut = useRef<Promise<void> | null>(null);
  const signOut = useCallback(() => {
    signingOut.current ??= (async () => {
      await fetch("/api/auth/signout", { method: "POST" }).catch(() => undefined);
      setState({ status: "unauthenticated" });
      router.refresh();
    })().finally(() => {
      signingOut.current = null;
    });
    return signingOut.current;
  }, [router]);

  const actions = useMemo(
    () => ({
      signedIn: (address: Address) => setState({ status: "authenticated", address }),
      failed: (message: string) => setState((s) => ({ ...s, error: message })),
      dismissError: () => setState((s) => ({ ...s, error: undefined })),
    }),
    [],
  );
  const value = useMemo<SessionContextValue>(
    () => ({ ...state, ...actions, signOut }),
    [state, actions, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
