import {
  BaseError,
  ContractFunctionRevertedError,
  HttpRequestError,
  type TimeoutError,
  TimeoutError as ViemTimeoutError,
} from "viem";
import { describeError } from "@/lib/log";
import { JobStatus } from "@/lib/web3/market-views";

const statusNames = Object.fromEntries(Object.entries(JobStatus).map(([name, n]) => [n, name]));

/** A job status number with its name: `3 (submitted)`. */
export const statusText = (status: number) => `${status} (${statusNames[status] ?? "unknown"})`;

/** The contract's custom error a call reverted with, decoded from the ABI. */
export type Revert = { name: string; text: string };

/**
 * Argument names of the errors the keeper's calls revert with, from stylus-contract/src/errors.rs:
 * the exported ABI leaves error arguments unnamed.
 */
const argNames: Record<string, readonly string[]> = {
  InvalidJobStatus: ["jobId", "status"],
  DeadlineNotReached: ["deadline"],
  ChallengeWindowOpen: ["endsAt"],
};

function argText(name: string | undefined, value: unknown): string {
  if (name === "status" && typeof value === "number") return statusText(value);
  return typeof value === "bigint" ? value.toString() : String(value);
}

/**
 * The named error behind a failed simulation or gas estimate, as
 * `ChallengeWindowOpen(endsAt: 1700000000)`; null when the call did not revert (the node or the
 * network failed) or reverted without data.
 */
export function revertOf(error: unknown): Revert | null {
  if (!(error instanceof BaseError)) return null;
  const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
  if (!(reverted instanceof ContractFunctionRevertedError)) return null;
  const data = reverted.data;
  if (!data) {
    return reverted.reason ? { name: "Error", text: `Error(${reverted.reason})` } : null;
  }
  const inputs = "inputs" in data.abiItem ? data.abiItem.inputs : [];
  const args = (data.args ?? []) as readonly unknown[];
  const list = args.map((v, i) => {
    const name = inputs[i]?.name || argNames[data.errorName]?.[i];
    return name ? `${name}: ${argText(name, v)}` : argText(undefined, v);
  });
  return { name: data.errorName, text: `${data.errorName}(${list.join(", ")})` };
}

/** One line saying why a call failed: the decoded revert, else viem's short message. */
export function reasonOf(error: unknown): string {
  const revert = revertOf(error);
  if (revert) return revert.text;
  if (error instanceof BaseError) return error.shortMessage.split("\n")[0] ?? error.name;
  return describeError(error).split("\n")[0] ?? "unknown error";
}

/**
 * The request may have reached the node although no answer came back (a timeout, a dropped
 * connection): a broadcast that failed so may still be mined.
 */
export function outcomeUnknown(error: unknown): boolean {
  if (!(error instanceof BaseError)) return true;
  const transport = error.walk(
    (e) =>
      e instanceof ViemTimeoutError || (e instanceof HttpRequestError && e.status === undefined),
  ) as TimeoutError | HttpRequestError | null;
  return transport !== null;
}
