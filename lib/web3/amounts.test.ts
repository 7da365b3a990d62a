import { describe, expect, it } from "vitest";
import { formatDuration, formatEth, parseEthAmount, ratePerGpuHour } from "./amounts";

const ETH = 10n ** 18n;

describe("parseEthAmount", () => {
  it("turns typed decimals into exact wei", () => {
    expect(parseEthAmount("0.5")).toEqual({ ok: true, wei: ETH / 2n });
    expect(parseEthAmount(".25")).toEqual({ ok: true, wei: ETH / 4n });
    expect(parseEthAmount(" 12 ")).toEqual({ ok: true, wei: 12n * ETH });
    expect(parseEthAmount("3.")).toEqual({ ok: true, wei: 3n * ETH });
    expect(parseEthAmount("0.000000000000000001")).toEqual({ ok: true, wei: 1n });
    // No float: a value binary floating point cannot hold stays exact.
    expect(parseEthAmount("0.1")).toEqual({ ok: true, wei: 100_000_000_000_000_000n });
  });

  it("refuses what is not an amount, with a sentence", () => {
    for (const bad of ["", ".", "abc", "-1", "1e3", "1,5", "0x10", "1.2.3"]) {
      const parsed = parseEthAmount(bad);
      expect(parsed.ok, bad).toBe(false);
      if (!parsed.ok) expect(parsed.message.length).toBeGreaterThan(5);
    }
    expect(parseEthAmount("0.0000000000000000001")).toEqual({
      ok: false,
      message: "ETH has at most 18 decimals.",
    });
  });
});

describe("formatEth", () => {
  it("keeps four significant digits after the point, rounded half up", () => {
    expect(formatEth(33_612_000_000_000_000n)).toBe("0.03361");
    expect(formatEth(33_615_000_000_000_000n)).toBe("0.03362");
    expect(formatEth(12_345_670_000_000_000n)).toBe("0.01235");
    expect(formatEth(12_345_670_000_000_000_000n)).toBe("12.3457");
    expect(formatEth(12_345_600_000_000n)).toBe("0.00001235");
  });
  it("shows short amounts whole and zero as 0", () => {
    expect(formatEth(0n)).toBe("0");
    expect(formatEth(ETH)).toBe("1");
    expect(formatEth(ETH / 10n)).toBe("0.1");
    expect(formatEth(1n)).toBe("0.000000000000000001");
    expect(formatEth(-ETH / 2n)).toBe("-0.5");
  });
});

describe("ratePerGpuHour and formatDuration", () => {
  it("converts the contract's per-second rate exactly", () => {
    // 2 GPUs at 0.0021 ETH per GPU-hour: 2 * 0.0021 ETH / 3600 s.
    const perSecond = (2n * 2_100_000_000_000_000n) / 3600n;
    expect(ratePerGpuHour(perSecond, 2)).toBe((perSecond * 3600n) / 2n);
    expect(ratePerGpuHour(1_000_000_000_000n, 1)).toBe(3_600_000_000_000_000n);
  });
  it("writes durations as people read them", () => {
    expect(formatDuration(45)).toBe("45 s");
    expect(formatDuration(12 * 60 + 5)).toBe("12 min");
    expect(formatDuration(3600 + 5 * 60)).toBe("1 h 05 min");
    expect(formatDuration(2 * 86_400 + 3 * 3600)).toBe("2 d 3 h");
    expect(formatDuration(-5)).toBe("0 s");
  });
});
