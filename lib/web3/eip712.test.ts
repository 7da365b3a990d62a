import { readFileSync } from "node:fs";
import path from "node:path";
import { type Address, getAddress, type Hex, hashTypedData, recoverTypedDataAddress } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { describe, expect, it } from "vitest";
import { quoteDomain, quoteTypedData, quoteTypes } from "./eip712";

type Vector = {
  name: string;
  chainId: number;
  verifyingContract: Address;
  privateKey: Hex;
  signer: Address;
  quote: Record<"jobId" | "consumer" | "provider", Hex> &
    Record<"ratePerSecond" | "maxSeconds" | "expiresAt", string>;
  digest: Hex;
  signature: Hex;
};

// The same file is checked by the Rust tests (stylus-contract/tests/market/eip712_vectors.rs).
const file = path.resolve(import.meta.dirname, "../../stylus-contract/test-vectors/eip712.json");
const { vectors } = JSON.parse(readFileSync(file, "utf8")) as { vectors: Vector[] };

function typed(v: Vector) {
  return quoteTypedData(v.chainId, v.verifyingContract, {
    jobId: v.quote.jobId,
    consumer: v.quote.consumer,
    provider: v.quote.provider,
    ratePerSecond: BigInt(v.quote.ratePerSecond),
    maxSeconds: BigInt(v.quote.maxSeconds),
    expiresAt: BigInt(v.quote.expiresAt),
  });
}

describe("EIP-712 quote vectors shared with the contract", () => {
  it("has vectors", () => {
    expect(vectors.length).toBeGreaterThanOrEqual(5);
  });

  it.each(vectors.map((v) => [v.name, v] as const))(
    "%s: viem's digest equals the vector",
    (_, v) => {
      expect(hashTypedData(typed(v))).toBe(v.digest);
    },
  );

  it.each(vectors.map((v) => [v.name, v] as const))(
    "%s: viem recovers the signer",
    async (_, v) => {
      const recovered = await recoverTypedDataAddress({ ...typed(v), signature: v.signature });
      expect(recovered).toBe(getAddress(v.signer));
      expect(privateKeyToAccount(v.privateKey).address).toBe(getAddress(v.signer));
    },
  );

  it("signs the vector's signature byte for byte (deterministic ECDSA)", async () => {
    const v = vectors[0] as Vector;
    const signature = await privateKeyToAccount(v.privateKey).signTypedData(typed(v));
    expect(signature).toBe(v.signature);
  });

  it("a different chain or contract changes the digest", () => {
    const v = vectors[0] as Vector;
    const other = { ...typed(v), domain: quoteDomain(v.chainId + 1, v.verifyingContract) };
    expect(hashTypedData(other)).not.toBe(v.digest);
    expect(quoteTypes.Quote.map((f) => f.name)).toEqual([
      "jobId",
      "consumer",
      "provider",
      "ratePerSecond",
      "maxSeconds",
      "expiresAt",
    ]);
  });
});
