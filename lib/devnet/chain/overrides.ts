import { Account } from "@ethereumjs/util";
import { getAddress } from "viem";
import { rejected } from "./errors";
import type { Hex } from "./records";
import type { DevnetState } from "./state";

/** One account's entry in eth_call's state override (geth's `OverrideAccount`). */
export type AccountOverride = {
  balance?: bigint;
  nonce?: bigint;
  code?: Uint8Array;
  /** Replaces the whole storage: slots not named read as zero. Slot key (0x + 64 hex) -> value. */
  state?: Map<string, Uint8Array>;
  /** Writes these slots and keeps the others. */
  stateDiff?: Map<string, Uint8Array>;
};

/** eth_call's third parameter: lowercase address -> its override. */
export type StateOverride = Map<string, AccountOverride>;

/** eth_call's fourth parameter (geth's `BlockOverrides`, the fields the devnet's EVM reads). */
export type BlockOverrides = {
  number?: bigint;
  time?: bigint;
  gasLimit?: bigint;
  feeRecipient?: Hex;
  prevRandao?: Uint8Array;
  baseFeePerGas?: bigint;
  blobBaseFee?: bigint;
};

/**
 * Write `override` into the state, as geth's `StateOverride.Apply` does (accounts in address
 * order). The caller holds a checkpoint it reverts afterwards. `reservedCode(address)` says why the
 * code at `address` cannot be replaced (a precompile, or the Stylus program the host runs there:
 * either would keep running whatever code the override puts there), or undefined.
 */
export function applyStateOverride(
  state: DevnetState,
  override: StateOverride,
  reservedCode: (address: string) => string | undefined,
): void {
  const addresses = [...override.keys()].sort();
  for (const address of addresses) {
    const o = override.get(address) as AccountOverride;
    if (o.code !== undefined) {
      const why = reservedCode(address);
      if (why !== undefined) {
        throw rejected(`cannot override the code of ${getAddress(address)}: ${why}`);
      }
    }
    if (o.nonce !== undefined || o.balance !== undefined) {
      const acc = state.getAccountSync(address) ?? new Account();
      if (o.nonce !== undefined) acc.nonce = o.nonce;
      if (o.balance !== undefined) acc.balance = o.balance;
      state.putAccountSync(address, acc);
    }
    if (o.code !== undefined) state.putCodeSync(address, o.code);
    if (o.state !== undefined) {
      state.clearStorageSync(address);
      for (const [slot, value] of o.state) state.putStorageSync(address, slot, value);
    }
    if (o.stateDiff !== undefined) {
      for (const [slot, value] of o.stateDiff) state.putStorageSync(address, slot, value);
    }
  }
}
