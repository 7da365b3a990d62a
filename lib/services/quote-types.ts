import type { Address } from "viem";

/**
 * The EIP-712 Quote the contract's fundJob verifies. Kept here until lib/web3/eip712.ts lands;
 * field names and order must match stylus-contract's QUOTE_TYPEHASH exactly.
 */
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

export function quoteDomain(chainId: number, verifyingContract: Address) {
  return { name: "ComputeMarket", version: "1", chainId, verifyingContract } as const;
}
