/**
 * Filters and eth_getLogs answer as geth does where clients act on the answer: a lost filter is
 * "filter not found" (-32000), on which viem installs a new one, and eth_getLogs refuses ranges
 * and block hashes with geth's codes and messages.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  BaseError,
  createPublicClient,
  type Hex,
  http,
  InvalidInputRpcError,
  type Log,
  numberToHex,
  parseEther,
} from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeMarketAbi } from "@/lib/web3/compute-market-abi";
import { type Devnet, startDevnet } from "./index";
import { clientsFor, marketOn, rawRpc } from "./test-helpers";

type RpcReply = { result?: unknown; error?: { code: number; message: string } };

const rpc = async (url: string, method: string, params: unknown[]) =>
  (await rawRpc(url, JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }))).json as RpcReply;

/** Resolves once `check` holds, polling every 20 ms; fails after `ms`. */
async function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("filters answer as geth does", () => {
  let devnet: Devnet;

  beforeAll(async () => {
    devnet = await startDevnet({ port: 0 });
  });
  afterAll(async () => {
    await devnet?.stop();
  });

  it("answers an unknown filter id with -32000 'filter not found'", async () => {
    const unknown = "0x1f2e3d4c5b6a79880123456789abcdef";
    expect((await rpc(devnet.url, "eth_getFilterChanges", [unknown])).error).toEqual({
      code: -32000,
      message: "filter not found",
    });
    expect((await rpc(devnet.url, "eth_getFilterLogs", [unknown])).error).toEqual({
      code: -32000,
      message: "filter not found",
    });
    // geth answers false, not an error, for a filter it does not have.
    expect(await rpc(devnet.url, "eth_uninstallFilter", [unknown])).toMatchObject({
      result: false,
    });
    // A block filter has no logs to give: geth says "filter not found" for it too.
    const blockFilter = (await rpc(devnet.url, "eth_newBlockFilter", [])).result;
    expect((await rpc(devnet.url, "eth_getFilterLogs", [blockFilter])).error).toEqual({
      code: -32000,
      message: "filter not found",
    });
    expect(await rpc(devnet.url, "eth_uninstallFilter", [blockFilter])).toMatchObject({
      result: true,
    });
    expect((await rpc(devnet.url, "eth_getFilterChanges", [blockFilter])).error?.code).toBe(-32000);
  });

  it("gives random filter ids, so an id from before a restart names no other filter", async () => {
    const a = (await rpc(devnet.url, "eth_newBlockFilter", [])).result as string;
    const b = (await rpc(devnet.url, "eth_newBlockFilter", [])).result as string;
    expect(a).toMatch(/^0x[0-9a-f]{32}$/);
    expect(b).not.toBe(a);
  });

  it("reports mined transactions to a pending-transaction filter", async () => {
    const c = clientsFor(devnet, 6);
    const id = (await rpc(devnet.url, "eth_newPendingTransactionFilter", [])).result;
    const hash = await c.walletClient.sendTransaction({ to: c.account.address, value: 1n });
    await c.publicClient.waitForTransactionReceipt({ hash });
    expect((await rpc(devnet.url, "eth_getFilterChanges", [id])).result).toEqual([hash]);
    expect((await rpc(devnet.url, "eth_getFilterChanges", [id])).result).toEqual([]);
  });

  it("refuses eth_getLogs ranges and block hashes as geth does", async () => {
    const head = Number((await rpc(devnet.url, "eth_blockNumber", [])).result);
    const getLogs = async (filter: Record<string, unknown>) =>
      (await rpc(devnet.url, "eth_getLogs", [filter])).error;
    expect(await getLogs({ fromBlock: "0x0", toBlock: numberToHex(200_000) })).toEqual({
      code: -32602,
      message: "exceed maximum block range 100000",
    });
    expect(await getLogs({ blockHash: `0x${"ab".repeat(32)}` })).toEqual({
      code: -32000,
      message: "unknown block",
    });
    expect(await getLogs({ blockHash: `0x${"ab".repeat(32)}`, fromBlock: "0x0" })).toEqual({
      code: -32602,
      message: "cannot specify both BlockHash and FromBlock/ToBlock, choose one or the other",
    });
    expect(await getLogs({ fromBlock: "0x0", toBlock: numberToHex(head + 5) })).toEqual({
      code: -32602,
      message: "block range extends beyond current head block",
    });
    expect(await getLogs({ fromBlock: numberToHex(head), toBlock: "0x0" })).toEqual({
      code: -32602,
      message: "invalid block range params",
    });
    expect(await getLogs({ topics: [null, null, null, null, null] })).toEqual({
      code: -32602,
      message: "exceed max topics",
    });
  });

  it("gives each log its block's timestamp", async () => {
    const c = clientsFor(devnet, 7);
    const receipt = await marketOn(devnet).send(c, "stake", [], parseEther("0.1"));
    const block = await c.publicClient.getBlock({ blockNumber: receipt.blockNumber });
    const { result } = await rpc(devnet.url, "eth_getLogs", [{ blockHash: receipt.blockHash }]);
    const logs = result as { blockTimestamp: Hex }[];
    expect(logs.length).toBeGreaterThan(0);
    for (const log of logs) expect(BigInt(log.blockTimestamp)).toBe(block.timestamp);
  });
});

