import { BaseError, type Block, HttpRequestError, RpcRequestError, TimeoutError } from "viem";

// What can go wrong between the indexer and its node, and a block header as the indexer keeps it.

/** The configuration and the chain disagree: the indexer refuses to start. */
export class ChainMismatchError extends Error {
  override name = "ChainMismatchError";
}

/** The node's answer is not consistent (logs out of order, a block replaced mid-read): retry. */
export class InconsistentAnswerError extends Error {
  override name = "InconsistentAnswerError";
}

/** An RPC call failed (the node is down, slow, or answered with an error): retry. */
export class RpcFailure extends Error {
  override name = "RpcFailure";
}

/** viem quotes a plain-text error body as a JSON string. */
function unquoted(text: string): string {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === "string" ? v : text;
  } catch {
    return text;
  }
}

/** What went wrong with an RPC call, in a few words (viem's own messages span many lines). */
export function rpcFault(error: unknown): string {
  if (!(error instanceof BaseError)) {
    return error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
  }
  if (error.walk((e) => e instanceof TimeoutError)) return "the node did not answer in time";
  const rpc = error.walk((e) => e instanceof RpcRequestError) as RpcRequestError | null;
  if (rpc) return `the node answered with error ${rpc.code}: ${rpc.details}`;
  const http = error.walk((e) => e instanceof HttpRequestError) as HttpRequestError | null;
  if (http?.status) return `HTTP ${http.status}${http.details ? ` ${unquoted(http.details)}` : ""}`;
  const deepest = error.walk() as Error;
  return `${error.shortMessage}${deepest !== error && deepest?.message ? ` (${deepest.message.split("\n")[0]})` : ""}`;
}

export type Header = { number: bigint; hash: string; parentHash: string; timestamp: Date };

/** The parts of a block the indexer keeps; a pending block (no number or hash) is refused. */
export function header(b: Block): Header {
  if (b.number === null || b.hash === null) throw new InconsistentAnswerError("a pending block");
  return {
    number: b.number,
    hash: b.hash.toLowerCase(),
    parentHash: b.parentHash.toLowerCase(),
    timestamp: new Date(Number(b.timestamp) * 1000),
  };
}
