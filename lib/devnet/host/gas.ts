/**
 * Gas charged by the host. WASM compute itself is not metered here (Nitro meters it in ink), so
 * these are EVM-equivalent prices for what a Stylus program touches: storage, logs, calls,
 * hashing and memory. Totals are close to, not equal to, what a Nitro node charges.
 */
export const GAS = {
  /** Per program invocation: stands in for Nitro's init cost plus WASM compute. */
  entry: 2_000n,
  coldSload: 2_100n,
  warmRead: 100n,
  sstoreSet: 20_000n,
  sstoreReset: 2_900n,
  coldAccount: 2_600n,
  callValue: 9_000n,
  callNewAccount: 25_000n,
  callStipend: 2_300n,
  log: 375n,
  logTopic: 375n,
  logByte: 8n,
  keccak: 30n,
  keccakWord: 6n,
  copyWord: 3n,
  memoryPage: 1_000n,
} as const;

/** Ink is gas scaled by the ink price (Nitro's default 10000 ink per gas). */
export const INK_PRICE = 10_000;
