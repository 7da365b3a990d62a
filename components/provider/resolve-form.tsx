"use client";

import { useId, useState } from "react";
import type { Address, Hex } from "viem";
import { Amount } from "@/components/ui/amount";
import { TxButton } from "@/components/web3/tx-button";
import { type DisputeTerms, disputePayouts, validBps } from "@/lib/services/chain/dispute-payouts";

type Terms = {
  [K in keyof DisputeTerms]: DisputeTerms[K] extends bigint ? string : DisputeTerms[K];
};

/** Percent as typed ("37.5") to whole basis points, or null when it is not 0..100 in 0.01 steps. */
function bpsOf(text: string): number | null {
  if (!/^\d{1,3}(\.\d{1,2})?$/.test(text.trim())) return null;
  const bps = Math.round(Number(text) * 100);
  return validBps(bps) ? bps : null;
}

/**
 * The arbiter's decision: the provider's share of the billed cost and the share of its collateral
 * slashed to the buyer, with every payout computed as the contract will before the wallet opens.
 */
export function ResolveForm({
  marketAddress,
  chainJobId,
  terms,
}: {
  marketAddress: Address;
  chainJobId: string;
  terms: Terms;
}) {
  const id = useId();
  const [pay, setPay] = useState("50");
  const [slash, setSlash] = useState("0");
  const payBps = bpsOf(pay);
  const slashBps = bpsOf(slash);
  const t: DisputeTerms = {
    ratePerSecond: BigInt(terms.ratePerSecond),
    usedSeconds: BigInt(terms.usedSeconds),
    escrow: BigInt(terms.escrow),
    collateral: BigInt(terms.collateral),
    feeBps: terms.feeBps,
  };
  const out = payBps !== null && slashBps !== null ? disputePayouts(t, payBps, slashBps) : null;
  const input =
    "w-28 rounded-lg border border-zinc-700 bg-zinc-900 px-3 py-2 text-right font-mono text-zinc-100 outline-none focus:border-emerald-500";
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap gap-6">
        <div className="space-y-1">
          <label htmlFor={`${id}-pay`} className="block text-sm text-zinc-300">
            Provider&apos;s pay share (% of the billed cost)
          </label>
          <div className="flex items-center gap-2">
            <input
              id={`${id}-pay`}
              inputMode="decimal"
              className={input}
              value={pay}
              onChange={(e) => setPay(e.target.value)}
              aria-invalid={payBps === null ? true : undefined}
            />
            <span className="text-zinc-400">%</span>
          </div>
          {payBps === null ? (
            <p className="text-xs text-red-300">0 to 100, up to two decimals.</p>
          ) : null}
        </div>
        <div className="space-y-1">
          <label htmlFor={`${id}-slash`} className="block text-sm text-zinc-300">
            Slash share (% of the provider&apos;s collateral)
          </label>
          <div className="flex items-center gap-2">
            <input
              id={`${id}-slash`}
              inputMode="decimal"
              className={input}
              value={slash}
              onChange={(e) => setSlash(e.target.value)}
              aria-invalid={slashBps === null ? true : undefined}
            />
            <span className="text-zinc-400">%</span>
          </div>
          {slashBps === null ? (
            <p className="text-xs text-red-300">0 to 100, up to two decimals.</p>
          ) : null}
        </div>
      </div>
      {out ? (
        <dl
          className="grid grid-cols-2 gap-4 rounded-lg border border-zinc-800 p-4 text-sm sm:grid-cols-4"
          data-testid="payouts"
        >
          <div>
            <dt className="text-xs text-zinc-400">Provider gets</dt>
            <dd data-testid="payout-provider">
              <Amount wei={out.provider} />
            </dd>
          </div>
          <div>
            <dt className="text-xs text-zinc-400">Market fee</dt>
            <dd>
              <Amount wei={out.fee} />
            </dd>
          </div>
          <div>
            <dt className="text-xs text-zinc-400">Buyer gets back</dt>
            <dd data-testid="payout-consumer">
              <Amount wei={out.consumer} />
            </dd>
          </div>
          <div>
            <dt className="text-xs text-zinc-400">of which slashed stake</dt>
            <dd>
              <Amount wei={out.slashed} />
            </dd>
          </div>
        </dl>
      ) : null}
      <TxButton
        marketAddress={marketAddress}
        label="Resolve dispute"
        call={{
          functionName: "resolveDispute",
          args: [chainJobId as Hex, payBps ?? 0, slashBps ?? 0],
        }}
        disabledReason={out ? undefined : "Enter both shares as percentages from 0 to 100."}
      />
    </div>
  );
}
