"use client";

import { useConnectModal } from "@rainbow-me/rainbowkit";
import type { ReactNode } from "react";
import type { Address, Hash } from "viem";
import { useAccount } from "wagmi";
import { type MarketCall, useTransaction } from "@/lib/web3/use-transaction";
import { NetworkGuard } from "./network-guard";
import { TxStatus } from "./tx-status";

const tones = {
  primary: "bg-emerald-500 text-zinc-950 hover:bg-emerald-400 focus-visible:outline-emerald-400",
  danger: "bg-red-500 text-zinc-950 hover:bg-red-400 focus-visible:outline-red-400",
  secondary:
    "border border-zinc-700 text-zinc-100 hover:border-zinc-500 hover:bg-zinc-900 focus-visible:outline-emerald-400",
} as const;

/**
 * A button that sends one ComputeMarket call through `useTransaction`, with the network guard in
 * front and the live status under it. `disabledReason` keeps it visible but off, saying why.
 */
export function TxButton({
  marketAddress,
  call,
  label,
  children,
  tone = "primary",
  disabledReason,
  onConfirmed,
}: {
  marketAddress: Address;
  call: MarketCall;
  /** What the action is called in toasts and the status line. */
  label: string;
  children?: ReactNode;
  tone?: keyof typeof tones;
  disabledReason?: string;
  onConfirmed?: (hash: Hash) => void | Promise<void>;
}) {
  const { isConnected } = useAccount();
  const { openConnectModal } = useConnectModal();
  const tx = useTransaction({ address: marketAddress, label, onConfirmed });
  const className = `rounded-lg px-3.5 py-2 text-sm font-medium transition focus-visible:outline-2 focus-visible:outline-offset-2 disabled:cursor-not-allowed disabled:opacity-50 ${tones[tone]}`;
  if (!isConnected) {
    return (
      <div className="space-y-1">
        <button type="button" className={className} onClick={() => openConnectModal?.()}>
          Connect wallet to {label.toLowerCase()}
        </button>
      </div>
    );
  }
  return (
    <NetworkGuard>
      <div className="space-y-1">
        <button
          type="button"
          className={className}
          disabled={Boolean(disabledReason) || tx.busy}
          title={disabledReason}
          onClick={() => void tx.send(call)}
        >
          {children ?? label}
        </button>
        {disabledReason ? <p className="text-xs text-zinc-400">{disabledReason}</p> : null}
        <TxStatus state={tx.state} label={label} />
      </div>
    </NetworkGuard>
  );
}
