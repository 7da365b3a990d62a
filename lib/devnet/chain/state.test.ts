import { Account } from "@ethereumjs/util";
import { describe, expect, it } from "vitest";
import { DevnetState } from "./state";

const A = "0x00000000000000000000000000000000000000a1";
const KEY = `0x${"00".repeat(31)}01`;

describe("DevnetState journal", () => {
  it("reverts nested checkpoints in order and keeps committed inner work in the outer frame", () => {
    const s = new DevnetState();
    s.putAccountSync(A, new Account(0n, 100n));
    s.checkpointSync();
    s.putStorageSync(A, KEY, new Uint8Array([0, 0, 7]));
    s.checkpointSync();
    s.putAccountSync(A, new Account(1n, 50n));
    s.commitSync();
    expect(s.getStorageSync(A, KEY)).toEqual(new Uint8Array([7]));
    expect(s.balanceOf(A)).toBe(50n);
    s.revertSync();
    expect(s.getStorageSync(A, KEY)).toEqual(new Uint8Array(0));
    expect(s.balanceOf(A)).toBe(100n);
    expect(s.depth).toBe(0);
  });

  it("hands out copies, so callers cannot mutate stored accounts", () => {
    const s = new DevnetState();
    s.putAccountSync(A, new Account(0n, 1n));
    const acc = s.getAccountSync(A);
    if (acc === undefined) throw new Error("missing account");
    acc.balance = 999n;
    expect(s.balanceOf(A)).toBe(1n);
  });

  it("deletes a slot written with zero", () => {
    const s = new DevnetState();
    s.putStorageSync(A, KEY, new Uint8Array([1]));
    s.putStorageSync(A, KEY, new Uint8Array(32));
    expect(s.storage.get(A)?.has(KEY)).toBe(false);
  });
});
