import type { ChainJobStatus } from "@/db/schema/chain";
import type { JobStatus } from "@/db/schema/jobs";

/** The job actions a buyer can take, each only while the contract (or the market) allows it. */
export type BuyerActions = {
  /** Cancel in the market: before the escrow is funded. */
  cancel: boolean;
  /** `dispute`: a result is in and its challenge window is open. */
  dispute: boolean;
  /** `finalize`: the challenge window has ended. */
  finalize: boolean;
  /** `cancelExpired`: a no-show past its start deadline, or no result by the deadline. */
  cancelExpired: "no-show" | "overdue" | null;
  /** `withdraw`: the buyer's balance on the market is above zero. */
  withdraw: boolean;
};

type ChainFacts = {
  status: ChainJobStatus;
  startDeadline: Date;
  deadline: Date;
  challengeEndsAt: Date | null;
} | null;

/**
 * Which actions apply at `nowMs` (the chain's time), by the contract's own rules
 * (stylus-contract/src/lib.rs): dispute while `now < challengeEndsAt`, finalize from it on,
 * cancelExpired after the start deadline (funded) or the deadline (running).
 */
export function buyerActions(
  status: JobStatus,
  chain: ChainFacts,
  withdrawable: bigint,
  nowMs: number,
): BuyerActions {
  const actions: BuyerActions = {
    cancel: !chain && (status === "pending" || status === "matched" || status === "quoted"),
    dispute: false,
    finalize: false,
    cancelExpired: null,
    withdraw: withdrawable > 0n,
  };
  if (!chain) return actions;
  if (chain.status === "submitted" && chain.challengeEndsAt) {
    const ends = chain.challengeEndsAt.getTime();
    actions.dispute = nowMs < ends;
    actions.finalize = nowMs >= ends;
  }
  if (chain.status === "funded" && nowMs > chain.startDeadline.getTime()) {
    actions.cancelExpired = "no-show";
  }
  if (chain.status === "running" && nowMs > chain.deadline.getTime()) {
    actions.cancelExpired = "overdue";
  }
  return actions;
}
