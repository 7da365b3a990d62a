import "server-only";
import type { Executor } from "@/db/client";
import {
  type ProviderSlash,
  providerEarningsRow,
  providerStakeRow,
} from "@/db/queries/chain/provider-reads";
import { AppError } from "@/lib/errors";
import { accountOf } from "./address";
import { dayFromKey, dayKey, daysBetween, utcMonth, utcWeek } from "./days";

const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

export type ProviderStake = {
  address: string;
  /** All of the provider's stake on the contract, locked and pending unstake included. */
  stake: bigint;
  /** Collateral of its open jobs. */
  locked: bigint;
  /** Queued for withdrawal; leaves `stake` at `withdrawStake`. */
  pendingUnstake: bigint;
  /** When the pending unstake may be withdrawn; null when none is pending. */
  unstakeReadyAt: Date | null;
  /** What new jobs can lock and `requestUnstake` can take: stake - locked - pending. */
  freeStake: bigint;
  /** The agent key that signs its quotes; null when none is set (or it was revoked). */
  signer: string | null;
  slashedTotal: bigint;
  /** Newest first, each with the job that caused it. */
  slashes: ProviderSlash[];
};

/**
 * A provider's stake as the index has it (the contract's `provider(address)` view, plus its
 * slashes). An address that never staked has a zero position.
 */
export async function providerStake(db: Executor, address: string): Promise<ProviderStake> {
  const account = accountOf(address);
  const row = await providerStakeRow(db, account);
  if (!row) {
    return {
      address: account,
      stake: 0n,
      locked: 0n,
      pendingUnstake: 0n,
      unstakeReadyAt: null,
      freeStake: 0n,
      signer: null,
      slashedTotal: 0n,
      slashes: [],
    };
  }
  return {
    address: row.address,
    stake: row.stake,
    locked: row.locked,
    pendingUnstake: row.pendingUnstake,
    unstakeReadyAt: row.unstakeReadyAt,
    freeStake: row.stake - row.locked - row.pendingUnstake,
    signer: row.signer === ZERO_ADDRESS ? null : row.signer,
    slashedTotal: row.slashedTotal,
    slashes: row.slashes,
  };
}

/** The longest range of days one earnings read returns. */
export const MAX_EARNINGS_DAYS = 366;
/** Withdrawals listed by one read (newest first); `claimCount` counts them all. */
export const CLAIMS_LISTED = 100;

export type EarningsDay = {
  /** Midnight UTC. */
  day: Date;
  /** Net pay credited that day: the sum of the provider's pay in jobs settled that UTC day. */
  amount: bigint;
  /** Jobs settled with pay that day. */
  jobs: number;
};

export type ProviderEarnings = {
  address: string;
  /** Every UTC day of the range, days without pay included. */
  days: EarningsDay[];
  /** Net pay in the UTC week (from Monday), the UTC month and all time that `now` is in. */
  totals: { week: bigint; month: bigint; allTime: bigint };
  /**
   * The account's balance on the contract: everything ever credited to it (pay, and any fees
   * or refunds if the provider is also the fee recipient or a consumer), what it withdrew, and
   * what it can withdraw now (the contract's `withdrawable`).
   */
  credited: bigint;
  claimed: bigint;
  claimable: bigint;
  /** Withdrawals ("claims"), newest first, at most CLAIMS_LISTED. */
  claims: { amount: bigint; txHash: string; blockNumber: bigint; blockTime: Date }[];
  claimCount: number;
};

/**
 * A provider's earnings per UTC day (of the settling block's time) over `from`..`to` (both days
 * included), its totals, its balance and its claims, from the index. `now` places the week and
 * month totals (default: the server's clock).
 */
export async function providerEarnings(
  db: Executor,
  address: string,
  range: { from: Date; to: Date; now?: Date },
): Promise<ProviderEarnings> {
  const account = accountOf(address);
  const span = daysBetween(range.from, range.to);
  if (Number.isNaN(span) || span < 0 || span >= MAX_EARNINGS_DAYS) {
    throw new AppError(
      "bad_request",
      `Choose a range of 1 to ${MAX_EARNINGS_DAYS} days that ends after it starts.`,
    );
  }
  const now = range.now ?? new Date();
  const week = utcWeek(now);
  const month = utcMonth(now);
  const row = await providerEarningsRow(db, account, {
    firstDay: dayKey(range.from),
    lastDay: dayKey(range.to),
    weekStart: week.start,
    weekEnd: week.end,
    monthStart: month.start,
    monthEnd: month.end,
    claimsLimit: CLAIMS_LISTED,
  });
  return {
    address: account,
    days: row.days.map((d) => ({ day: dayFromKey(d.day), amount: d.amount, jobs: d.jobs })),
    totals: { week: row.week, month: row.month, allTime: row.allTime },
    credited: row.credited,
    claimed: row.withdrawn,
    claimable: row.withdrawable,
    claims: row.claims,
    claimCount: row.claimCount,
  };
}
