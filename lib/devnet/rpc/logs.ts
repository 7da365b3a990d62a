import { randomBytes } from "node:crypto";
import { bytesToHex } from "@ethereumjs/util";
import type { Chain } from "../chain/chain";
import { badParams, rejected } from "../chain/errors";
import type { Hex } from "../chain/records";
import { formatLog } from "./format";
import { address, blockNumber, hexData } from "./params";

/** A log filter; "latest" ends are resolved against the head when the filter is used. */
export type LogFilter = {
  from: bigint | "latest";
  to: bigint | "latest";
  blockHash?: Hex;
  addresses: Hex[] | null;
  topics: (Hex[] | null)[];
};

/** The widest eth_getLogs range served (geth's `--rpc.rangelimit`; its default is none). */
export const MAX_LOG_RANGE = 100_000n;
/** Filters not polled for this long are removed, as geth does (its default, 5 minutes). */
export const FILTER_TIMEOUT_MS = 5 * 60_000;

const isPresent = (v: unknown) => v !== undefined && v !== null;

function rangeEnd(v: unknown): bigint | "latest" {
  // "pending" is read as "latest" (geth refuses it: it has no pending logs; nor has the devnet).
  if (!isPresent(v) || v === "latest" || v === "pending" || v === "safe" || v === "finalized") {
    return "latest";
  }
  return blockNumber(v, 0n);
}

/** A filter object as geth decodes it (`FilterCriteria`), with its refusals. */
export function parseFilter(v: unknown): LogFilter {
  if (v !== undefined && (typeof v !== "object" || v === null || Array.isArray(v))) {
    throw badParams("invalid filter: expected an object");
  }
  const o = (v ?? {}) as Record<string, unknown>;
  const addr = o.address;
  const addresses = !isPresent(addr)
    ? null
    : Array.isArray(addr)
      ? addr.map((a) => address(a))
      : [address(addr)];
  const rawTopics = o.topics ?? [];
  if (!Array.isArray(rawTopics)) throw badParams("invalid topic(s)");
  if (rawTopics.length > 4) throw badParams("exceed max topics");
  const topics = rawTopics.map((t) =>
    t === null
      ? null
      : Array.isArray(t)
        ? t.includes(null)
          ? null
          : t.map((x) => hexData(x, "topic").toLowerCase() as Hex)
        : [hexData(t, "topic").toLowerCase() as Hex],
  );
  if (isPresent(o.blockHash)) {
    if (isPresent(o.fromBlock) || isPresent(o.toBlock)) {
      throw badParams(
        "cannot specify both BlockHash and FromBlock/ToBlock, choose one or the other",
      );
    }
    return {
      from: "latest",
      to: "latest",
      blockHash: hexData(o.blockHash, "blockHash").toLowerCase() as Hex,
      addresses,
      topics,
    };
  }
  return { from: rangeEnd(o.fromBlock), to: rangeEnd(o.toBlock), addresses, topics };
}

/** The blocks `filter` covers now, refused as geth refuses them (code and message). */
function blockRange(chain: Chain, filter: LogFilter): { from: bigint; to: bigint } {
  const head = BigInt(chain.blocks.length - 1);
  if (filter.blockHash !== undefined) {
    const n = chain.blockNumberOf(filter.blockHash);
    if (n === undefined) throw rejected("unknown block");
    return { from: BigInt(n), to: BigInt(n) };
  }
  const from = filter.from === "latest" ? head : filter.from;
  const to = filter.to === "latest" ? head : filter.to;
  if (from > to) throw badParams("invalid block range params");
  if (to - from > MAX_LOG_RANGE) throw badParams(`exceed maximum block range ${MAX_LOG_RANGE}`);
  if (to > head) throw badParams("block range extends beyond current head block");
  return { from, to };
}

