/**
 * The indexer's runner against a node that misbehaves (a JSON-RPC proxy in front of the devnet):
 * HTTP 500s, JSON-RPC errors, a request left unanswered, getLogs answers out of order, a log that
 * does not decode. Each time it logs one clear line per failure and retries with a growing pause,
 * its cursor stays before the bad block while the fault lasts, and once the fault is gone the
 * index equals the chain. A node serving another chain id stops it with both ids named.
 */
import { format } from "node:util";
import { sql } from "drizzle-orm";
import { createPublicClient, getAbiItem, http, toEventSelector } from "viem";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { DbHandle } from "@/db/client";
import { processLock } from "@/db/locks";
import { readCursor } from "@/db/queries/chain/index-store";
import { createTestDb } from "@/db/testing";
import { type Devnet, startDevnet } from "@/lib/devnet";
import { computeMarketAbi } from "@/lib/web3/compute-market-abi";
import type { IndexerConfig } from "./indexer";
import { rpcClient, runIndexer } from "./run";
import { differencesFromChain } from "./testing/compare";
import { contractLoad, type Load } from "./testing/load";
import { type Fault, getLogsCovering, type RpcProxy, startRpcProxy } from "./testing/rpc-proxy";

const CHUNK = 4;
const BACKOFF = { firstMs: 10, maxMs: 80 };
const TIMEOUT_MS = 300;

let devnet: Devnet;
let proxy: RpcProxy;
let handle: DbHandle;
let load: Load;
/** A block in the middle of the chain with a JobFunded log, and at least 2 logs in its chunk. */
let bad: bigint;
/** The last block before the chunk that holds `bad`: as far as the index can get. */
let beforeBad: bigint;
/** The last block of that chunk (its header is read for the cursor). */
let badChunkEnd: bigint;
const output: string[] = [];
let runs = 0;

beforeAll(async () => {
  devnet = await startDevnet({ port: 0 });
  proxy = await startRpcProxy(devnet.url);
  handle = await createTestDb();
  load = await contractLoad(
    {
      url: devnet.url,
      chainId: devnet.chainId,
      contract: devnet.contractAddress,
      keys: devnet.accounts.map((a) => a.privateKey),
    },
    5,
  );
  await load.run(14);
  const client = createPublicClient({ transport: http(devnet.url) });
  const logs = await client.getLogs({ address: devnet.contractAddress, fromBlock: 0n });
  const funded = toEventSelector(getAbiItem({ abi: computeMarketAbi, name: "JobFunded" }));
  const chunkOf = (n: bigint) => n / BigInt(CHUNK);
  const head = await client.getBlockNumber();
  const candidates = logs.filter(
    (l) =>
      l.topics[0] === funded &&
      logs.filter((o) => chunkOf(o.blockNumber) === chunkOf(l.blockNumber)).length >= 2 &&
      chunkOf(l.blockNumber) >= 2n &&
      chunkOf(l.blockNumber) < chunkOf(head),
  );
  const chosen = candidates[Math.floor(candidates.length / 2)];
  if (!chosen) throw new Error("the load left no JobFunded log to spoil");
  bad = chosen.blockNumber;
  beforeBad = chunkOf(bad) * BigInt(CHUNK) - 1n;
  badChunkEnd = beforeBad + BigInt(CHUNK);
});

afterAll(async () => {
  await proxy?.close();
  await handle?.close();
  await devnet?.stop();
});

beforeEach(() => {
  output.length = 0;
  for (const level of ["info", "warn", "error"] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      output.push(format(...args));
    });
  }
});

afterEach(() => {
  vi.restoreAllMocks();
  proxy.setFault(null);
});

function config(): IndexerConfig {
  return {
    chainId: devnet.chainId,
    contract: devnet.contractAddress,
    startBlock: 0n,
    confirmations: 0,
    chunkBlocks: CHUNK,
    mayReset: true,
  };
}

function start(onTick?: (cursor: bigint) => void) {
  return runIndexer({
    db: handle.db,
    config: config(),
    client: rpcClient(proxy.url, { timeoutMs: TIMEOUT_MS }),
    lock: processLock(`indexer-faults-${runs++}`, undefined),
    pollMs: 20,
    backoff: BACKOFF,
    onTick: (r) => onTick?.(r.cursor),
  });
}

async function clearIndex() {
  await handle.db.execute(
    sql`truncate chain_events, chain_blocks, chain_undo, chain_balance_moves, chain_jobs,
                 chain_providers, chain_accounts, chain_market, chain_cursor`,
  );
}

