import { describe, expect, it } from "vitest";
import { chainConfig, EnvError, parseEnv } from "./env";

describe("parseEnv", () => {
  it("uses the embedded defaults when nothing is set", () => {
    const e = parseEnv({});
    expect(e.DATABASE_URL).toBeUndefined();
    expect(e.PORT).toBe(3000);
    expect(chainConfig(e)).toMatchObject({ key: "devnet", rpcUrl: "http://127.0.0.1:8547" });
    expect(chainConfig(e).chain.id).toBe(412346);
  });

  it.each([
    ["DATABASE_URL", { DATABASE_URL: "mysql://localhost/x" }, /postgres/],
    ["PORT", { PORT: "not-a-port" }, /number/i],
    ["NEXT_PUBLIC_CHAIN", { NEXT_PUBLIC_CHAIN: "ethereum" }, /devnet/],
    ["NEXT_PUBLIC_MARKET_ADDRESS", { NEXT_PUBLIC_MARKET_ADDRESS: "0x123" }, /address/],
    ["SESSION_SECRET", { SESSION_SECRET: "short" }, /32 characters/],
    ["NEXT_PUBLIC_RPC_URL", { NEXT_PUBLIC_RPC_URL: "localhost 8547" }, /URL/],
  ])("rejects a malformed %s with a message naming it", (variable, raw, detail) => {
    let error: unknown;
    try {
      parseEnv(raw);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvError);
    expect((error as EnvError).message).toContain(variable);
    expect((error as EnvError).message).toMatch(detail);
    expect((error as EnvError).issues.map((i) => i.variable)).toEqual([variable]);
  });

  it("selects Arbitrum Sepolia and One by key, with an address override", () => {
    const sepolia = chainConfig(
      parseEnv({
        NEXT_PUBLIC_CHAIN: "arbitrum-sepolia",
        NEXT_PUBLIC_MARKET_ADDRESS: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
      }),
    );
    expect(sepolia.chain.id).toBe(421614);
    expect(sepolia.marketAddress).toBe("0x5FbDB2315678afecb367f032d93F642f64180aa3");
    const one = chainConfig(parseEnv({ NEXT_PUBLIC_CHAIN: "arbitrum-one" }));
    expect(one.chain.id).toBe(42161);
    expect(one.marketAddress).toBeUndefined();
  });
});
