/**
 * ComputeMarket's `params()`, `provider(address)` and `job(bytes32)` views return bare tuples
 * (Stylus exports no output names); these give their fields names, in the order of
 * stylus-contract/src/lib.rs (`ParamsView`, `ProviderView`, `JobView`).
 */
import type { Address, Hex, ReadContractReturnType } from "viem";
import type { computeMarketAbi } from "./compute-market-abi";

/** `job(id).status`. */
export const JobStatus = {
  none: 0,
  funded: 1,
  running: 2,
  submitted: 3,
  disputed: 4,
  finalized: 5,
  resolved: 6,
  expired: 7,
} as const;
export type JobStatusName = keyof typeof JobStatus;

/** The constructor's (and, after the three addresses, `setParams`'s) parameters. */
export type MarketParams = {
  owner: Address;
  arbiter: Address;
  feeRecipient: Address;
  /** fee on the provider's gross pay, at most 1,000 (10 %) */
  feeBps: number;
  /** wei of stake (net of pending unstake) a provider needs to be funded */
  minStake: bigint;
  /** the durations, in seconds, each in 1..=31,536,000 */
  unstakeCooldown: bigint;
  challengeWindow: bigint;
  startGraceSeconds: bigint;
  /** the longest job (`maxSeconds`) the market funds */
  maxJobSeconds: bigint;
  disputeTimeout: bigint;
  /** share of the escrow locked from the provider's stake */
  collateralBps: number;
  /** share of the collateral the consumer gets on a no-show */
  noShowSlashBps: number;
  /** provider's share of the billed cost when a dispute times out */
  disputeDefaultPayBps: number;
};

type ParamsTuple = ReadContractReturnType<typeof computeMarketAbi, "params">;
type ProviderTuple = ReadContractReturnType<typeof computeMarketAbi, "provider">;
type JobTuple = ReadContractReturnType<typeof computeMarketAbi, "job">;

export function marketParamsView(t: ParamsTuple): MarketParams & { paused: boolean } {
  return {
    owner: t[0],
    arbiter: t[1],
    feeRecipient: t[2],
    feeBps: t[3],
    minStake: t[4],
    unstakeCooldown: t[5],
    challengeWindow: t[6],
    startGraceSeconds: t[7],
    maxJobSeconds: t[8],
    disputeTimeout: t[9],
    collateralBps: t[10],
    noShowSlashBps: t[11],
    disputeDefaultPayBps: t[12],
    paused: t[13],
  };
}

/** A provider's stake position; `freeStake = stake - locked - pendingUnstake`. */
export type ProviderView = {
  stake: bigint;
  locked: bigint;
  pendingUnstake: bigint;
  unstakeReadyAt: bigint;
  signer: Address;
  freeStake: bigint;
};

export function providerView(t: ProviderTuple): ProviderView {
  return {
    stake: t[0],
    locked: t[1],
    pendingUnstake: t[2],
    unstakeReadyAt: t[3],
    signer: t[4],
    freeStake: t[5],
  };
}

/** A job as the contract keeps it; all zero for an unknown id. Times are unix seconds. */
export type JobView = {
  consumer: Address;
  provider: Address;
  ratePerSecond: bigint;
  maxSeconds: bigint;
  escrow: bigint;
  collateral: bigint;
  fundedAt: bigint;
  /** last second the provider may acknowledge the start */
  startDeadline: bigint;
  /** last second a result may be submitted */
  deadline: bigint;
  startedAt: bigint;
  usedSeconds: bigint;
  resultHash: Hex;
  submittedAt: bigint;
  challengeEndsAt: bigint;
  disputedAt: bigint;
  /** from this second on anyone may settle the dispute with the default split */
  disputeEndsAt: bigint;
  /** the fee and the no-show and dispute-timeout shares fixed at funding */
  feeBps: number;
  noShowSlashBps: number;
  disputeDefaultPayBps: number;
  status: number;
};

export function jobView(t: JobTuple): JobView {
  return {
    consumer: t[0],
    provider: t[1],
    ratePerSecond: t[2],
    maxSeconds: t[3],
    escrow: t[4],
    collateral: t[5],
    fundedAt: t[6],
    startDeadline: t[7],
    deadline: t[8],
    startedAt: t[9],
    usedSeconds: t[10],
    resultHash: t[11],
    submittedAt: t[12],
    challengeEndsAt: t[13],
    disputedAt: t[14],
    disputeEndsAt: t[15],
    feeBps: t[16],
    noShowSlashBps: t[17],
    disputeDefaultPayBps: t[18],
    status: t[19],
  };
}
