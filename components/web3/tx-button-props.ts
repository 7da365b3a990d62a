import type { ReactNode } from "react";
import type { Address, Hash } from "viem";
import type { MarketCall } from "@/lib/web3/use-transaction";

/** What a transaction button takes, before the wallet loads (`TxButton`) and after (`LiveTxButton`). */
export type TxButtonProps = {
  marketAddress: Address;
  call: MarketCall;
  /** What the action is called in toasts and the status line. */
  label: string;
  children?: ReactNode;
  tone?: "primary" | "secondary" | "danger";
  disabledReason?: string;
  onConfirmed?: (hash: Hash) => void | Promise<void>;
};
