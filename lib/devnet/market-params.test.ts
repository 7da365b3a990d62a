import { decodeAbiParameters, decodeFunctionData, encodeFunctionData } from "viem";
import { describe, expect, it } from "vitest";
import { limits } from "@/lib/market/limits";
import { computeMarketAbi, computeMarketConstructor } from "@/lib/web3/compute-market-abi";
import {
  encodeMarketConstructor,
  DEFAULT_MARKET_PARAMS as p,
  STYLUS_CONSTRUCTOR_SELECTOR,
  setParamsArgs,
} from "./market-params";

describe("the devnet's ComputeMarket parameters", () => {
  it("encode into the constructor's inputs, each value in its place", () => {
    const data = encodeMarketConstructor(p);
    expect(data.slice(0, 10)).toBe(STYLUS_CONSTRUCTOR_SELECTOR);
    expect(STYLUS_CONSTRUCTOR_SELECTOR).toBe("0x5585258d");
    const decoded = decodeAbiParameters(computeMarketConstructor.inputs, `0x${data.slice(10)}`);
    expect(decoded).toEqual([
      p.owner,
      p.arbiter,
      p.feeRecipient,
      250,
      10n ** 17n,
      86_400n,
      3_600n,
      600n,
      2_592_000n,
      86_400n,
      1_000,
      5_000,
      5_000,
    ]);
  });

  it("give setParams the same values after the three addresses", () => {
    const data = encodeFunctionData({
      abi: computeMarketAbi,
      functionName: "setParams",
      args: setParamsArgs(p),
    });
    const { args } = decodeFunctionData({ abi: computeMarketAbi, data });
    const ctor = decodeAbiParameters(
      computeMarketConstructor.inputs,
      `0x${encodeMarketConstructor(p).slice(10)}`,
    );
    expect(args).toEqual(ctor.slice(3));
  });

  it("let the marketplace's longest job be funded (maxJobSeconds covers limits.maxHours)", () => {
    expect(BigInt(limits.maxHours * 3600)).toBeLessThanOrEqual(p.maxJobSeconds);
    // Every duration is within the contract's bounds, 1 s to a year.
    for (const d of [
      p.unstakeCooldown,
      p.challengeWindow,
      p.startGraceSeconds,
      p.maxJobSeconds,
      p.disputeTimeout,
    ]) {
      expect(d >= 1n && d <= 31_536_000n).toBe(true);
    }
  });
});
