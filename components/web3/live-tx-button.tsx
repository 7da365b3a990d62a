"use client";

import { useConnectModal } from "@rainbow-me/rainbowkit";
import { useEffect } from "react";
import { useAccount, useConfig } from "wagmi";
import { buttonClass } from "@/components/ui/button";
import { useTransaction } from "@/lib/web3/use-transaction";
import { NetworkGuard } from "./network-guard";
import type { TxButtonProps } from "./tx-button-props";
import { TxStatus } from "./tx-status";

/**
 * A button that sends one ComputeMarket call through `useTransaction`, with the network guard in
 * front and the live status under it. `disabledReason` keeps it visible but off, saying why.
 * `autoSend` carries out a click made before the wallet loaded (`TxButton`), once wagmi has
 * settled whether the wallet is connected: send on the right chain, else the connect modal.
 */
export function LiveTxButton({
  marketAddress,
  call,
  label,
  children,
  tone = "primary",
  disabledReason,
  onConfirmed,
  autoSend,
  onAutoSendDone,
}: TxButtonProps & { autoSend: boolean; onAutoSendDone: () => void }) {
  const { isConnected, status, chainId } = useAccount();
  const wanted = useConfig().chains[0].id;
  const { openConnectModal } = useConnectModal();
  const tx = useTransaction({ address: marketAddress, label, onConfirmed });
  const className = buttonClass(tone);
  const settling = status === "reconnecting" || status === "connecting";

  useEffect(() => {
    if (!autoSend || settling) return;
    if (isConnected) {
      onAutoSendDone();
      // On another chain the guard shows the switch; the person clicks again after it.
      if (chainId === wanted && !disabledReason) void tx.send(call);
    } else if (openConnectModal) {
      // After this commit: RainbowKit's provider closes its modals in its own mount effect.
      const timer = setTimeout(() => {
        onAutoSendDone();
        openConnectModal();
      }, 0);
      return () => clearTimeout(timer);
    }
  }, [
    autoSend,
    settling,
    isConnected,
    chainId,
    wanted,
    disabledReason,
    openConnectModal,
    onAutoSendDone,
    tx.send,
    call,
  ]);

  if (settling) {
    return (
      <div className="space-y-1">
        <button type="button" className={className} disabled aria-busy>
          {children ?? label}
        </button>
        <p className="min-h-5 text-sm text-zinc-400">Checking your wallet…</p>
      </div>
    );
  }
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