describe("a viem watcher and a devnet that forgets its filters", () => {
  it("installs a new filter after the restart and keeps delivering events", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "devnet-filters-"));
    let devnet = await startDevnet({ port: 0, dataDir });
    const port = devnet.port;
    const methods: string[] = [];
    const client = createPublicClient({
      transport: http(devnet.url, {
        retryCount: 0,
        onFetchRequest: (_request, init) => {
          const body = JSON.parse(String(init.body)) as { method: string };
          methods.push(body.method);
        },
      }),
      pollingInterval: 50,
    });
    const delivered: Log[] = [];
    const errors: unknown[] = [];
    const unwatch = client.watchContractEvent({
      address: devnet.contractAddress,
      abi: computeMarketAbi,
      eventName: "Staked",
      poll: true,
      pollingInterval: 50,
      onLogs: (logs) => delivered.push(...logs),
      onError: (e) => errors.push(e),
    });
    const lostFilter = () =>
      errors.find((e) => e instanceof BaseError && e.details === "filter not found");
    /** The watcher has asked for changes since its latest eth_newFilter. */
    const polling = (from: number) => {
      const i = methods.lastIndexOf("eth_newFilter");
      return i >= from && methods.indexOf("eth_getFilterChanges", i) > i;
    };
    try {
      await until(() => polling(0), "the watcher's first filter");
      const before = await marketOn(devnet).send(
        clientsFor(devnet, 4),
        "stake",
        [],
        parseEther("0.1"),
      );
      await until(() => delivered.length === 1, "the first Staked event");
      expect(delivered[0]?.transactionHash).toBe(before.transactionHash);

      await devnet.stop();
      devnet = await startDevnet({ port, dataDir });
      const restartedAt = methods.length;
      await until(() => lostFilter() !== undefined, "'filter not found' after the restart");
      // -32000 is the code viem maps to InvalidInputRpcError, its cue to install a new filter.
      expect(lostFilter()).toBeInstanceOf(InvalidInputRpcError);
      expect((lostFilter() as InvalidInputRpcError).code).toBe(-32000);
      await until(() => polling(restartedAt), "a new filter after the restart");

      const after = await marketOn(devnet).send(
        clientsFor(devnet, 5),
        "stake",
        [],
        parseEther("0.2"),
      );
      await until(() => delivered.length === 2, "the Staked event after the restart");
      expect(delivered[1]?.transactionHash).toBe(after.transactionHash);
      expect(after.blockNumber).toBeGreaterThan(before.blockNumber);
    } finally {
      unwatch();
      await devnet.stop();
    }
  });
});
