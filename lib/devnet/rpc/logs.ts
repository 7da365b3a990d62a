import type { Chain } from "../chain/chain";
import { badParams } from "../chain/errors";
import type { Hex } from "../chain/records";
import { formatLog } from "./format";
import { address, blockNumber, hexData } from "./params";

export type LogFilter = {
  from: bigint;
  to: bigint | "latest";
  blockHash?: Hex;
  addresses: Hex[] | null;
  topics: (Hex[] | null)[];
};

const MAX_RANGE = 100_000n;

export function parseFilter(v: unknown, head: bigint): LogFilter {
  const o = (v ?? {}) as Record<string, unknown>;
  if (typeof o !== "object") throw badParams("invalid filter");
  const addr = o.address;
  const addresses =
    addr === undefined || addr === null
      ? null
      : Array.isArray(addr)
        ? addr.map((a) => address(a))
        : [address(addr)];
  const rawTopics = o.topics ?? [];
  if (!Array.isArray(rawTopics) || rawTopics.length > 4) throw badParams("invalid topics");
  const topics = rawTopics.map((t) =>
    t === null
      ? null
      : Array.isArray(t)
        ? t.map((x) => hexData(x, "topic").toLowerCase() as Hex)
        : [hexData(t, "topic").toLowerCase() as Hex],
  );
  const toTag = o.toBlock;
  return {
    from: blockNumber(o.fromBlock ?? "latest", head),
    to:
      toTag === undefined || toTag === "latest" || toTag === "pending"
        ? "latest"
        : blockNumber(toTag, head),
    blockHash: o.blockHash === undefined ? undefined : (hexData(o.blockHash, "blockHash") as Hex),
    addresses,
    topics,
  };
}

export function queryLogs(chain: Chain, filter: LogFilter): unknown[] {
  const head = BigInt(chain.blocks.length - 1);
  let from = filter.from;
  let to = filter.to === "latest" ? head : filter.to;
  if (filter.blockHash !== undefined) {
    const i = chain.blocks.findIndex((b) => b.hash === filter.blockHash?.toLowerCase());
    if (i < 0) throw badParams("unknown block hash");
    from = BigInt(i);
    to = BigInt(i);
  }
  if (to > head) to = head;
  if (from > to) return [];
  if (to - from > MAX_RANGE) throw badParams(`block range too large (max ${MAX_RANGE})`);
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

type Installed =
  | { kind: "logs"; filter: LogFilter; next: bigint }
  | { kind: "blocks"; next: bigint };

/** eth_newFilter / eth_newBlockFilter with polling through eth_getFilterChanges. */
export class Filters {
  private readonly filters = new Map<string, Installed>();
  private counter = 0;

  constructor(private readonly chain: Chain) {}

  private head(): bigint {
    return BigInt(this.chain.blocks.length - 1);
  }

  newLogFilter(raw: unknown): Hex {
    const filter = parseFilter(raw, this.head());
    return this.add({
      kind: "logs",
      filter,
      next: filter.from > this.head() ? filter.from : this.head() + 1n,
    });
  }

  newBlockFilter(): Hex {
    return this.add({ kind: "blocks", next: this.head() + 1n });
  }

  private add(f: Installed): Hex {
    const id = `0x${(++this.counter).toString(16)}` as Hex;
    this.filters.set(id, f);
    return id;
  }

  uninstall(id: string): boolean {
    return this.filters.delete(id);
  }

  changes(id: string): unknown[] {
    const f = this.filters.get(id);
    if (f === undefined) throw badParams("filter not found");
    const head = this.head();
    if (f.next > head) return [];
    const from = f.next;
    f.next = head + 1n;
    if (f.kind === "blocks") {
      return this.chain.blocks.slice(Number(from)).map((b) => b.hash);
    }
    return queryLogs(this.chain, { ...f.filter, from, to: head });
  }

  logs(id: string): unknown[] {
    const f = this.filters.get(id);
    if (f === undefined || f.kind !== "logs") throw badParams("filter not found");
    return queryLogs(this.chain, f.filter);
  }
}
