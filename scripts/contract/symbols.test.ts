import { describe, expect, it } from "vitest";
import { readableSymbol } from "./symbols";

describe("readableSymbol", () => {
  it("keeps the path of a method and drops the crate hash", () => {
    expect(
      readableSymbol("_RNvMs1_NtCs44HMC9PUqNI_14compute_market5stateNtB5_13ComputeMarket8save_job"),
    ).toBe("compute_market::state::ComputeMarket::save_job");
  });

  it("leaves names that are not Rust v0 symbols alone", () => {
    expect(readableSymbol("user_entrypoint")).toBe("user_entrypoint");
    expect(readableSymbol("__udivti3")).toBe("__udivti3");
  });
});
