import { readFileSync } from "node:fs";
import path from "node:path";
import {
  type Address,
  compactSignatureToSignature,
  decodeFunctionData,
  encodeFunctionData,
  getAddress,
  type Hex,
  hexToBigInt,
  numberToHex,
  recoverTypedDataAddress,
  serializeSignature,
} from "viem";
import { describe, expect, it } from "vitest";
import { computeMarketAbi } from "./compute-market-abi";
import { quoteTypedData } from "./eip712";
import { compactSignature, fundJobArgs, fundJobCall } from "./fund-job";

type Vector = {
  name: string;
  chainId: number;
  verifyingContract: Address;
  signer: Address;
  quote: Record<"jobId" | "consumer" | "provider", Hex> &
    Record<"ratePerSecond" | "maxSeconds" | "expiresAt", string>;
  signature: Hex;
};
const file = path.resolve(import.meta.dirname, "../../stylus-contract/test-vectors/eip712.json");
const { vectors } = JSON.parse(readFileSync(file, "utf8")) as { vectors: Vector[] };
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

const messageOf = (v: Vector) => ({
  jobId: v.quote.jobId,
  consumer: getAddress(v.quote.consumer),
  provider: getAddress(v.quote.provider),
  ratePerSecond: BigInt(v.quote.ratePerSecond),
  maxSeconds: BigInt(v.quote.maxSeconds),
  expiresAt: BigInt(v.quote.expiresAt),
});

/** Who the contract would recover from fundJob's (r, yParityAndS). */
const recoveredFromCompact = (v: Vector, r: Hex, yParityAndS: Hex) =>
  recoverTypedDataAddress({
    ...quoteTypedData(v.chainId, v.verifyingContract, messageOf(v)),
    signature: compactSignatureToSignature({ r, yParityAndS }),
  });

describe("fundJob arguments from a signed quote", () => {
  it.each(vectors.map((v) => [v.name, v] as const))(
    "%s: the compact signature recovers the vector's signer",
    async (_, v) => {
      const { r, yParityAndS } = compactSignature(v.signature);
      expect(r).toBe(v.signature.slice(0, 66));
      expect(await recoveredFromCompact(v, r, yParityAndS)).toBe(getAddress(v.signer));
    },
  );

  it("accepts v as 27/28 or 0/1, and an already compact 64-byte signature, alike", () => {
    for (const v of vectors) {
      const { r, yParityAndS } = compactSignature(v.signature);
      const vByte = Number.parseInt(v.signature.slice(130), 16);
      const zeroOne = `${v.signature.slice(0, 130)}0${vByte - 27}` as Hex;
      expect(compactSignature(zeroOne)).toEqual({ r, yParityAndS });
      expect(compactSignature(`${r}${yParityAndS.slice(2)}`)).toEqual({ r, yParityAndS });
    }
  });

  it("turns a high-s (malleable) signature into the low-s twin the contract accepts", async () => {
    const v = vectors[0] as Vector;
    const r = v.signature.slice(0, 66) as Hex;
    const s = hexToBigInt(`0x${v.signature.slice(66, 130)}`);
    const vByte = Number.parseInt(v.signature.slice(130), 16);
    const high = serializeSignature({
      r,
      s: numberToHex(N - s, { size: 32 }),
      yParity: vByte === 27 ? 1 : 0,
    });
    // The high-s form is a valid signature by the same key...
    expect(
      await recoverTypedDataAddress({
        ...quoteTypedData(v.chainId, v.verifyingContract, messageOf(v)),
        signature: high,
      }),
    ).toBe(getAddress(v.signer));
    // ... and fundJob gets the low-s compact form, the same as from the original.
    expect(compactSignature(high)).toEqual(compactSignature(v.signature));
  });

  it("encodes fundJob with the quote's terms and escrow = rate * maxSeconds", () => {
    const v = vectors[0] as Vector;
    const quote = { message: messageOf(v), signature: v.signature };
    const call = fundJobCall(quote);
    expect(call.value).toBe(quote.message.ratePerSecond * quote.message.maxSeconds);
    const data = encodeFunctionData({ abi: computeMarketAbi, ...call });
    const decoded = decodeFunctionData({ abi: computeMarketAbi, data });
    expect(decoded.functionName).toBe("fundJob");
    const { r, yParityAndS } = compactSignature(v.signature);
    expect(decoded.args).toEqual([
      quote.message.jobId,
      quote.message.provider,
      quote.message.ratePerSecond,
      quote.message.maxSeconds,
      quote.message.expiresAt,
      r,
      yParityAndS,
    ]);
    expect(fundJobArgs(quote)).toEqual(decoded.args);
  });
});
