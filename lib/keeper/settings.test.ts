import { afterEach, describe, expect, it, vi } from "vitest";
import { DEVNET_ACCOUNTS, DEVNET_COMPUTE_MARKET_ADDRESS } from "@/lib/devnet/constants";
import { parseEnv } from "@/lib/env";
import { startKeeperFromEnv } from "./run";
import { DEVNET_KEEPER_ACCOUNT, keeperSettings } from "./settings";

const KEY = `0x${"11".repeat(32)}`;
const MARKET = "0x1111111111111111111111111111111111111111";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("keeper settings", () => {
  it("run on the devnet from dev account 9 unless a key is given", () => {
    expect(keeperSettings(parseEnv({}))).toMatchObject({
      address: DEVNET_ACCOUNTS[DEVNET_KEEPER_ACCOUNT],
      contract: DEVNET_COMPUTE_MARKET_ADDRESS,
      keySource: "dev account 9",
      rpcUrl: "http://127.0.0.1:8547",
    });
    expect(keeperSettings(parseEnv({ KEEPER_PRIVATE_KEY: KEY }))).toMatchObject({
      privateKey: KEY,
      keySource: "KEEPER_PRIVATE_KEY",
    });
  });

  it("need a key and a market address on other chains", () => {
    const sepolia = { NEXT_PUBLIC_CHAIN: "arbitrum-sepolia", NEXT_PUBLIC_MARKET_ADDRESS: MARKET };
    expect(keeperSettings(parseEnv(sepolia))).toEqual({
      off: "set KEEPER_PRIVATE_KEY to a funded account's key to finalize and cancel jobs on arbitrum-sepolia",
    });
    expect(keeperSettings(parseEnv({ ...sepolia, KEEPER_PRIVATE_KEY: KEY }))).toMatchObject({
      contract: MARKET,
      privateKey: KEY,
    });
    expect(
      keeperSettings(parseEnv({ NEXT_PUBLIC_CHAIN: "arbitrum-one", KEEPER_PRIVATE_KEY: KEY })),
    ).toEqual({
      off: "no ComputeMarket address is configured for arbitrum-one (NEXT_PUBLIC_MARKET_ADDRESS)",
    });
  });

  it("stay off with KEEPER=off", () => {
    expect(keeperSettings(parseEnv({ KEEPER: "off" }))).toEqual({ off: "KEEPER=off" });
  });

  it("when off, start nothing and say why in one line", () => {
    const info = vi.spyOn(console, "info").mockImplementation(() => undefined);
    const e = parseEnv({ NEXT_PUBLIC_CHAIN: "arbitrum-one", NEXT_PUBLIC_MARKET_ADDRESS: MARKET });
    expect(startKeeperFromEnv({} as never, e)).toBeNull();
    expect(info.mock.calls).toEqual([
      [
        "keeper: off: set KEEPER_PRIVATE_KEY to a funded account's key to finalize and cancel jobs on arbitrum-one",
      ],
    ]);
  });
});
