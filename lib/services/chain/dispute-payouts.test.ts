import { describe, expect, it } from "vitest";
import { disputePayouts, share, validBps } from "./dispute-payouts";

const terms = {
  ratePerSecond: 1_111_111_111_111n,
  usedSeconds: 1_800n,
  escrow: 1_111_111_111_111n * 3_600n,
  collateral: 400_000_000_000_000n,
  feeBps: 250,
};

describe("dispute payouts as the contract settles them", () => {
  it("rounds each share down as the contract's share() does", () => {
    expect(share(9_999n, 5_000)).toBe(4_999n);
    expect(share(10_001n, 3_333)).toBe(3_333n);
    expect(share(2n ** 128n - 1n, 10_000)).toBe(2n ** 128n - 1n);
  });

  it("a full pay and no slash is what finalize pays", () => {
    const p = disputePayouts(terms, 10_000, 0);
    const billed = 1_111_111_111_111n * 1_800n;
    expect(p.billed).toBe(billed);
    expect(p.fee).toBe((billed * 250n) / 10_000n);
    expect(p.provider).toBe(billed - p.fee);
    expect(p.refund).toBe(terms.escrow - billed);
    expect(p.slashed).toBe(0n);
  });

  it("splits the billed cost and slashes the collateral; every wei is accounted for", () => {
    const p = disputePayouts(terms, 3_000, 5_000);
    expect(p.gross).toBe(share(p.billed, 3_000));
    expect(p.slashed).toBe(200_000_000_000_000n);
    expect(p.consumer).toBe(p.refund + p.slashed);
    expect(p.provider + p.fee + p.refund).toBe(terms.escrow);
  });

  it("refuses shares the contract refuses (InvalidBps)", () => {
    expect(validBps(10_001)).toBe(false);
    expect(validBps(-1)).toBe(false);
    expect(validBps(12.5)).toBe(false);
    expect(() => disputePayouts(terms, 10_001, 0)).toThrow(RangeError);
  });
});
