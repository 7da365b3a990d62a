import { type Abi, encodeAbiParameters, getAbiItem, type Hex } from "viem";
import { computeMarketAbi, computeMarketConstructor } from "../web3/compute-market-abi";
import type { MarketParams } from "../web3/market-views";
import { DEVNET_ACCOUNTS } from "./constants";

export type { MarketParams };

/** What the devnet passes to the ComputeMarket constructor (short windows for testing). */
export const DEFAULT_MARKET_PARAMS: MarketParams = {
  owner: DEVNET_ACCOUNTS[0] as Hex,
  arbiter: DEVNET_ACCOUNTS[1] as Hex,
  feeRecipient: DEVNET_ACCOUNTS[2] as Hex,
  feeBps: 250,
  minStake: 10n ** 17n,
  unstakeCooldown: 86_400n,
  challengeWindow: 3_600n,
  startGraceSeconds: 600n,
  // 30 days: the marketplace's longest job (limits.maxHours = 720 h) exactly.
  maxJobSeconds: 2_592_000n,
  disputeTimeout: 86_400n,
  collateralBps: 1_000,
  noShowSlashBps: 5_000,
  disputeDefaultPayBps: 5_000,
};

/** The Stylus SDK routes this selector to the `#[constructor]` (once: it sets a guard slot). */
export const STYLUS_CONSTRUCTOR_SELECTOR: Hex = computeMarketConstructor.selector;

/** `fee_recipient` -> `feeRecipient`: the exported ABI names parameters as the Rust source does. */
const camel = (name: string) => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** `p`'s values in the order of `inputs`, found by name, so a reordered ABI cannot misplace one. */
function valuesFor(inputs: readonly { name?: string }[], p: MarketParams): unknown[] {
  return inputs.map(({ name = "" }) => {
    const key = camel(name) as keyof MarketParams;
    if (!(key in p)) throw new Error(`MarketParams has no ${key} (ABI parameter ${name})`);
    return p[key];
  });
}

/** Constructor calldata: the selector, then the ABI's constructor inputs encoded from `p`. */
export function encodeMarketConstructor(p: MarketParams): Hex {
  const { inputs } = computeMarketConstructor;
  const args = encodeAbiParameters(inputs, valuesFor(inputs, p) as never);
  return `${STYLUS_CONSTRUCTOR_SELECTOR}${args.slice(2)}`;
}

/** `setParams`'s arguments (every parameter but the three addresses), in the ABI's order. */
export function setParamsArgs(p: MarketParams) {
  const item = getAbiItem({ abi: computeMarketAbi as Abi, name: "setParams" }) as {
    inputs: readonly { name?: string }[];
  };
  return valuesFor(item.inputs, p) as [
    number,
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
    number,
    number,
    number,
  ];
}
