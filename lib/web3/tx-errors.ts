/**
 * A failed wallet call in words a buyer understands: the wallet's refusal, missing funds, the
 * network, or ComputeMarket's named revert (decoded from the ABI) with its arguments read out.
 */
import {
  BaseError,
  ContractFunctionRevertedError,
  decodeErrorResult,
  type Hex,
  InsufficientFundsError,
  UserRejectedRequestError,
} from "viem";
import { formatEth } from "./amounts";
import { computeMarketAbi } from "./compute-market-abi";
import { JobStatus } from "./market-views";

export type TxFailure = {
  kind: "rejected" | "insufficient_funds" | "revert" | "network" | "unknown";
  /** One or two sentences for the page and the toast. */
  message: string;
  /** The contract's error name, for a revert. */
  errorName?: string;
};

const statusWords: Record<number, string> = {
  [JobStatus.none]: "not funded on chain",
  [JobStatus.funded]: "funded and waiting for the provider to start",
  [JobStatus.running]: "running",
  [JobStatus.submitted]: "submitted, inside its challenge window",
  [JobStatus.disputed]: "disputed, waiting for the arbiter",
  [JobStatus.finalized]: "finalized",
  [JobStatus.resolved]: "settled by the arbiter",
  [JobStatus.expired]: "expired",
};

/** A chain timestamp (seconds) as an absolute UTC time. */
export function chainTime(seconds: bigint | number): string {
  const date = new Date(Number(seconds) * 1000);
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

const eth = (wei: unknown) => `${formatEth(BigInt(wei as bigint))} ETH`;

/**
 * The sentence for each ComputeMarket error (stylus-contract/src/errors.rs), with its arguments in
 * declaration order. Unknown names fall back to the name itself, so nothing is swallowed.
 */
export function revertSentence(errorName: string, args: readonly unknown[] = []): string {
  const [a, b] = args;
  switch (errorName) {
    case "NotOwner":
      return "Only the market's owner can do this.";
    case "NotArbiter":
      return "Only the market's arbiter can do this.";
    case "NotJobProvider":
      return "Only the job's provider can do this.";
    case "NotJobConsumer":
      return "Only the wallet that submitted this job can do this; switch to that wallet.";
    case "EnforcedPause":
      return "The market is paused: new jobs and new stake are refused for now. Try again later.";
    case "InvalidParams":
      return "The market refused these settings as out of bounds.";
    case "ZeroAddress":
      return "An address is missing (the zero address was given).";
    case "ZeroAmount":
      return "The amount must be more than zero.";
    case "WrongValue":
      return `The payment must be exactly ${eth(a)}; the wallet would send ${eth(b)}.`;
    case "InvalidQuote":
      return "The quote is not valid (its rate or duration is zero or too large). Ask for a new quote.";
    case "QuoteExpired":
      return `The provider's quote expired at ${chainTime(a as bigint)}. Wait for a new quote, then fund it.`;
    case "InvalidSignature":
      return "The quote's signature is not the provider's. Ask for a new quote.";
    case "NoSigner":
      return "The provider has not registered a signing key yet, so its quote cannot be funded.";
    case "JobExists":
      return "This job is already funded; nothing more to pay.";
    case "InvalidJobId":
      return "This job belongs to another wallet; connect the wallet that submitted it.";
    case "JobTooLong":
      return `The job is longer than the market allows (${b} seconds at most).`;
    case "InvalidJobStatus":
      return `Not possible now: on chain the job is ${statusWords[Number(b)] ?? `in state ${b}`}.`;
    case "StakeBelowMinimum":
      return `The provider's stake (${eth(a)}) is below the market's minimum (${eth(b)}), so it cannot take the job now.`;
    case "InsufficientFreeStake":
      return `The provider has ${eth(a)} of free stake but this job needs ${eth(b)} as collateral, so it cannot take the job now.`;
    case "DeadlinePassed":
      return `Too late: the deadline passed at ${chainTime(a as bigint)}.`;
    case "DeadlineNotReached":
      return `Not yet: this is possible only after ${chainTime(a as bigint)}.`;
    case "UsedSecondsTooHigh":
      return `The reported usage (${a} s) is more than the quoted maximum (${b} s).`;
    case "ChallengeWindowClosed":
      return `The challenge window closed at ${chainTime(a as bigint)}; the job can no longer be disputed, only finalized.`;
    case "ChallengeWindowOpen":
      return `The challenge window is open until ${chainTime(a as bigint)}; the job can be finalized after that.`;
    case "InvalidBps":
      return "A share is above 100 %.";
    case "NoPendingUnstake":
      return "There is no unstake request to withdraw.";
    case "CooldownActive":
      return `The unstake cooldown runs until ${chainTime(a as bigint)}.`;
    case "NothingToWithdraw":
      return "There is nothing to withdraw: your balance on the market is 0 ETH.";
    case "TransferFailed":
      return "The market could not send ETH to this address (it refuses payments).";
    default:
      return `The market refused the call (${errorName}).`;
  }
}

/** The named error inside revert data, when the data is one of ComputeMarket's errors. */
export function decodeRevertData(
  data: Hex,
): { errorName: string; args: readonly unknown[] } | null {
  try {
    const decoded = decodeErrorResult({ abi: computeMarketAbi, data });
    return { errorName: decoded.errorName, args: decoded.args ?? [] };
  } catch {
    return null;
  }
}

function hasCode(e: unknown, code: number): boolean {
  return (
    typeof e === "object" && e !== null && "code" in e && (e as { code: unknown }).code === code
  );
}

/** Walks a viem (or wallet) error to what the buyer should read. */
export function describeTxError(error: unknown): TxFailure {
  if (error instanceof BaseError) {
    const rejected = error.walk((e) => e instanceof UserRejectedRequestError || hasCode(e, 4001));
    if (rejected) {
      return {
        kind: "rejected",
        message: "You declined the request in your wallet. Nothing was sent.",
      };
    }
    if (error.walk((e) => e instanceof InsufficientFundsError)) {
      return {
        kind: "insufficient_funds",
        message:
          "Your wallet does not hold enough ETH for this amount plus the network fee. Add funds and try again.",
      };
    }
    const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
    if (reverted instanceof ContractFunctionRevertedError) {
      const decoded =
        reverted.data ?? (reverted.raw ? decodeRevertData(reverted.raw) : null) ?? null;
      if (decoded) {
        return {
          kind: "revert",
          errorName: decoded.errorName,
          message: revertSentence(decoded.errorName, decoded.args ?? []),
        };
      }
      return {
        kind: "revert",
        message: reverted.reason
          ? `The market refused the call: ${reverted.reason}.`
          : "The market refused the call without saying why.",
      };
    }
    if (error.name === "HttpRequestError" || error.name === "TimeoutError") {
      return {
        kind: "network",
        message: "The network did not answer. Check your connection and try again.",
      };
    }
    return { kind: "unknown", message: error.shortMessage || error.message };
  }
  if (hasCode(error, 4001)) {
    return {
      kind: "rejected",
      message: "You declined the request in your wallet. Nothing was sent.",
    };
  }
  return {
    kind: "unknown",
    message: error instanceof Error ? error.message : "Something went wrong. Try again.",
  };
}
