"use client";

import { useCallback, useState } from "react";
import { buttonClass } from "@/components/ui/button";
import { useWalletLoader } from "@/components/wallet/wallet-loader";
import type { TxButtonProps } from "./tx-button-props";

/**
 * A button that sends one ComputeMarket call from the wallet (`LiveTxButton` once the wallet
 * libraries are loaded). Before that it is drawn the same without them: hover or focus starts the
 * load, and a click is remembered and sent as soon as the wallet is ready, so nobody clicks twice.
 */
export function TxButton(props: TxButtonProps) {
  const { runtime, error, load } = useWalletLoader();
  const [clicked, setClicked] = useState(false);
  const sent = useCallback(() => setClicked(false), []);
  if (runtime) {
    const { WalletScope, LiveTxButton } = runtime;
    return (
      <WalletScope>
        <LiveTxButton {...props} autoSend={clicked} onAutoSendDone={sent} />
      </WalletScope>
    );
  }
  const prefetch = () => void load();
  return (
    <div className="space-y-1">
      <button
        type="button"
        className={buttonClass(props.tone ?? "primary")}
        disabled={Boolean(props.disabledReason) || clicked}
        aria-busy={clicked || undefined}
        title={props.disabledReason}
        onPointerEnter={prefetch}
        onFocus={prefetch}
        onClick={() => {
          setClicked(true);
          void load().then((loaded) => loaded ?? setClicked(false));
        }}
      >
        {props.children ?? props.label}
      </button>
      {props.disabledReason ? (
        <p className="text-xs text-zinc-400">{props.disabledReason}</p>
      ) : null}
      {/* The same line TxStatus fills later, so nothing below moves when the wallet arrives. */}
      <p
        role={error ? "alert" : undefined}
        className={`min-h-5 text-sm ${error ? "text-red-300" : "text-zinc-400"}`}
      >
        {error ?? (clicked ? "Opening your wallet…" : "")}
      </p>
    </div>
  );
}
