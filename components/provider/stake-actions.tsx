"use client";

import { useEffect, useId, useState } from "react";
import { type Address, type Hash, isAddress } from "viem";
import { Countdown } from "@/components/ui/countdown";
import { AmountInput } from "@/components/web3/amount-input";
import { TxButton } from "@/components/web3/tx-button";
import { formatEth } from "@/lib/web3/amounts";

const box = "space-y-3 rounded-xl border border-zinc-800 p-5";

/** Adds stake: the ETH sent is held by the contract and backs the jobs you take. */
export function StakeMore({ marketAddress }: { marketAddress: Address }) {
  const [wei, setWei] = useState<bigint | null>(null);
  return (
    <div className={box}>
      <h3 className="font-medium text-zinc-100">Stake more</h3>
      <AmountInput
        label="Amount to stake"
        onChange={setWei}
        hint="Sent from your wallet to the contract; withdrawable after an unstake cooldown."
      />
      <TxButton
        marketAddress={marketAddress}
        label="Stake"
        call={{ functionName: "stake", value: wei ?? 0n }}
        disabledReason={wei ? undefined : "Enter an amount first."}
      >
        {wei ? `Stake ${formatEth(wei)} ETH` : "Stake"}
      </TxButton>
    </div>
  );
}

/** Queues free stake to leave; the cooldown restarts for the whole pending amount. */
export function RequestUnstake({
  marketAddress,
  freeStake,
  cooldownSeconds,
  pending,
}: {
  marketAddress: Address;
  freeStake: bigint;
  cooldownSeconds: number;
  pending: bigint;
}) {
  const [wei, setWei] = useState<bigint | null>(null);
  const hours = Math.round(cooldownSeconds / 360) / 10;
  return (
    <div className={box}>
      <h3 className="font-medium text-zinc-100">Request unstake</h3>
      <AmountInput
        label="Amount to unstake"
        onChange={setWei}
        max={freeStake}
        hint={`Up to your free stake, ${formatEth(freeStake)} ETH. Withdrawable ${hours} h after the request${pending > 0n ? "; the cooldown of what is already pending restarts too" : ""}.`}
      />
      <TxButton
        marketAddress={marketAddress}
        label="Request unstake"
        tone="secondary"
        call={{ functionName: "requestUnstake", args: [wei ?? 0n] }}
        disabledReason={
          freeStake === 0n
            ? "No free stake: all of it is locked by jobs or already pending."
            : wei
              ? undefined
              : "Enter an amount first."
        }
      />
    </div>
  );
}

/** Withdraws the pending unstake once the cooldown (on the chain's clock) has passed. */
export function WithdrawStake({
  marketAddress,
  pending,
  readyAt,
  clockOffsetMs,
  serverNow,
}: {
  marketAddress: Address;
  pending: bigint;
  readyAt: string | null;
  clockOffsetMs: number;
  serverNow: number;
}) {
  const target = readyAt ? new Date(readyAt).getTime() : 0;
  const [now, setNow] = useState(serverNow);
  // Kept across the refresh that follows: by then nothing is pending and the button is gone.
  const [withdrawn, setWithdrawn] = useState<{ amount: bigint; hash: Hash } | null>(null);
  useEffect(() => {
    const tick = () => setNow(Date.now() + clockOffsetMs);
    tick();
    const t = setInterval(tick, 1000);
    return () => clearInterval(t);
  }, [clockOffsetMs]);
  if (pending === 0n || !readyAt) {
    return (
      <div className={box}>
        <h3 className="font-medium text-zinc-100">Withdraw stake</h3>
        {withdrawn ? (
          <p role="status" className="text-sm text-emerald-300">
            Withdrew {formatEth(withdrawn.amount)} ETH to your wallet{" "}
            <span className="font-mono text-xs break-all text-zinc-400">(tx {withdrawn.hash})</span>
            .
          </p>
        ) : null}
        <p className="text-sm text-zinc-400">Nothing pending. Request an unstake first.</p>
      </div>
    );
  }
  const ready = now >= target;
  return (
    <div className={box}>
      <h3 className="font-medium text-zinc-100">Withdraw stake</h3>
      <p className="text-sm text-zinc-300" data-testid="unstake-countdown">
        {formatEth(pending)} ETH pending ·{" "}
        {ready ? (
          "ready now"
        ) : (
          <>
            ready <Countdown to={readyAt} now={serverNow} clockOffsetMs={clockOffsetMs} />
          </>
        )}
      </p>
      <TxButton
        marketAddress={marketAddress}
        label="Withdraw stake"
        call={{ functionName: "withdrawStake" }}
        disabledReason={ready ? undefined : "The cooldown has not ended yet."}
        onConfirmed={(hash) => setWithdrawn({ amount: pending, hash })}
      >
        {`Withdraw ${formatEth(pending)} ETH`}
      </TxButton>
    </div>
  );
}

/**
 * Sets or rotates the key that signs your quotes. Once the chain confirms it, the indexer moves
 * the market profile's signer too (lib/indexer/apply-signers.ts), so the quotes the market asks
 * for are ones the contract accepts.
 */
export function SetSigner({
  marketAddress,
  current,
  suggested,
}: {
  marketAddress: Address;
  current: string | null;
  suggested: string | null;
}) {
  const id = useId();
  const [text, setText] = useState(current ? "" : (suggested ?? ""));
  const valid = isAddress(text.trim(), { strict: false });
  const same = valid && current !== null && text.trim().toLowerCase() === current.toLowerCase();
  return (
    <div className={box}>
      <h3 className="font-medium text-zinc-100">
        {current ? "Rotate the signer" : "Set the signer"}
      </h3>
      <p className="text-sm text-zinc-400">
        {current ? (
          <>
            Quotes are signed by{" "}
            <span className="font-mono break-all text-zinc-200">{current}</span>. A new key takes
            over at once; quotes the old key signed can no longer be funded.
          </>
        ) : (
          "No signer on chain: buyers cannot fund your quotes until one is set."
        )}
      </p>
      <div className="space-y-1">
        <label htmlFor={id} className="block text-sm text-zinc-300">
          Signer address
        </label>
        <input
          id={id}
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder="0x…"
          autoComplete="off"
          aria-invalid={text !== "" && !valid ? true : undefined}
          className="w-full rounded-lg border border-zinc-700 bg-zinc-900 px-3 py-2 font-mono text-sm text-zinc-100 outline-none focus:border-emerald-500"
        />
        <p className="text-xs text-red-300">
          {text !== "" && !valid ? "Not an address (0x and 40 hex digits)." : ""}
        </p>
      </div>
      <TxButton
        marketAddress={marketAddress}
        label={current ? "Rotate signer" : "Set signer"}
        tone="secondary"
        call={{ functionName: "setSigner", args: [valid ? text.trim() : "0x"] }}
        disabledReason={
          !valid
            ? "Enter the agent's signer address."
            : same
              ? "That is the signer already."
              : undefined
        }
      />
    </div>
  );
}
