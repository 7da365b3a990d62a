/**
 * Reads at a past block answer from that block's state (geth keeps the last 128), and blocks it
 * cannot serve are refused with geth's codes and messages, never answered from the latest state.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Hex, numberToHex, pad, parseEther, toHex } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeMarketAbi } from "@/lib/web3/compute-market-abi";
import { providerView } from "@/lib/web3/market-views";
import { type Devnet, startDevnet } from "./index";
import { clientsFor, marketOn, rawRpc, startProbeDevnet } from "./test-helpers";

type RpcReply = { result?: unknown; error?: { code: number; message: string } };

const rpc = async (url: string, method: string, params: unknown[]) =>
  (await rawRpc(url, JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }))).json as RpcReply;

/**
 * Init code of a contract whose constructor stores 7 in slot 0 and whose code returns 42:
 * SSTORE(0, 7); MSTORE(0, runtime); RETURN(22, 10) with runtime MSTORE(0, 42); RETURN(0, 32).
 */
const STORE_SEVEN_RETURN_42: Hex = "0x600760005569602a60005260206000f3600052600a6016f3";
const RUNTIME_42: Hex = "0x602a60005260206000f3";

describe("state at past blocks", () => {
  let devnet: Devnet;
  let c: ReturnType<typeof clientsFor>;

  beforeAll(async () => {
    devnet = await startDevnet({ port: 0 });
    c = clientsFor(devnet, 4);
  });
  afterAll(async () => {
    await devnet?.stop();
  });

  it("reads balances and nonces as they were before and after a transfer", async () => {
    const to = devnet.accounts[8]?.address as Hex;
    const before = await c.publicClient.getBlockNumber({ cacheTime: 0 });
    const balanceBefore = await c.publicClient.getBalance({ address: to });
    const nonceBefore = await c.publicClient.getTransactionCount({ address: c.account.address });
    const hash = await c.walletClient.sendTransaction({ to, value: parseEther("1") });
    const receipt = await c.publicClient.waitForTransactionReceipt({ hash });
    // Later blocks, so neither read below is at the head.
    await c.testClient.mine({ blocks: 2 });

    expect(await c.publicClient.getBalance({ address: to, blockNumber: before })).toBe(
      balanceBefore,
    );
    expect(await c.publicClient.getBalance({ address: to, blockNumber: receipt.blockNumber })).toBe(
      balanceBefore + parseEther("1"),
    );
    expect(
      await c.publicClient.getTransactionCount({ address: c.account.address, blockNumber: before }),
    ).toBe(nonceBefore);
    expect(
      await c.publicClient.getTransactionCount({
        address: c.account.address,
        blockNumber: receipt.blockNumber,
      }),
    ).toBe(nonceBefore + 1);
    // EIP-1898 block objects and a bare block hash name the same states.
    const atHash = await rpc(devnet.url, "eth_getBalance", [to, { blockHash: receipt.blockHash }]);
    expect(BigInt(atHash.result as string)).toBe(balanceBefore + parseEther("1"));
    const bareHash = await rpc(devnet.url, "eth_getBalance", [to, receipt.blockHash]);
    expect(BigInt(bareHash.result as string)).toBe(balanceBefore + parseEther("1"));
    const atNumber = await rpc(devnet.url, "eth_getBalance", [
      to,
      { blockNumber: numberToHex(before) },
    ]);
    expect(BigInt(atNumber.result as string)).toBe(balanceBefore);
    const both = await rpc(devnet.url, "eth_getBalance", [
      to,
      { blockNumber: "0x1", blockHash: receipt.blockHash },
    ]);
    expect(both.error?.code).toBe(-32602);
  });

  it("runs ComputeMarket views on the state of the block asked for", async () => {
    const market = marketOn(devnet);
    const staker = clientsFor(devnet, 5);
    const before = await c.publicClient.getBlockNumber({ cacheTime: 0 });
    const receipt = await market.send(staker, "stake", [], parseEther("0.3"));
    await c.testClient.mine({ blocks: 1 });
    const stakeAt = async (blockNumber: bigint) =>
      providerView(
        await c.publicClient.readContract({
          address: devnet.contractAddress,
          abi: computeMarketAbi,
          functionName: "provider",
          args: [staker.account.address],
          blockNumber,
        }),
      ).stake;
    expect(await stakeAt(before)).toBe(0n);
    expect(await stakeAt(receipt.blockNumber)).toBe(parseEther("0.3"));
    expect((await market.provider(c, staker.account.address)).stake).toBe(parseEther("0.3"));
    // The call at the past block ran on a copy: the latest state still has the stake.
    expect(await stakeAt(await c.publicClient.getBlockNumber({ cacheTime: 0 }))).toBe(
      parseEther("0.3"),
    );
  });

  it("reads code and storage of a contract as they were before and after its deployment", async () => {
    const before = await c.publicClient.getBlockNumber({ cacheTime: 0 });
    const hash = await c.walletClient.sendTransaction({ data: STORE_SEVEN_RETURN_42 });
    const receipt = await c.publicClient.waitForTransactionReceipt({ hash });
    const address = receipt.contractAddress as Hex;
    await c.testClient.mine({ blocks: 1 });

    expect(await c.publicClient.getCode({ address, blockNumber: before })).toBeUndefined();
    expect(await c.publicClient.getCode({ address, blockNumber: receipt.blockNumber })).toBe(
      RUNTIME_42,
    );
    expect(await c.publicClient.getStorageAt({ address, slot: "0x0", blockNumber: before })).toBe(
      pad("0x0"),
    );
    expect(
      await c.publicClient.getStorageAt({ address, slot: "0x0", blockNumber: receipt.blockNumber }),
    ).toBe(pad(toHex(7)));
    expect((await c.publicClient.call({ to: address, blockNumber: before })).data).toBeUndefined();
    expect(
      (await c.publicClient.call({ to: address, blockNumber: receipt.blockNumber })).data,
    ).toBe(pad(toHex(42)));
  });

  it("refuses a future block and an unknown hash with geth's answers", async () => {
    const head = await c.publicClient.getBlockNumber({ cacheTime: 0 });
    const future = numberToHex(head + 10n);
    const unknown = `0x${"cd".repeat(32)}`;
    const who = c.account.address;
    const reads: [string, unknown[]][] = [
      ["eth_getBalance", [who]],
      ["eth_getTransactionCount", [who]],
      ["eth_getCode", [devnet.contractAddress]],
      ["eth_getStorageAt", [devnet.contractAddress, "0x0"]],
      ["eth_call", [{ to: devnet.contractAddress, data: "0x" }]],
      ["eth_estimateGas", [{ from: who, to: who }]],
    ];
    for (const [method, params] of reads) {
      expect((await rpc(devnet.url, method, [...params, future])).error, method).toEqual({
        code: -32000,
        message: "header not found",
      });
      expect(
        (await rpc(devnet.url, method, [...params, { blockHash: unknown }])).error,
        method,
      ).toEqual({ code: -32000, message: "header for hash not found" });
    }
  });

  it("keeps 128 blocks of history and refuses older states as geth does", async () => {
    const who = devnet.accounts[9]?.address as Hex;
    const old = await c.publicClient.getBlockNumber({ cacheTime: 0 });
    await c.testClient.setBalance({ address: who, value: 5n });
    await c.testClient.mine({ blocks: 130 });
    const head = await c.publicClient.getBlockNumber({ cacheTime: 0 });
    expect(await c.publicClient.getBalance({ address: who, blockNumber: head - 128n })).toBe(5n);
    const tooOld = await rpc(devnet.url, "eth_getBalance", [who, numberToHex(old)]);
    expect(tooOld.error?.code).toBe(-32000);
    expect(tooOld.error?.message).toMatch(/^historical state [0-9a-f]{64} is not available$/);
    const call = await rpc(devnet.url, "eth_call", [{ to: who }, numberToHex(head - 129n)]);
    expect(call.error?.message).toMatch(/^historical state [0-9a-f]{64} is not available$/);
  });

  it("keeps past states right across evm_snapshot and evm_revert", async () => {
    const who = devnet.accounts[7]?.address as Hex;
    const start = await c.publicClient.getBalance({ address: who });
    const sealed = await c.publicClient.getBlockNumber({ cacheTime: 0 });
    // A change outside any block belongs to the next block, also when that block is mined after
    // an evm_revert to a snapshot taken in between.
    await c.testClient.setBalance({ address: who, value: 2n });
    const snapshot = await c.testClient.snapshot();
    await c.testClient.setBalance({ address: who, value: 1n });
    await c.testClient.mine({ blocks: 1 });
    const dropped = await c.publicClient.getBlockNumber({ cacheTime: 0 });
    await c.testClient.revert({ id: snapshot });
    expect(await c.publicClient.getBlockNumber({ cacheTime: 0 })).toBe(sealed);

    const hash = await c.walletClient.sendTransaction({ to: who, value: 3n });
    const receipt = await c.publicClient.waitForTransactionReceipt({ hash });
    expect(receipt.blockNumber).toBe(dropped);
    await c.testClient.mine({ blocks: 1 });
    expect(await c.publicClient.getBalance({ address: who, blockNumber: sealed })).toBe(start);
    expect(
      await c.publicClient.getBalance({ address: who, blockNumber: receipt.blockNumber }),
    ).toBe(5n);
  });
});

describe("state at past blocks across a data-dir restart", () => {
  it("reads a balance at a block mined before the restart", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "devnet-history-"));
    const first = await startProbeDevnet({ dataDir });
    const c1 = clientsFor(first);
    const to = first.accounts[8]?.address as Hex;
    const before = await c1.publicClient.getBlockNumber({ cacheTime: 0 });
    const start = await c1.publicClient.getBalance({ address: to });
    const hash = await c1.walletClient.sendTransaction({ to, value: 1000n });
    const receipt = await c1.publicClient.waitForTransactionReceipt({ hash });
    await c1.testClient.setBalance({ address: to, value: 77n });
    await first.stop();

    const second = await startProbeDevnet({ dataDir });
    const c2 = clientsFor(second);
    try {
      await c2.testClient.mine({ blocks: 1 });
      expect(await c2.publicClient.getBalance({ address: to, blockNumber: before })).toBe(start);
      expect(
        await c2.publicClient.getBalance({ address: to, blockNumber: receipt.blockNumber }),
      ).toBe(start + 1000n);
      expect(await c2.publicClient.getBalance({ address: to })).toBe(77n);
    } finally {
      await second.stop();
    }
  });
});
