import { Account } from "@ethereumjs/util";
import { describe, expect, it } from "vitest";
import { StateHistory } from "./history";
import { DevnetState } from "./state";

const A = "0x00000000000000000000000000000000000000a1";
const B = "0x00000000000000000000000000000000000000b2";
const KEY = `0x${"00".repeat(31)}01`;

/** Seal a "block": what the writes since the last one replaced goes to the history. */
function seal(s: DevnetState, h: StateHistory, n: number) {
  h.record(n, s.takeChanges());
}

describe("StateHistory", () => {
  it("reads each key as a past block left it, and the latest value where nothing changed", () => {
    const s = new DevnetState();
    const h = new StateHistory();
    s.putAccountSync(A, new Account(0n, 100n));
    s.takeChanges(); // genesis: block 0's state
    s.putAccountSync(A, new Account(1n, 90n));
    s.putStorageSync(A, KEY, new Uint8Array([5]));
    seal(s, h, 1);
    s.putStorageSync(A, KEY, new Uint8Array([6]));
    s.putStorageSync(A, KEY, new Uint8Array([7]));
    s.putCodeSync(B, new Uint8Array([0xfe]));
    seal(s, h, 2);
    s.putAccountSync(A, new Account(1n, 80n)); // not sealed yet

    const at0 = h.readerAt(s, 0, 2);
    expect(at0.account(A)?.balance).toBe(100n);
    expect(at0.storage(A, KEY)).toEqual(new Uint8Array(0));
    expect(at0.code(B)).toEqual(new Uint8Array(0));
    expect(at0.account(B)).toBeUndefined();
    const at1 = h.readerAt(s, 1, 2);
    expect(at1.account(A)?.balance).toBe(90n);
    expect(at1.storage(A, KEY)).toEqual(new Uint8Array([5]));
    const at2 = h.readerAt(s, 2, 2);
    expect(at2.account(A)?.balance).toBe(90n);
    expect(at2.storage(A, KEY)).toEqual(new Uint8Array([7]));
    expect(at2.code(B)).toEqual(new Uint8Array([0xfe]));
  });

  it("puts a past state in place inside a checkpoint, and the revert brings the latest back", () => {
    const s = new DevnetState();
    const h = new StateHistory();
    s.takeChanges();
    s.putAccountSync(A, new Account(0n, 1n));
    s.putStorageSync(A, KEY, new Uint8Array([1]));
    seal(s, h, 1);
    s.putAccountSync(A, new Account(0n, 2n));
    s.putStorageSync(A, KEY, new Uint8Array([2]));
    seal(s, h, 2);

    s.checkpointSync();
    s.recordChanges = false;
    for (const prior of h.priorsSince(0, 2, s.unsealedChanges())) s.restoreSync(prior);
    expect(s.getAccountSync(A)).toBeUndefined();
    expect(s.getStorageSync(A, KEY)).toEqual(new Uint8Array(0));
    s.revertSync();
    s.recordChanges = true;
    expect(s.balanceOf(A)).toBe(2n);
    expect(s.getStorageSync(A, KEY)).toEqual(new Uint8Array([2]));
    expect(s.unsealedChanges().size).toBe(0);
  });

  it("covers only the last `keep` blocks, and none past a gap", () => {
    const s = new DevnetState();
    const h = new StateHistory(3);
    for (let n = 1; n <= 6; n++) {
      s.putAccountSync(A, new Account(0n, BigInt(n)));
      seal(s, h, n);
    }
    expect(h.covers(3, 6)).toBe(true);
    expect(h.covers(2, 6)).toBe(false);
    expect(h.readerAt(s, 3, 6).account(A)?.balance).toBe(3n);
    h.truncate(5);
    expect(h.covers(4, 4)).toBe(true);
    expect(h.covers(3, 6)).toBe(false);
  });
});
