import { type AbiEvent, decodeEventLog, type Hex, type Log, toEventSelector } from "viem";
import { computeMarketAbi } from "@/lib/web3/compute-market-abi";

/**
 * Each event of the ABI by its selector (topic 0). decodeEventLog given the whole ABI hashes
 * every event's signature for every log; given the one event, it hashes one.
 */
const eventsBySelector = new Map(
  computeMarketAbi
    .filter((x): x is AbiEvent & (typeof computeMarketAbi)[number] => x.type === "event")
    .map((x) => [toEventSelector(x as AbiEvent), [x]] as const),
);

/**
 * One ComputeMarket log, decoded: uint values as decimal strings (JSON-safe, exact), small ints
 * as numbers, addresses and hashes lowercase.
 */
export type MarketEvent = {
  blockNumber: bigint;
  blockHash: string;
  logIndex: number;
  txHash: string;
  blockTime: Date;
  name: string;
  args: Record<string, string | number | boolean>;
};

/** A log that does not decode as a ComputeMarket event, or lacks what a mined log has. */
export class UndecodableLogError extends Error {
  override name = "UndecodableLogError";
}

function normalize(value: unknown): string | number | boolean {
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string") return value.toLowerCase();
  if (typeof value === "number" || typeof value === "boolean") return value;
  throw new UndecodableLogError(`unexpected argument ${String(value)}`);
}

/** Decodes a mined log; `blockTime` comes from the log's blockTimestamp or the block's header. */
export function decodeMarketLog(log: Log, blockTime: Date): MarketEvent {
  if (
    log.blockNumber == null ||
    log.blockHash == null ||
    log.logIndex == null ||
    log.transactionHash == null
  ) {
    throw new UndecodableLogError("a log without its block, index or transaction (pending?)");
  }
  let decoded: { eventName: string; args: unknown };
  try {
    decoded = decodeEventLog({
      abi: eventsBySelector.get(log.topics[0] as Hex) ?? computeMarketAbi,
      data: log.data,
      topics: log.topics as [Hex, ...Hex[]],
      strict: true,
    }) as { eventName: string; args: unknown };
  } catch (error) {
    throw new UndecodableLogError(
      `log ${log.logIndex} of block ${log.blockNumber} (tx ${log.transactionHash}) does not decode as a ComputeMarket event: ${(error as Error).message.split("\n")[0]}`,
    );
  }
  const args: MarketEvent["args"] = {};
  for (const [k, v] of Object.entries(decoded.args as Record<string, unknown>)) {
    args[k] = normalize(v);
  }
  return {
    blockNumber: log.blockNumber,
    blockHash: log.blockHash.toLowerCase(),
    logIndex: log.logIndex,
    txHash: log.transactionHash.toLowerCase(),
    blockTime,
    name: decoded.eventName,
    args,
  };
}
