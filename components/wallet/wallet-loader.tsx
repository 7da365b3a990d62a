"use client";

import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useMemo,
  useRef,
  useState,
} from "react";
import type { PublicEnv } from "@/lib/env";
import type { WalletRuntime } from "./wallet-runtime";

type WalletLoader = {
  /** The wallet libraries, once loaded; until then wallet controls render their light form. */
  runtime: WalletRuntime | null;
  /** Loading them failed (a dropped connection, a new deploy): what to tell the person. */
  error: string | null;
  /** Starts loading (a pointer over or focus on a wallet control); cheap to call again. */
  load: () => Promise<WalletRuntime | null>;
};

const WalletLoaderContext = createContext<WalletLoader | null>(null);

export function useWalletLoader(): WalletLoader {
  const value = useContext(WalletLoaderContext);
  if (!value) throw new Error("useWalletLoader must be used inside <WalletLoaderProvider>");
  return value;
}

/**
 * Holds the wallet libraries for the page's life once someone reaches for a wallet control. They
 * are a third of a megabyte of JavaScript that most visits (reading the market, a job's status)
 * never use, so no page loads them up front: the header's button and every transaction button
 * render without them and load them on hover, focus or click, then hand over in place.
 */
export function WalletLoaderProvider({
  publicEnv,
  children,
}: {
  publicEnv: PublicEnv;
  children: ReactNode;
}) {
  const [runtime, setRuntime] = useState<WalletRuntime | null>(null);
  const [error, setError] = useState<string | null>(null);
  const loading = useRef<Promise<WalletRuntime | null> | null>(null);

  const load = useCallback(() => {
    loading.current ??= import("./wallet-runtime").then(
      (module) => {
        const loaded = module.walletRuntime(publicEnv);
        setError(null);
        setRuntime(loaded);
        return loaded;
      },
      () => {
        // Let the next click try again.
        loading.current = null;
        setError("The wallet could not load. Check your connection and try again.");
        return null;
      },
    );
    return loading.current;
  }, [publicEnv]);

  const value = useMemo(() => ({ runtime, error, load }), [runtime, error, load]);
  return <WalletLoaderContext.Provider value={value}>{children}</WalletLoaderContext.Provider>;
}
