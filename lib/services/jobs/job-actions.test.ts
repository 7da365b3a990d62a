import { describe, expect, it } from "vitest";
import { buyerActions } from "./job-actions";

const at = (s: number) => new Date(s * 1000);
const chain = {
  status: "submitted" as const,
  startDeadline: at(1_000),
  deadline: at(5_000),
  challengeEndsAt: at(3_000),
};

describe("buyerActions", () => {
  it("offers cancel only before the escrow is funded", () => {
    for (const s of ["pending", "matched", "quoted"] as const) {
      expect(buyerActions(s, null, 0n, 0).cancel).toBe(true);
    }
    expect(buyerActions("cancelled", null, 0n, 0).cancel).toBe(false);
    expect(buyerActions("funded", { ...chain, status: "funded" }, 0n, 0).cancel).toBe(false);
  });

  it("offers dispute inside the challenge window and finalize from its end", () => {
    expect(buyerActions("submitted", chain, 0n, 2_999_999)).toMatchObject({
      dispute: true,
      finalize: false,
    });
    expect(buyerActions("submitted", chain, 0n, 3_000_000)).toMatchObject({
      dispute: false,
      finalize: true,
    });
  });

  it("offers cancelExpired only past the start deadline or the deadline", () => {
    const funded = { ...chain, status: "funded" as const, challengeEndsAt: null };
    expect(buyerActions("funded", funded, 0n, 1_000_000).cancelExpired).toBeNull();
    expect(buyerActions("funded", funded, 0n, 1_000_001).cancelExpired).toBe("no-show");
    const running = { ...funded, status: "running" as const };
    expect(buyerActions("running", running, 0n, 4_000_000).cancelExpired).toBeNull();
    expect(buyerActions("running", running, 0n, 5_000_001).cancelExpired).toBe("overdue");
  });

  it("offers withdraw only with a balance", () => {
    expect(buyerActions("finalized", null, 0n, 0).withdraw).toBe(false);
    expect(buyerActions("finalized", null, 1n, 0).withdraw).toBe(true);
  });
});
