/**
 * eth_call's state override (third parameter) and block overrides (fourth), as geth defines them:
 * applied to the call only, refused with geth's words where geth refuses, and refused rather
 * than ignored where the devnet cannot honour them.
 */
import { getContractAddress, type Hex, pad, parseEther, toHex } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Devnet, startDevnet } from "./index";
import { clientsFor, rawRpc } from "./test-helpers";

type RpcReply = { result?: unknown; error?: { code: number; message: string } };

const rpc = async (url: string, method: string, params: unknown[]) =>
  (await rawRpc(url, JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }))).json as RpcReply;

/** Returns its own balance: MSTORE(0, BALANCE(ADDRESS)); RETURN(0, 32). */
const OWN_BALANCE: Hex = "0x303160005260206000f3";
/** Creates an empty contract and returns its address: CREATE(0, 0, 0); RETURN it. */
const CREATE_ONE: Hex = "0x600060006000f060005260206000f3";
/** Returns TIMESTAMP and NUMBER: MSTORE(0, TIMESTAMP); MSTORE(32, NUMBER); RETURN(0, 64). */
const TIME_AND_NUMBER: Hex = "0x426000524360205260406000f3";
/** Returns SLOAD(0) and SLOAD(1): 17 bytes. */
const SLOTS_RUNTIME = "60005460005260015460205260406000f3";
/** Init code: SSTORE(0, 7); SSTORE(1, 9); MSTORE(0, PUSH17 runtime); RETURN(15, 17). */
const STORE_SLOTS_INIT: Hex = `0x6007600055600960015570${SLOTS_RUNTIME}6000526011600ff3`;

const X = "0x00000000000000000000000000000000000c0de5" as const;
const slot = (n: number) => pad(toHex(n));

describe("eth_call overrides", () => {
  let devnet: Devnet;
  let c: ReturnType<typeof clientsFor>;
  let slots: Hex;

  beforeAll(async () => {
    devnet = await startDevnet({ port: 0 });
    c = clientsFor(devnet, 4);
    const hash = await c.walletClient.sendTransaction({ data: STORE_SLOTS_INIT });
    slots = (await c.publicClient.waitForTransactionReceipt({ hash })).contractAddress as Hex;
  });
  afterAll(async () => {
    await devnet?.stop();
  });

  it("deploys the storage fixture as intended", async () => {
    expect((await c.publicClient.call({ to: slots })).data).toBe(`${slot(7)}${slot(9).slice(2)}`);
  });

  it("runs overridden code with an overridden balance and nonce", async () => {
    const balance = await c.publicClient.call({
      to: X,
      stateOverride: [{ address: X, code: OWN_BALANCE, balance: parseEther("3") }],
    });
    expect(BigInt(balance.data ?? "0x")).toBe(parseEther("3"));
    const created = await c.publicClient.call({
      to: X,
      stateOverride: [{ address: X, code: CREATE_ONE, nonce: 41 }],
    });
    expect(`0x${created.data?.slice(-40)}`).toBe(
      getContractAddress({ from: X, nonce: 41n }).toLowerCase(),
    );
    // Nothing stays: the latest state has no code and no balance at X.
    expect(await c.publicClient.getCode({ address: X })).toBeUndefined();
    expect(await c.publicClient.getBalance({ address: X })).toBe(0n);
  });

  it("applies stateDiff over the storage and state instead of it", async () => {
    const diff = await c.publicClient.call({
      to: slots,
      stateOverride: [{ address: slots, stateDiff: [{ slot: slot(1), value: slot(5) }] }],
    });
    expect(diff.data).toBe(`${slot(7)}${slot(5).slice(2)}`);
    const replaced = await c.publicClient.call({
      to: slots,
      stateOverride: [{ address: slots, state: [{ slot: slot(1), value: slot(5) }] }],
    });
    expect(replaced.data).toBe(`${slot(0)}${slot(5).slice(2)}`);
    expect((await c.publicClient.call({ to: slots })).data).toBe(`${slot(7)}${slot(9).slice(2)}`);
  });

  it("overrides the block context a call sees", async () => {
    const { result } = await rpc(devnet.url, "eth_call", [
      { to: X },
      "latest",
      { [X]: { code: TIME_AND_NUMBER } },
      { time: toHex(4_000_000_000), number: toHex(123_456) },
    ]);
    expect(result).toBe(`${pad(toHex(4_000_000_000))}${pad(toHex(123_456)).slice(2)}`);
  });

  it("refuses what geth refuses, and what the devnet cannot honour, with a clear error", async () => {
    const call = (overrides: unknown, blockOverrides?: unknown) =>
      rpc(devnet.url, "eth_call", [{ to: slots }, "latest", overrides, blockOverrides]);
    const both = await call({ [slots]: { state: {}, stateDiff: {} } });
    expect(both.error?.code).toBe(-32000);
    expect(both.error?.message).toMatch(
      /^account 0x[0-9a-fA-F]{40} has both 'state' and 'stateDiff'$/,
    );
    const moved = await call({
      "0x0000000000000000000000000000000000000001": { movePrecompileToAddress: X },
    });
    expect(moved.error).toEqual({
      code: -32000,
      message: "movePrecompileToAddress is not supported by the devnet",
    });
    const unknownField = await call({ [slots]: { balanse: "0x1" } });
    expect(unknownField.error?.code).toBe(-32602);
    expect(unknownField.error?.message).toContain('unknown field "balanse"');
    const stylusCode = await call({ [devnet.contractAddress]: { code: "0x00" } });
    expect(stylusCode.error?.code).toBe(-32000);
    expect(stylusCode.error?.message).toMatch(
      /^cannot override the code of 0x5FbDB2315678afecb367f032d93F642f64180aa3/,
    );
    const precompileCode = await call({
      "0x0000000000000000000000000000000000000001": { code: "0x00" },
    });
    expect(precompileCode.error?.message).toMatch(/it is a precompile$/);
    const badSlot = await call({ [slots]: { stateDiff: { "0x01": slot(1) } } });
    expect(badSlot.error?.code).toBe(-32602);
    const beaconRoot = await call(null, { beaconRoot: slot(1) });
    expect(beaconRoot.error).toEqual({
      code: -32000,
      message: 'block override "beaconRoot" is not supported for this RPC method',
    });
  });

  it("applies a state override to eth_estimateGas too", async () => {
    // Without code at X the call is a plain transfer; with code it runs the CREATE.
    const plain = await c.publicClient.estimateGas({ account: c.account, to: X });
    const withCode = await c.publicClient.estimateGas({
      account: c.account,
      to: X,
      stateOverride: [{ address: X, code: CREATE_ONE }],
    });
    expect(withCode).toBeGreaterThan(plain + 30_000n);
  });
});
