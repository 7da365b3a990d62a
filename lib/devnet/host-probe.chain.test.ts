import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { concat, type Hex, pad, toHex } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEVNET_COMPUTE_MARKET_ADDRESS } from "./constants";
import type { Devnet } from "./index";
import { clientsFor, startProbeDevnet } from "./test-helpers";

const word = (n: number) => pad(toHex(n), { size: 32 });
const store = (n: number): Hex => concat(["0x01", word(n)]);
const storeThenRevert = (n: number): Hex => concat(["0x04", word(n)]);

describe("Stylus host through the devnet (host-probe program)", () => {
  let devnet: Devnet;
  let c: ReturnType<typeof clientsFor>;
  const contract = DEVNET_COMPUTE_MARKET_ADDRESS;

  beforeAll(async () => {
    devnet = await startProbeDevnet();
    c = clientsFor(devnet);
  });
  afterAll(async () => {
    await devnet?.stop();
  });

  it("deploys Stylus code at the deterministic address", async () => {
    const code = await c.publicClient.getCode({ address: contract });
    expect(code?.slice(0, 10)).toBe("0xeff00000");
    expect(devnet.contractAddress).toBe("0x5FbDB2315678afecb367f032d93F642f64180aa3");
  });

  it("stores, emits a log with msg.value, and reads storage back", async () => {
    const hash = await c.walletClient.sendTransaction({ to: contract, data: store(42), value: 7n });
    const receipt = await c.publicClient.waitForTransactionReceipt({ hash });
    expect(receipt.status).toBe("success");
    expect(receipt.logs).toHaveLength(1);
    expect(receipt.logs[0]?.topics).toEqual([word(42)]);
    expect(BigInt(receipt.logs[0]?.data ?? "0x")).toBe(7n);
    const logs = await c.publicClient.getLogs({ address: contract, fromBlock: 0n });
    expect(logs.map((l) => l.transactionHash)).toContain(hash);
    const read = await c.publicClient.call({ to: contract, data: "0x02" });
    expect(read.data).toBe(word(42));
    expect(await c.publicClient.getBalance({ address: contract })).toBe(7n);
  });

  it("rolls back storage, logs and value when the program reverts", async () => {
    const before = await c.publicClient.getBalance({ address: contract });
    const hash = await c.walletClient.sendTransaction({
      to: contract,
      data: storeThenRevert(99),
      value: 5n,
      gas: 200_000n,
    });
    const receipt = await c.publicClient.waitForTransactionReceipt({ hash });
    expect(receipt.status).toBe("reverted");
    expect(receipt.logs).toHaveLength(0);
    expect((await c.publicClient.call({ to: contract, data: "0x02" })).data).toBe(word(42));
    expect(await c.publicClient.getBalance({ address: contract })).toBe(before);
  });

  it("returns revert data geth-style from eth_call and estimateGas", async () => {
    const res = await fetch(devnet.url, {
      method: "POST",
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "eth_call",
        params: [{ from: c.account.address, to: contract, data: "0x03" }, "latest"],
      }),
    });
    const body = (await res.json()) as { error: { code: number; message: string; data: string } };
    expect(body.error.code).toBe(3);
    expect(body.error.message).toBe("execution reverted");
    expect(body.error.data).toBe(c.account.address.toLowerCase());
    await expect(
      c.publicClient.estimateGas({ account: c.account, to: contract, data: "0x03" }),
    ).rejects.toThrow(/revert/i);
  });

  it("sends ETH out of the contract with call_contract", async () => {
    const recipient = "0x00000000000000000000000000000000000000aa";
    const data = concat(["0x05", recipient, word(3)]);
    const hash = await c.walletClient.sendTransaction({ to: contract, data, gas: 200_000n });
    const receipt = await c.publicClient.waitForTransactionReceipt({ hash });
    expect(receipt.status).toBe("success");
    expect(await c.publicClient.getBalance({ address: recipient })).toBe(3n);
    // More than the contract holds: the inner call fails and reports status 1.
    const tooMuch = concat(["0x05", recipient, word(1_000_000)]);
    expect((await c.publicClient.call({ to: contract, data: tooMuch })).data).toBe("0x01");
  });

  it("refuses storage writes when reached through STATICCALL from EVM code", async () => {
    // EVM forwarder: STATICCALL the probe with this call's calldata, return the success flag.
    const runtime = concat([
      "0x365f5f37", // calldatacopy(0, 0, calldatasize)
      "0x5f5f365f73", // retSize, retOffset, argsSize, argsOffset, push20
      contract,
      "0x5afa", // gas, staticcall
      "0x5f5260205ff3", // mstore(0, success), return(0, 32)
    ]);
    const size = toHex((runtime.length - 2) / 2, { size: 1 }).slice(2);
    const initcode = concat([`0x60${size}600a5f3960${size}5ff3`, runtime]);
    const hash = await c.walletClient.sendTransaction({ data: initcode });
    const { contractAddress } = await c.publicClient.waitForTransactionReceipt({ hash });
    if (!contractAddress) throw new Error("forwarder not deployed");
    const viaStatic = (data: Hex) =>
      c.publicClient.call({ to: contractAddress, data, gas: 1_000_000n });
    expect((await viaStatic("0x02")).data).toBe(word(1));
    expect((await viaStatic(store(5))).data).toBe(word(0));
    expect((await c.publicClient.call({ to: contract, data: "0x02" })).data).toBe(word(42));
  });

  it("travels in time and reverts to snapshots", async () => {
    const start = (await c.publicClient.getBlock()).timestamp;
    await c.testClient.increaseTime({ seconds: 3_600 });
    await c.testClient.mine({ blocks: 1 });
    expect((await c.publicClient.getBlock()).timestamp).toBeGreaterThanOrEqual(start + 3_600n);
    const snapshot = await c.testClient.snapshot();
    const height = await c.publicClient.getBlockNumber();
    await c.walletClient.sendTransaction({ to: contract, data: store(7) });
    expect((await c.publicClient.call({ to: contract, data: "0x02" })).data).toBe(word(7));
    await c.testClient.revert({ id: snapshot });
    expect(await c.publicClient.getBlockNumber()).toBe(height);
    expect((await c.publicClient.call({ to: contract, data: "0x02" })).data).toBe(word(42));
    await c.testClient.setNextBlockTimestamp({ timestamp: start + 10_000n });
    await c.testClient.mine({ blocks: 1 });
    expect((await c.publicClient.getBlock()).timestamp).toBe(start + 10_000n);
  });
});

describe("devnet data dir", () => {
  it("keeps state across a restart", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "devnet-data-"));
    const first = await startProbeDevnet({ dataDir });
    const c1 = clientsFor(first);
    const hash = await c1.walletClient.sendTransaction({
      to: first.contractAddress,
      data: store(1234),
      value: 11n,
    });
    await c1.publicClient.waitForTransactionReceipt({ hash });
    const height = await c1.publicClient.getBlockNumber();
    await first.stop();

    const second = await startProbeDevnet({ dataDir });
    const c2 = clientsFor(second);
    try {
      expect(await c2.publicClient.getBlockNumber()).toBe(height);
      expect((await c2.publicClient.call({ to: second.contractAddress, data: "0x02" })).data).toBe(
        word(1234),
      );
      expect(await c2.publicClient.getBalance({ address: second.contractAddress })).toBe(11n);
      const receipt = await c2.publicClient.getTransactionReceipt({ hash });
      expect(receipt.logs).toHaveLength(1);
      const next = await c2.walletClient.sendTransaction({
        to: second.contractAddress,
        data: store(5),
      });
      expect((await c2.publicClient.waitForTransactionReceipt({ hash: next })).status).toBe(
        "success",
      );
    } finally {
      await second.stop();
    }
  });
});
