import { getAddress, type Hex, numberToHex, parseSignature, serializeSignature } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { describe, expect, it } from "vitest";
import { quoteDomain, quoteTypes } from "@/lib/web3/eip712";
import { type QuoteMessage, quoteSignedBy, quoteSignerOf } from "./signers";

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const domain = quoteDomain(412346, "0x00000000000000000000000000000000000000aa");

function messageFor(provider: Hex, n: number): QuoteMessage {
  return {
    jobId: numberToHex(n + 1, { size: 32 }),
    consumer: getAddress("0x00000000000000000000000000000000000000c0"),
    provider: getAddress(provider),
    ratePerSecond: 1_000_000_000n + BigInt(n),
    maxSeconds: 3600n,
    expiresAt: 1_800_000_000n + BigInt(n),
  };
}

async function sign(key: Hex, message: QuoteMessage): Promise<Hex> {
  return privateKeyToAccount(key).signTypedData({
    domain,
    types: quoteTypes,
    primaryType: "Quote",
    message,
  });
}

function flipParity(signature: Hex): Hex {
  const { r, s, yParity } = parseSignature(signature);
  return serializeSignature({ r, s, yParity: yParity === 1 ? 0 : 1 });
}

describe("quoteSignedBy (the quote check without a recovery per quote)", () => {
  it("agrees with ecrecover of the compact form on the signer's first and later quotes", async () => {
    const key = generatePrivateKey();
    const signer = privateKeyToAccount(key).address;
    for (let n = 0; n < 12; n++) {
      const message = messageFor(signer, n);
      const signature = await sign(key, message);
      expect(await quoteSignerOf(domain, message, signature)).toBe(signer);
      expect(await quoteSignedBy(domain, message, signature, signer)).toBe(true);
      // The same signature with the other parity recovers another key on chain: refused, also
      // once this signer's key is known.
      const flipped = flipParity(signature);
      expect(await quoteSignerOf(domain, message, flipped)).not.toBe(signer);
      expect(await quoteSignedBy(domain, message, flipped, signer)).toBe(false);
      // A signature of other terms does not pass for these.
      expect(await quoteSignedBy(domain, messageFor(signer, n + 100), signature, signer)).toBe(
        false,
      );
    }
  });

  it("refuses another key's signature, before and after the signer's key is known", async () => {
    const key = generatePrivateKey();
    const signer = privateKeyToAccount(key).address;
    const other = generatePrivateKey();
    const message = messageFor(signer, 1);
    expect(await quoteSignedBy(domain, message, await sign(other, message), signer)).toBe(false);
    expect(await quoteSignedBy(domain, message, await sign(key, message), signer)).toBe(true);
    expect(await quoteSignedBy(domain, message, await sign(other, message), signer)).toBe(false);
  });

  it("accepts the high-s twin the compact form folds onto the same signature, as the contract does", async () => {
    const key = generatePrivateKey();
    const signer = privateKeyToAccount(key).address;
    const message = messageFor(signer, 7);
    const signature = await sign(key, message);
    await quoteSignedBy(domain, message, signature, signer);
    const { r, s, yParity } = parseSignature(signature);
    const high = serializeSignature({
      r,
      s: numberToHex(N - BigInt(s), { size: 32 }),
      yParity: yParity === 1 ? 0 : 1,
    });
    expect(await quoteSignerOf(domain, message, high)).toBe(signer);
    expect(await quoteSignedBy(domain, message, high, signer)).toBe(true);
  });

  it("throws on a signature that is not one", async () => {
    const signer = privateKeyToAccount(generatePrivateKey()).address;
    await expect(
      quoteSignedBy(domain, messageFor(signer, 1), `0x${"00".repeat(65)}`, signer),
    ).rejects.toThrow();
  });
});
