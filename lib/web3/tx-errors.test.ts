import {
  ContractFunctionExecutionError,
  ContractFunctionRevertedError,
  encodeErrorResult,
  type Hex,
  InsufficientFundsError,
  TransactionExecutionError,
  UserRejectedRequestError,
} from "viem";
import { describe, expect, it } from "vitest";
import { computeMarketAbi } from "./compute-market-abi";
import { chainTime, describeTxError, revertSentence } from "./tx-errors";

type ErrorItem = Extract<(typeof computeMarketAbi)[number], { type: "error" }>;
const errors = computeMarketAbi.filter((e): e is ErrorItem => e.type === "error");
const JOB = `0x${"ab".repeat(32)}` as Hex;
const ADDRESS = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

function sampleArg(type: string, i: number): unknown {
  if (type === "address") return ADDRESS;
  if (type === "bytes32") return JOB;
  if (type === "uint8") return 3;
  if (type === "uint64") return 1_800_000_000n + BigInt(i);
  return 10n ** 17n * BigInt(i + 1);
}

/** A revert as viem reports a failed simulateContract: the raw data decoded against the ABI. */
function revertOf(errorName: string, args: readonly unknown[]) {
  const data = encodeErrorResult({ abi: computeMarketAbi, errorName, args } as never);
  const reverted = new ContractFunctionRevertedError({
    abi: computeMarketAbi,
    data,
    functionName: "fundJob",
  });
  return new ContractFunctionExecutionError(reverted, {
    abi: computeMarketAbi,
    functionName: "fundJob",
    args: [],
  });
}

describe("describeTxError: ComputeMarket's reverts", () => {
  it.each(errors.map((e) => [e.name, e] as const))("%s reads as its own sentence", (name, e) => {
    const args = e.inputs.map((input: { type: string }, i: number) => sampleArg(input.type, i));
    const failure = describeTxError(revertOf(name, args));
    expect(failure.kind).toBe("revert");
    expect(failure.errorName).toBe(name);
    // The fallback names the error; every error of the contract has words of its own.
    expect(failure.message).not.toContain(name);
    expect(failure.message).toBe(revertSentence(name, args));
    expect(failure.message).toMatch(/[.]$/);
  });

  it("reads the arguments out in buyer units", () => {
    expect(revertSentence("WrongValue", [336n * 10n ** 14n, 10n ** 16n])).toBe(
      "The payment must be exactly 0.0336 ETH; the wallet would send 0.01 ETH.",
    );
    expect(revertSentence("QuoteExpired", [1_800_000_000n, 1_800_000_100n])).toContain(
      "expired at 2027-01-15 08:00 UTC",
    );
    expect(revertSentence("ChallengeWindowOpen", [1_800_000_000n])).toBe(
      `The challenge window is open until ${chainTime(1_800_000_000n)}; the job can be finalized after that.`,
    );
    expect(revertSentence("InvalidJobStatus", [JOB, 5])).toBe(
      "Not possible now: on chain the job is finalized.",
    );
  });

  it("names an error it does not know instead of hiding it", () => {
    expect(revertSentence("SomethingNew", [])).toBe("The market refused the call (SomethingNew).");
  });
});

describe("describeTxError: the wallet and the network", () => {
  it("explains a rejection in the wallet", () => {
    const cause = new UserRejectedRequestError(new Error("User rejected the request."));
    const wrapped = new TransactionExecutionError(cause, {
      account: ADDRESS,
      chain: undefined,
    } as never);
    expect(describeTxError(wrapped)).toEqual({
      kind: "rejected",
      message: "You declined the request in your wallet. Nothing was sent.",
    });
    // A bare EIP-1193 error from an injected wallet.
    expect(describeTxError(Object.assign(new Error("denied"), { code: 4001 })).kind).toBe(
      "rejected",
    );
  });

  it("explains insufficient funds", () => {
    const wrapped = new TransactionExecutionError(new InsufficientFundsError(), {
      account: ADDRESS,
      chain: undefined,
    } as never);
    const failure = describeTxError(wrapped);
    expect(failure.kind).toBe("insufficient_funds");
    expect(failure.message).toContain("does not hold enough ETH");
  });

  it("keeps viem's short message for anything else", () => {
    expect(describeTxError(new Error("boom"))).toEqual({ kind: "unknown", message: "boom" });
  });
});
