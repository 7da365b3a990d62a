import { describe, expect, it } from "vitest";
import { formatEth, formatPricePerGpuHour, parseEth } from "./eth";
import { describeChange } from "./messages";

describe("formatEth", () => {
  it.each([
    [0n, 18, "0"],
    [10n ** 18n, 18, "1"],
    [2_100_000_000_000_000n, 18, "0.0021"],
    [1n, 18, "0.000000000000000001"],
    [1n, 6, "0.000001"],
    [2_100_000_000_000_001n, 6, "0.002101"],
    [123n * 10n ** 18n + 5n * 10n ** 17n, 18, "123.5"],
    [2n ** 256n - 1n, 0, "115792089237316195423570985008687907853269984665640564039458"],
  ])("%# wei at %i decimals is %s ETH", (wei, decimals, text) => {
    expect(formatEth(wei, decimals)).toBe(text);
  });

  it("round-trips through parseEth", () => {
    for (const wei of [0n, 1n, 2_100_000_000_000_000n, 10n ** 30n + 7n]) {
      expect(parseEth(formatEth(wei))).toBe(wei);
    }
    expect(parseEth("1.5e3")).toBeUndefined();
  });
});

describe("describeChange", () => {
  it.each([
    [
      { kind: "price", maxPricePerGpuHour: 2_100_000_000_000_000n },
      "raise max price to 0.0021 ETH/GPU-h",
    ],
    [{ kind: "model", gpuModel: "a100-80gb" }, "allow A100 80GB"],
    [{ kind: "gpuCount", gpuCount: 4 }, "reduce to 4 GPUs"],
    [{ kind: "region", region: "eu-west" }, "allow region eu-west"],
  ] as const)("%#: %s", (change, text) => {
    expect(describeChange(change)).toBe(text);
  });

  it("formats prices per GPU-hour", () => {
    expect(formatPricePerGpuHour(10n ** 15n)).toBe("0.001 ETH/GPU-h");
  });
});