/** Logs of blocks `from` to `to` (both existing) that match `filter`'s addresses and topics. */
function collectLogs(
  chain: Chain,
  filter: Pick<LogFilter, "addresses" | "topics">,
  from: bigint,
  to: bigint,
): unknown[] {
  const out: unknown[] = [];
  for (let n = Number(from); n <= Number(to); n++) {
    const record = chain.blocks[n];
    if (record === undefined) continue;
    for (const receipt of record.receipts) {
      for (const log of receipt.logs) {
        if (filter.addresses && !filter.addresses.includes(log.address.toLowerCase() as Hex))
          continue;
        const match = filter.topics.every(
          (alts, i) =>
            alts === null || (log.topics[i] !== undefined && alts.includes(log.topics[i] as Hex)),
        );
        if (match) out.push(formatLog(record, receipt, log));
      }
    }
  }
  return out;
}

/** eth_getLogs (and eth_getFilterLogs). */
export function queryLogs(chain: Chain, filter: LogFilter): unknown[] {
  const { from, to } = blockRange(chain, filter);
  return collectLogs(chain, filter, from, to);
}

type Installed = { lastPolled: number; next: bigint } & (
  | { kind: "logs"; filter: LogFilter }
  | { kind: "blocks" }
  | { kind: "transactions" }
);

/**
 * eth_newFilter / eth_newBlockFilter / eth_newPendingTransactionFilter, polled with
 * eth_getFilterChanges. Ids are random, as geth's: after a restart an old id names no filter
 * (rather than someone else's), and the client is told "filter not found" (-32000, the answer
 * on which viem and wagmi install a new filter). A filter not polled for 5 minutes is removed.
 */
export class Filters {
  private readonly filters = new Map<string, Installed>();

  constructor(
    private readonly chain: Chain,
    private readonly timeoutMs = FILTER_TIMEOUT_MS,
  ) {}

  private head(): bigint {
    return BigInt(this.chain.blocks.length - 1);
  }

  newLogFilter(raw: unknown): Hex {
    const filter = parseFilter(raw);
    if (filter.from !== "latest" && filter.to !== "latest" && filter.from > filter.to) {
      throw badParams("invalid block range params");
    }
    return this.add({ kind: "logs", filter, next: this.head() + 1n, lastPolled: Date.now() });
  }

  newBlockFilter(): Hex {
    return this.add({ kind: "blocks", next: this.head() + 1n, lastPolled: Date.now() });
  }

  /**
   * Transactions are mined as they arrive, so a transaction is pending for no time at all: this
   * filter reports each one once it is in a block.
   */
  newTransactionFilter(): Hex {
    return this.add({ kind: "transactions", next: this.head() + 1n, lastPolled: Date.now() });
  }

  private add(f: Installed): Hex {
    this.expire();
    const id = `0x${randomBytes(16).toString("hex")}` as Hex;
    this.filters.set(id, f);
    return id;
  }

  private expire(): void {
    const now = Date.now();
    for (const [id, f] of this.filters) {
      if (now - f.lastPolled > this.timeoutMs) this.filters.delete(id);
    }
  }

  private find(id: unknown): Installed | undefined {
    this.expire();
    return typeof id === "string" ? this.filters.get(id.toLowerCase()) : undefined;
  }

  uninstall(id: unknown): boolean {
    this.expire();
    return typeof id === "string" && this.filters.delete(id.toLowerCase());
  }

  changes(id: unknown): unknown[] {
    const f = this.find(id);
    if (f === undefined) throw rejected("filter not found");
    f.lastPolled = Date.now();
    const head = this.head();
    if (f.next > head) return [];
    const from = f.next;
    f.next = head + 1n;
    const blocks = this.chain.blocks.slice(Number(from));
    if (f.kind === "blocks") return blocks.map((b) => b.hash);
    if (f.kind === "transactions") {
      return blocks.flatMap((b) => b.block.transactions.map((tx) => bytesToHex(tx.hash())));
    }
    // New blocks within the filter's own range.
    if (f.filter.blockHash !== undefined) return [];
    const lo = f.filter.from === "latest" || f.filter.from < from ? from : f.filter.from;
    const hi = f.filter.to === "latest" || f.filter.to > head ? head : f.filter.to;
    return lo > hi ? [] : collectLogs(this.chain, f.filter, lo, hi);
  }

  logs(id: unknown): unknown[] {
    const f = this.find(id);
    if (f === undefined || f.kind !== "logs") throw rejected("filter not found");
    return queryLogs(this.chain, f.filter);
  }
}
