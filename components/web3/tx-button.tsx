"use client";

import { useConnectModal } from "@rainbow-me/rainbowkit";
import type { ReactNode } from "react";
import type { Address, Hash } from "viem";
import { useAccount } from "wagmi";
import { buttonClass } from "@/components/ui/button";
import { type MarketCall, useTransaction } from "@/lib/web3/use-transaction";
import { NetworkGuard } from "./network-guard";
import { TxStatus } from "./tx-status";

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
  tone?: "primary" | "secondary" | "danger";
  disabledReason?: string;
  onConfirmed?: (hash: Hash) => void | Promise<void>;
}) {
  const { isConnected } = useAccount();
  const { openConnectModal } = useConnectModal();
  const tx = useTransaction({ address: marketAddress, label, onConfirmed });
  const className = buttonClass(tone);
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
