/**
 * A provider-signed quote as ComputeMarket's `fundJob` takes it:
 * `fundJob(jobId, provider, ratePerSecond, maxSeconds, quoteExpiry, r, yParityAndS)` with
 * `msg.value = ratePerSecond * maxSeconds`. The signature travels in EIP-2098 compact form (two
 * words instead of 65 dynamic bytes). Used by the services, the wallet, tests and benchmarks.
 */
import {
  type Hex,
  hexToBigInt,
  numberToHex,
  parseSignature,
  signatureToCompactSignature,
} from "viem";
import type { QuoteMessage } from "./eip712";

export type SignedQuote = { message: QuoteMessage; signature: Hex };

/** secp256k1 group order. */
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/**
 * The EIP-2098 `(r, yParityAndS)` of a signature given as 65 bytes (`r || s || v`, v 27/28 or
 * 0/1) or already as 64 compact bytes. A high-`s` signature (valid ECDSA, but refused by the
 * contract as malleable) is turned into its low-`s` twin, which recovers the same signer.
 */
export function compactSignature(signature: Hex): { r: Hex; yParityAndS: Hex } {
  // A 64-byte signature is EIP-2098 already; its `s` is low by construction (a high `s` fills the
  // top bit that holds the parity), so it goes through as is.
  if (signature.length === 2 + 128) {
    return { r: `0x${signature.slice(2, 66)}`, yParityAndS: `0x${signature.slice(66)}` };
  }
  const { r, s, yParity } = parseSignature(signature);
  let low = hexToBigInt(s);
  let parity = yParity;
  if (low > N / 2n) {
    low = N - low;
    parity = parity === 1 ? 0 : 1;
  }
  return signatureToCompactSignature({ r, s: numberToHex(low, { size: 32 }), yParity: parity });
}

/** The escrow `fundJob` must be sent with. */
export function fundJobValue(message: Pick<QuoteMessage, "ratePerSecond" | "maxSeconds">): bigint {
  return message.ratePerSecond * message.maxSeconds;
}

/** `fundJob`'s arguments, in order, for a signed quote. */
export function fundJobArgs({ message, signature }: SignedQuote) {
  const { r, yParityAndS } = compactSignature(signature);
  return [
    message.jobId,
    message.provider,
    message.ratePerSecond,
    message.maxSeconds,
    message.expiresAt,
    r,
    yParityAndS,
  ] as const;
}

/**
 * The whole call, to spread into viem's `writeContract` / `simulateContract` / `encodeFunctionData`
 * with `{ address, abi: computeMarketAbi, ...fundJobCall(quote) }`.
 */
export function fundJobCall(quote: SignedQuote) {
  return {
    functionName: "fundJob",
    args: fundJobArgs(quote),
    value: fundJobValue(quote.message),
  } as const;
}
