"use client";

import type { ReactNode } from "react";
import { useAccount, useConfig, useSwitchChain } from "wagmi";

/**
 * Renders its children only when the wallet is on the chain the market runs on; otherwise says
 * which chain the wallet is on and offers to switch (wallet_switchEthereumChain).
 */
export function NetworkGuard({ children }: { children: ReactNode }) {
  const config = useConfig();
  const wanted = config.chains[0];
  const { chainId, isConnected } = useAccount();
  const { switchChain, isPending, error } = useSwitchChain();
  if (!isConnected || chainId === wanted.id) return <>{children}</>;
  return (
    <div
      role="alert"
      className="space-y-2 rounded-lg border border-amber-500/40 bg-amber-500/10 p-3 text-sm text-amber-100"
    >
      <p>
        Your wallet is on another network (chain {chainId}). This market settles on {wanted.name}.
      </p>
      <button
        type="button"
        onClick={() => switchChain({ chainId: wanted.id })}
        disabled={isPending}
        className="rounded-lg bg-amber-400 px-3 py-1.5 font-medium text-zinc-950 hover:bg-amber-300 disabled:opacity-60"
      >
        {isPending ? "Switching…" : `Switch to ${wanted.name}`}
      </button>
      {error ? <p className="text-red-300">The wallet did not switch: {error.message}</p> : null}
    </div>
  );
}
