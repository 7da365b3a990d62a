"use client";

import type { Address, Hex } from "viem";
import { TxButton } from "@/components/web3/tx-button";
import type { BuyerActions } from "@/lib/services/jobs/job-actions";

/** The on-chain actions that apply to the job now; each says what it does before the wallet opens. */
export function ChainActions({
  marketAddress,
  chainJobId,
  actions,
}: {
  marketAddress: Address;
  chainJobId: Hex | null;
  actions: BuyerActions;
}) {
  return (
    <div className="flex flex-wrap items-start gap-4">
      {chainJobId && actions.dispute ? (
        <div className="max-w-xs space-y-1">
          <TxButton
            marketAddress={marketAddress}
            call={{ functionName: "dispute", args: [chainJobId] }}
            label="Dispute"
            tone="danger"
          />
          <p className="text-xs text-zinc-400">
            Holds the payment for the arbiter, who splits it after looking at both sides.
          </p>
        </div>
      ) : null}
      {chainJobId && actions.finalize ? (
        <div className="max-w-xs space-y-1">
          <TxButton
            marketAddress={marketAddress}
            call={{ functionName: "finalize", args: [chainJobId] }}
            label="Finalize"
          />
          <p className="text-xs text-zinc-400">
            Pays the provider for the seconds used and credits the rest of the escrow to you.
          </p>
        </div>
      ) : null}
      {chainJobId && actions.cancelExpired ? (
        <div className="max-w-xs space-y-1">
          <TxButton
            marketAddress={marketAddress}
            call={{ functionName: "cancelExpired", args: [chainJobId] }}
            label={actions.cancelExpired === "no-show" ? "Cancel no-show" : "Cancel expired job"}
            tone="danger"
          />
          <p className="text-xs text-zinc-400">
            {actions.cancelExpired === "no-show"
              ? "The provider never started: the whole escrow and part of its collateral come back to you."
              : "No result by the deadline: the whole escrow and part of the provider's collateral come back to you."}
          </p>
        </div>
      ) : null}
    </div>
  );
}

/** Withdraws the buyer's whole balance on the market (refunds of every job). */
export function WithdrawButton({ marketAddress }: { marketAddress: Address }) {
  return (
    <TxButton marketAddress={marketAddress} call={{ functionName: "withdraw" }} label="Withdraw" />
  );
}
