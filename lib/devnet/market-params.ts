import { encodeAbiParameters, type Hex, toFunctionSelector } from "viem";
import { DEVNET_ACCOUNTS } from "./constants";

/** Parameters the devnet passes to the ComputeMarket constructor (short windows for testing). */
export type MarketParams = {
  owner: Hex;
  arbiter: Hex;
  feeRecipient: Hex;
  feeBps: number;
  minStake: bigint;
  unstakeCooldown: bigint;
  challengeWindow: bigint;
  startGraceSeconds: bigint;
  collateralBps: number;
  noShowSlashBps: number;
};

export const DEFAULT_MARKET_PARAMS: MarketParams = {
  owner: DEVNET_ACCOUNTS[0] as Hex,
  arbiter: DEVNET_ACCOUNTS[1] as Hex,
  feeRecipient: DEVNET_ACCOUNTS[2] as Hex,
  feeBps: 250,
  minStake: 10n ** 17n,
  unstakeCooldown: 86_400n,
  challengeWindow: 3_600n,
  startGraceSeconds: 600n,
  collateralBps: 1_000,
  noShowSlashBps: 5_000,
};

/** The Stylus SDK routes this selector to the `#[constructor]` (once: it sets a guard slot). */
export const STYLUS_CONSTRUCTOR_SELECTOR = toFunctionSelector("stylus_constructor()");

export function encodeMarketConstructor(p: MarketParams): Hex {
  const args = encodeAbiParameters(
    [
      { type: "address" },
      { type: "address" },
      { type: "address" },
      { type: "uint16" },
      { type: "uint256" },
      { type: "uint64" },
      { type: "uint64" },
      { type: "uint64" },
      { type: "uint16" },
      { type: "uint16" },
    ],
    [
      p.owner,
      p.arbiter,
      p.feeRecipient,
      p.feeBps,
      p.minStake,
      p.unstakeCooldown,
      p.challengeWindow,
      p.startGraceSeconds,
      p.collateralBps,
      p.noShowSlashBps,
    ],
  );
  return `${STYLUS_CONSTRUCTOR_SELECTOR}${args.slice(2)}`;
}
