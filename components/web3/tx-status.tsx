"use client";

import { type TxState, txStepText } from "@/lib/web3/use-transaction";

/**
 * The transaction's step in words, in a polite live region so a screen reader hears each step
 * (checking, confirm in wallet, pending with the hash, confirmed, or why it failed).
 */
export function TxStatus({ state, label }: { state: TxState; label: string }) {
  const text = txStepText(state, label);
  const tone =
    state.step === "failed"
      ? "text-red-300"
      : state.step === "confirmed"
        ? "text-emerald-300"
        : "text-zinc-400";
  return (
    <p
      aria-live="polite"
      role="status"
      className={`min-h-5 text-sm ${tone}`}
      data-testid="tx-status"
    >
      {text}
      {"hash" in state && state.hash ? (
        <span className="ml-1 break-all font-mono text-xs text-zinc-400" title={state.hash}>
          {state.step === "failed" ? ` (tx ${state.hash.slice(0, 10)}…)` : null}
        </span>
      ) : null}
    </p>
  );
}
