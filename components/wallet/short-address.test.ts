import { describe, expect, it } from "vitest";
import { shortAddress } from "./short-address";

describe("shortAddress", () => {
  it("keeps the 0x prefix, four hex digits on each side", () => {
    expect(shortAddress("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266")).toBe("0xf39F…2266");
  });
});
