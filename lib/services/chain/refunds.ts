import "server-only";
import type { Executor } from "@/db/client";
import { accountRefundRows, type RefundRow } from "@/db/queries/chain/account-reads";
import { accountOf } from "./address";

/** Settled jobs listed by one read (newest first); the totals cover them all. */
export const REFUNDS_LISTED = 100;

export type AccountRefunds = {
  address: string;
  /** One entry per settled job that credited the account, newest first. */
  jobs: RefundRow[];
  /** How many jobs credited a refund or a slash payout, listed or not. */
  jobCount: number;
  /** All escrow ever refunded to the account. */
  refunded: bigint;
  /** All providers' collateral ever paid to it for no-shows and lost disputes. */
  slashPayouts: bigint;
};

/**
 * What came back to a consumer from its jobs: per job the unused escrow (a finalized job's
 * unbilled seconds, a dispute's consumer share, a no-show's whole escrow) and any slashed
 * collateral, with the settling transaction. Credits land in the account's withdrawable balance
 * on the contract; `providerEarnings`'s `claimable` reads that balance for any account.
 */
export async function accountRefunds(db: Executor, address: string): Promise<AccountRefunds> {
  const account = accountOf(address);
  const found = await accountRefundRows(db, account, REFUNDS_LISTED);
  return {
    address: account,
    jobs: found.rows,
    jobCount: found.jobs,
    refunded: found.refunded,
    slashPayouts: found.slashPayouts,
  };
}
