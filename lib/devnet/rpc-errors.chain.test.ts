import { parseEther, parseGwei } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEVNET_BASE_FEE } from "./constants";
import type { Devnet } from "./index";
import { clientsFor, rawRpc, startProbeDevnet } from "./test-helpers";

type RpcReply = { id: unknown; result?: unknown; error?: { code: number; message: string } };

describe("devnet JSON-RPC: bad input gets the errors a real node gives", () => {
  let devnet: Devnet;
  let c: ReturnType<typeof clientsFor>;

  beforeAll(async () => {
    devnet = await startProbeDevnet();
    c = clientsFor(devnet, 4);
  });
  afterAll(async () => {
    await devnet?.stop();
  });

  const call = async (method: string, params: unknown[]) =>
    (await rawRpc(devnet.url, JSON.stringify({ jsonrpc: "2.0", id: 1, method, params })))
      .json as RpcReply;

  it("answers malformed JSON with a parse error and keeps serving", async () => {
    const bad = await rawRpc(devnet.url, "{not json");
    expect(bad.status).toBe(200);
    expect((bad.json as RpcReply).error?.code).toBe(-32700);
    const empty = await rawRpc(devnet.url, "[]");
    expect((empty.json as RpcReply).error?.code).toBe(-32600);
    const notRequest = await rawRpc(devnet.url, '"hello"');
    expect((notRequest.json as RpcReply).error?.code).toBe(-32600);
    expect(await c.publicClient.getChainId()).toBe(412346);
  });

  it("rejects unknown methods and bad params", async () => {
    expect((await call("eth_doesNotExist", [])).error?.code).toBe(-32601);
    expect((await call("eth_getBalance", ["0x1234"])).error?.code).toBe(-32602);
    expect((await call("eth_sendRawTransaction", ["0xzz"])).error?.code).toBe(-32602);
    expect((await call("eth_sendRawTransaction", ["0xdeadbeef"])).error?.message).toMatch(
      /invalid transaction/,
    );
  });

  it("answers batches element by element", async () => {
    const { json } = await rawRpc(
      devnet.url,
      JSON.stringify([
        { jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] },
        { jsonrpc: "2.0", id: 2, method: "nope", params: [] },
      ]),
    );
    const replies = json as RpcReply[];
    expect(replies[0]?.result).toBe("0x64aba");
    expect(replies[1]?.error?.code).toBe(-32601);
  });

  it("sends CORS headers so a page on another port can call it", async () => {
    const pre = await fetch(devnet.url, {
      method: "OPTIONS",
      headers: { origin: "http://localhost:3000", "access-control-request-method": "POST" },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBe("*");
    expect(pre.headers.get("access-control-allow-headers")).toContain("content-type");
  });

  it("refuses nonce gaps and reused nonces", async () => {
    const nonce = await c.publicClient.getTransactionCount({ address: c.account.address });
    const tx = { to: c.account.address, value: 1n, gas: 21_000n, maxFeePerGas: parseGwei("1") };
    const gap = await c.walletClient.signTransaction({ ...tx, nonce: nonce + 5 });
    await expect(c.publicClient.sendRawTransaction({ serializedTransaction: gap })).rejects.toThrow(
      /nonce too high/,
    );
    const ok = await c.walletClient.signTransaction({ ...tx, nonce });
    await c.publicClient.sendRawTransaction({ serializedTransaction: ok });
    const reused = await c.walletClient.signTransaction({ ...tx, nonce, value: 2n });
    await expect(
      c.publicClient.sendRawTransaction({ serializedTransaction: reused }),
    ).rejects.toThrow(/nonce too low/);
  });

  it("refuses underpriced transactions and ones the sender cannot pay for", async () => {
    const nonce = await c.publicClient.getTransactionCount({ address: c.account.address });
    const cheap = await c.walletClient.signTransaction({
      to: c.account.address,
      gas: 21_000n,
      nonce,
      maxFeePerGas: DEVNET_BASE_FEE - 1n,
      maxPriorityFeePerGas: 0n,
    });
    await expect(
      c.publicClient.sendRawTransaction({ serializedTransaction: cheap }),
    ).rejects.toThrow(/max fee per gas less than block base fee/);
    const rich = await c.walletClient.signTransaction({
      to: c.account.address,
      gas: 21_000n,
      nonce,
      value: parseEther("1000000"),
      maxFeePerGas: parseGwei("1"),
    });
    await expect(
      c.publicClient.sendRawTransaction({ serializedTransaction: rich }),
    ).rejects.toThrow(/insufficient funds/);
    const tooLittleGas = await c.walletClient.signTransaction({
      to: c.account.address,
      gas: 20_000n,
      nonce,
      maxFeePerGas: parseGwei("1"),
    });
    await expect(
      c.publicClient.sendRawTransaction({ serializedTransaction: tooLittleGas }),
    ).rejects.toThrow(/intrinsic gas too low/);
  });

  it("refuses a transaction signed for another chain with geth's words", async () => {
    const nonce = await c.publicClient.getTransactionCount({ address: c.account.address });
    const tx = { to: c.account.address, gas: 21_000n, nonce, maxFeePerGas: parseGwei("1") };
    const eip1559 = await c.account.signTransaction({
      ...tx,
      chainId: 1,
      maxPriorityFeePerGas: 0n,
    });
    const legacy = await c.account.signTransaction({
      chainId: 1,
      to: c.account.address,
      gas: 21_000n,
      nonce,
      gasPrice: parseGwei("1"),
      type: "legacy",
    });
    for (const raw of [eip1559, legacy]) {
      expect((await call("eth_sendRawTransaction", [raw])).error).toEqual({
        code: -32000,
        message: "invalid chain id for signer: have 1 want 412346",
      });
    }
    await expect(
      c.publicClient.sendRawTransaction({ serializedTransaction: eip1559 }),
    ).rejects.toThrow(/invalid chain id for signer: have 1 want 412346/);
    const devAccount = devnet.accounts[5]?.address as string;
    expect(
      (await call("eth_sendTransaction", [{ from: devAccount, to: devAccount, chainId: "0x1" }]))
        .error,
    ).toEqual({ code: -32000, message: "chainId does not match node's (have=1, want=412346)" });
  });

  it("mines a transaction with bad calldata as a clean revert", async () => {
    const hash = await c.walletClient.sendTransaction({
      to: devnet.contractAddress,
      data: "0xff00",
      gas: 100_000n,
    });
    const receipt = await c.publicClient.waitForTransactionReceipt({ hash });
    expect(receipt.status).toBe("reverted");
    expect(receipt.gasUsed).toBeLessThan(100_000n);
    const empty = await c.walletClient.sendTransaction({
      to: devnet.contractAddress,
      data: "0x",
      gas: 100_000n,
    });
    expect((await c.publicClient.waitForTransactionReceipt({ hash: empty })).status).toBe(
      "reverted",
    );
    expect(await c.publicClient.getBlockNumber()).toBeGreaterThan(0n);
  });

  it("signs eth_sendTransaction for unlocked dev accounts only", async () => {
    const devAccount = devnet.accounts[5]?.address as `0x${string}`;
    const hash = (await call("eth_sendTransaction", [
      { from: devAccount, to: devnet.accounts[6]?.address, value: "0x1" },
    ])) as RpcReply;
    expect(typeof hash.result).toBe("string");
    const stranger = await call("eth_sendTransaction", [
      { from: "0x000000000000000000000000000000000000dead", to: devAccount, value: "0x1" },
    ]);
    expect(stranger.error?.message).toMatch(/unknown account/);
  });
});
