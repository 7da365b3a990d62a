/**
 * A JSON-RPC proxy in front of a node that injects the faults a real node or its network shows:
 * HTTP 500s, JSON-RPC errors, requests left unanswered, getLogs answers out of order, a log that
 * does not decode, another chain id. Single requests and batches. Test-only.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type RpcCall = { method: string; params: unknown[] };

export type Fault =
  /** The whole HTTP request answered with 500 when one of its calls matches. */
  | { kind: "http500"; when: (call: RpcCall) => boolean }
  /** Matching calls answered with a JSON-RPC error. */
  | { kind: "rpcError"; code: number; message: string; when: (call: RpcCall) => boolean }
  /** The HTTP request is never answered when one of its calls matches. */
  | { kind: "hang"; when: (call: RpcCall) => boolean }
  /** eth_getLogs answers covering `block` with two or more logs come back in reverse order. */
  | { kind: "reorderLogs"; block: bigint }
  /** The first log of `block` in eth_getLogs answers has an unknown topic or truncated data. */
  | { kind: "corruptLog"; block: bigint; how: "topic" | "data" }
  /** eth_chainId answers `chainId`. */
  | { kind: "chainId"; chainId: number };

export type RpcProxy = {
  url: string;
  setFault(fault: Fault | null): void;
  /** How many calls or requests the current fault changed. */
  hits(): number;
  close(): Promise<void>;
};

type Request = { jsonrpc: "2.0"; id: number | string | null; method: string; params?: unknown[] };
type Reply = {
  jsonrpc: "2.0";
  id: number | string | null;
  result?: unknown;
  error?: { code: number; message: string };
};
type LogJson = { blockNumber: string; topics: string[]; data: string };

/** An eth_getLogs call whose range covers `block`. */
export function getLogsCovering(block: bigint): (call: RpcCall) => boolean {
  return (call) => {
    if (call.method !== "eth_getLogs") return false;
    const filter = (call.params[0] ?? {}) as { fromBlock?: string; toBlock?: string };
    if (filter.fromBlock === undefined || filter.toBlock === undefined) return false;
    return BigInt(filter.fromBlock) <= block && block <= BigInt(filter.toBlock);
  };
}

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    let body = "";
    req.on("data", (c: Buffer) => {
      body += c.toString();
    });
    req.on("end", () => resolve(body));
    req.on("error", reject);
  });

export async function startRpcProxy(upstream: string): Promise<RpcProxy> {
  let fault: Fault | null = null;
  let hits = 0;
  const held = new Set<ServerResponse>();

  function alter(call: Request, reply: Reply): Reply {
    const f = fault;
    if (!f || reply.error) return reply;
    if (f.kind === "rpcError" && f.when({ method: call.method, params: call.params ?? [] })) {
      hits++;
      return { jsonrpc: "2.0", id: reply.id, error: { code: f.code, message: f.message } };
    }
    if (f.kind === "chainId" && call.method === "eth_chainId") {
      hits++;
      return { ...reply, result: `0x${f.chainId.toString(16)}` };
    }
    if (call.method !== "eth_getLogs" || !Array.isArray(reply.result)) return reply;
    const logs = reply.result as LogJson[];
    if (
      f.kind === "reorderLogs" &&
      logs.length >= 2 &&
      getLogsCovering(f.block)({ method: call.method, params: call.params ?? [] })
    ) {
      hits++;
      return { ...reply, result: [...logs].reverse() };
    }
    if (f.kind === "corruptLog") {
      const i = logs.findIndex((l) => BigInt(l.blockNumber) === f.block);
      const log = logs[i];
      if (!log) return reply;
      hits++;
      const bad: LogJson =
        f.how === "topic"
          ? { ...log, topics: [`0x${"ab".repeat(32)}`, ...log.topics.slice(1)] }
          : { ...log, data: log.data.slice(0, 10) };
      return { ...reply, result: logs.map((l, j) => (j === i ? bad : l)) };
    }
    return reply;
  }

  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    let parsed: Request | Request[];
    try {
      parsed = JSON.parse(body) as Request | Request[];
    } catch {
      res.writeHead(400).end("bad json");
      return;
    }
    const calls = Array.isArray(parsed) ? parsed : [parsed];
    const f = fault;
    const matches = (when: (call: RpcCall) => boolean) =>
      calls.some((c) => when({ method: c.method, params: c.params ?? [] }));
    if (f?.kind === "http500" && matches(f.when)) {
      hits++;
      res.writeHead(500, { "content-type": "text/plain" }).end("Internal Server Error");
      return;
    }
    if (f?.kind === "hang" && matches(f.when)) {
      hits++;
      held.add(res);
      res.on("close", () => held.delete(res));
      return;
    }
    let upstreamBody: string;
    try {
      const answer = await fetch(upstream, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      upstreamBody = await answer.text();
    } catch {
      res.writeHead(502).end("upstream unreachable");
      return;
    }
    const replies = JSON.parse(upstreamBody) as Reply | Reply[];
    const out = Array.isArray(replies)
      ? replies.map((r) => {
          const call = calls.find((c) => c.id === r.id);
          return call ? alter(call, r) : r;
        })
      : alter(calls[0] as Request, replies);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(out));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setFault(next) {
      fault = next;
      hits = 0;
      for (const res of held) res.destroy();
      held.clear();
    },
    hits: () => hits,
    async close() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