async function until(done: () => boolean, what: string, ms = 30_000) {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error(`${what} did not happen; output:\n${output.join("\n")}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const failureLines = () => output.filter((l) => /retrying in/.test(l));

/**
 * Indexes from scratch through the proxy with `fault` on: checks the failure lines, the backoff
 * and the cursor while it lasts, then lifts it and checks the index against the chain.
 */
async function indexUnder(fault: Fault, line: RegExp, stuckAt: bigint | undefined) {
  await clearIndex();
  proxy.setFault(fault);
  const cursors: bigint[] = [];
  const runner = start((c) => cursors.push(c));
  try {
    await until(() => failureLines().length >= 5, "five failures");
    const lines = failureLines().slice(0, 5);
    for (const l of lines) expect(l).toMatch(line);
    // One line per failure, each pause twice the last up to the ceiling.
    expect(lines.map((l) => Number(l.match(/retrying in (\d+) ms/)?.[1]))).toEqual([
      10, 20, 40, 80, 80,
    ]);
    expect(lines.map((l) => l.match(/\(failure (\d+)\)$/)?.[1])).toEqual(["1", "2", "3", "4", "5"]);
    expect(proxy.hits()).toBeGreaterThan(0);
    // As far as the fault lets it go, and never past the bad block.
    const cursor = await readCursor(handle.db, devnet.contractAddress.toLowerCase());
    expect(cursor?.blockNumber).toBe(stuckAt);
    if (stuckAt !== undefined) for (const c of cursors) expect(c).toBeLessThanOrEqual(stuckAt);
    proxy.setFault(null);
    await runner.caughtUp();
  } finally {
    await runner.stop();
  }
  expect(output).toContain("indexer: recovered");
  expect(
    await differencesFromChain(
      handle.db,
      { url: devnet.url, contract: devnet.contractAddress },
      load.addresses,
    ),
  ).toEqual([]);
}

describe("the indexer against a node that misbehaves", () => {
  it("waits out a node that answers every request with HTTP 500", async () => {
    await indexUnder(
      { kind: "http500", when: () => true },
      /^indexer: eth_chainId failed: HTTP 500 Internal Server Error; retrying in \d+ ms \(failure \d+\)$/,
      undefined,
    );
  });

  it("retries a getLogs answered with HTTP 500, without passing its blocks", async () => {
    await indexUnder(
      { kind: "http500", when: getLogsCovering(bad) },
      /^indexer: eth_getLogs for blocks \d+\.\.\d+ failed: HTTP 500 Internal Server Error; retrying/,
      beforeBad,
    );
  });

  it("retries a getLogs answered with a JSON-RPC error", async () => {
    await indexUnder(
      { kind: "rpcError", code: -32603, message: "database is locked", when: getLogsCovering(bad) },
      /^indexer: eth_getLogs for blocks \d+\.\.\d+ failed: the node answered with error -32603: database is locked; retrying/,
      beforeBad,
    );
  });

  it("retries a block header answered with a JSON-RPC error", async () => {
    await indexUnder(
      {
        kind: "rpcError",
        code: -32000,
        message: "header not found",
        when: (c) =>
          c.method === "eth_getBlockByNumber" && c.params[0] === `0x${badChunkEnd.toString(16)}`,
      },
      new RegExp(
        `^indexer: eth_getBlockByNumber\\(${badChunkEnd}\\) failed: the node answered with error -32000: header not found; retrying`,
      ),
      beforeBad,
    );
  });

  it("retries a getLogs left unanswered until the request times out", async () => {
    await indexUnder(
      { kind: "hang", when: getLogsCovering(bad) },
      /^indexer: eth_getLogs for blocks \d+\.\.\d+ failed: the node did not answer in time; retrying/,
      beforeBad,
    );
  });

  it("refuses logs answered out of order and asks again", async () => {
    await indexUnder(
      { kind: "reorderLogs", block: bad },
      /^indexer: eth_getLogs for blocks \d+\.\.\d+ returned logs out of order \(block \d+ log \d+ after block \d+ log \d+\); retrying/,
      beforeBad,
    );
  });

  it("never skips a log whose topic is no ComputeMarket event", async () => {
    await indexUnder(
      { kind: "corruptLog", block: bad, how: "topic" },
      /^indexer: log \d+ of block \d+ \(tx 0x[0-9a-f]+\) does not decode as a ComputeMarket event: .+; retrying/,
      beforeBad,
    );
  });

  it("never skips a log whose data does not decode", async () => {
    await indexUnder(
      { kind: "corruptLog", block: bad, how: "data" },
      /^indexer: log \d+ of block \d+ \(tx 0x[0-9a-f]+\) does not decode as a ComputeMarket event: .+; retrying/,
      beforeBad,
    );
  });

  it("refuses to start on a node serving another chain id, naming both ids", async () => {
    await clearIndex();
    proxy.setFault({ kind: "chainId", chainId: 1 });
    const runner = start();
    const reason = await runner.ended;
    expect(reason).toMatch(/chain id 1\b/);
    expect(reason).toContain(`configured for ${devnet.chainId}`);
    expect(output.filter((l) => /not started/.test(l))).toEqual([
      `indexer: not started: ${reason}`,
    ]);
    expect(failureLines()).toEqual([]);
    expect(await readCursor(handle.db, devnet.contractAddress.toLowerCase())).toBeUndefined();
  });
});
