import { describe, expect, it } from "vitest";
import { ethShort, percent } from "./format";

const ETH = 10n ** 18n;

describe("ethShort", () => {
  it("keeps four significant digits after the leading zeros", () => {
    expect(ethShort(2_100_000_000_000_000n)).toBe("0.0021");
    expect(ethShort(1_234_567_000_000n)).toBe("0.000001235");
    expect(ethShort(2n * ETH)).toBe("2");
    expect(ethShort(2n * ETH + ETH / 3n)).toBe("2.3334");
  });

  it("never shows a price below the real one", () => {
    const wei = 2_100_000_000_000_001n;
    expect(ethShort(wei)).toBe("0.002101");
    expect(ethShort(0n)).toBe("0");
  });
});

describe("percent", () => {
  it("has one decimal", () => {
    expect(percent(9920)).toBe("99.2%");
    expect(percent(10_000)).toBe("100.0%");
  });
});
