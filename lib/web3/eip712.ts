/**
 * EIP-712 typed data for provider quotes, exactly as the ComputeMarket contract
 * hashes them (stylus-contract/src/quote.rs). Sign with viem's `signTypedData`
 * over `quoteTypedData(...)`; the contract recovers the signer with ecrecover.
 * Cross-checked against the Rust implementation by stylus-contract/test-vectors/eip712.json.
 */
import type { Address, Hex } from "viem";

export const QUOTE_DOMAIN_NAME = "ComputeMarket";
export const QUOTE_DOMAIN_VERSION = "1";

export const quoteTypes = {
  Quote: [
    { name: "jobId", type: "bytes32" },
    { name: "consumer", type: "address" },
    { name: "provider", type: "address" },
    { name: "ratePerSecond", type: "uint256" },
    { name: "maxSeconds", type: "uint64" },
    { name: "expiresAt", type: "uint64" },
  ],
} as const;

/** The terms a provider's signer commits to; only `consumer` may fund them. */
export type QuoteMessage = {
  jobId: Hex;
  consumer: Address;
  provider: Address;
  /** wei per second */
  ratePerSecond: bigint;
  maxSeconds: bigint;
  /** unix seconds; the quote can be funded up to and including this time */
  expiresAt: bigint;
};

/** The domain for a market deployed at `verifyingContract` on `chainId`. */
export function quoteDomain(chainId: number, verifyingContract: Address) {
  return {
    name: QUOTE_DOMAIN_NAME,
    version: QUOTE_DOMAIN_VERSION,
    chainId,
    verifyingContract,
  } as const;
}

/** Arguments for viem's `signTypedData` / `hashTypedData` / `recoverTypedDataAddress`. */
export function quoteTypedData(chainId: number, verifyingContract: Address, message: QuoteMessage) {
  return {
    domain: quoteDomain(chainId, verifyingContract),
    types: quoteTypes,
    primaryType: "Quote",
    message,
  } as const;
}
