"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useCallback, useRef, useState } from "react";
import { toast } from "sonner";
import type { Address, Hash } from "viem";
import { useAccount, useConfig } from "wagmi";
import { simulateContract, waitForTransactionReceipt, writeContract } from "wagmi/actions";
import { computeMarketAbi } from "./compute-market-abi";
import { describeTxError } from "./tx-errors";

/** When the page is read again after a confirmation, for the indexer to have caught up. */
const INDEX_LAG_REFRESH_MS = [1_000, 3_000, 6_000];

type MarketFunction = Extract<
  (typeof computeMarketAbi)[number],
  { type: "function"; stateMutability: "nonpayable" | "payable" }
>["name"];

/** One ComputeMarket write: the function, its arguments and the ETH sent with it. */
export type MarketCall = {
  functionName: MarketFunction;
  args?: readonly unknown[];
  value?: bigint;
};

/**
 * Where a transaction is: checking it (simulation), waiting for the wallet, mined-pending with
 * its hash, confirmed, or failed with a sentence (a decoded revert, a rejection, missing funds).
 */
export type TxState =
  | { step: "idle" }
  | { step: "simulating" }
  | { step: "wallet" }
  | { step: "pending"; hash: Hash }
  | { step: "confirmed"; hash: Hash }
  | { step: "failed"; message: string; hash?: Hash; kind: string };

/** The words each step is announced with (the aria-live region and the toast). */
export function txStepText(state: TxState, label: string): string {
  switch (state.step) {
    case "idle":
      return "";
    case "simulating":
      return `${label}: checking the transaction…`;
    case "wallet":
      return `${label}: confirm in your wallet.`;
    case "pending":
      return `${label}: sent, waiting for the block (${state.hash.slice(0, 10)}…).`;
    case "confirmed":
      return `${label}: confirmed.`;
    case "failed":
      return `${label} failed: ${state.message}`;
  }
}

/**
 * The one transaction flow every button uses: simulate with the connected account first (a call
 * that would revert is explained, never sent to the wallet), then the wallet prompt, the hash,
 * the receipt, and the page's data refreshed (server components and TanStack queries).
 */
export function useTransaction({
  address,
  label,
  onConfirmed,
}: {
  /** The ComputeMarket contract. */
  address: Address;
  /** What the button does, for the toasts ("Fund escrow"). */
  label: string;
  onConfirmed?: (hash: Hash) => void | Promise<void>;
}) {
  const config = useConfig();
  const { address: account } = useAccount();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [state, setState] = useState<TxState>({ step: "idle" });
  const busy = useRef(false);

  const send = useCallback(
    async (call: MarketCall): Promise<Hash | undefined> => {
      if (busy.current || !account) return undefined;
      busy.current = true;
      const toastId = toast.loading(`${label}: checking…`);
      const fail = (error: unknown, hash?: Hash) => {
        const failure = describeTxError(error);
        setState({ step: "failed", message: failure.message, kind: failure.kind, hash });
        toast.error(`${label} failed`, { id: toastId, description: failure.message });
      };
      try {
        setState({ step: "simulating" });
        const { request } = await simulateContract(config, {
          account,
          address,
          abi: computeMarketAbi,
          functionName: call.functionName,
          args: call.args,
          value: call.value,
        } as never);
        setState({ step: "wallet" });
        toast.loading(`${label}: confirm in your wallet`, { id: toastId });
        let hash: Hash;
        try {
          hash = await writeContract(config, request as never);
        } catch (error) {
          fail(error);
          return undefined;
        }
        setState({ step: "pending", hash });
        toast.loading(`${label}: waiting for the block`, { id: toastId, description: hash });
        const receipt = await waitForTransactionReceipt(config, { hash });
        if (receipt.status !== "success") {
          setState({
            step: "failed",
            kind: "revert",
            hash,
            message: "The transaction was mined but reverted; nothing changed.",
          });
          toast.error(`${label} failed`, { id: toastId, description: "Reverted on chain." });
          return undefined;
        }
        setState({ step: "confirmed", hash });
        toast.success(`${label}: confirmed`, { id: toastId, description: hash });
        await onConfirmed?.(hash);
        router.refresh();
        await queryClient.invalidateQueries();
        // Pages read the chain through the indexer, a moment behind the receipt: read again.
        for (const ms of INDEX_LAG_REFRESH_MS) setTimeout(() => router.refresh(), ms);
        return hash;
      } catch (error) {
        fail(error);
        return undefined;
      } finally {
        busy.current = false;
      }
    },
    [account, address, config, label, onConfirmed, queryClient, router],
  );

  const reset = useCallback(() => setState({ step: "idle" }), []);
  return {
    state,
    send,
    reset,
    busy: state.step === "simulating" || state.step === "wallet" || state.step === "pending",
  };
}
