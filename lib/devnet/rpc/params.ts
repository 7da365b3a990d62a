import type { BlockRef, CallRequest } from "../chain/chain";
import { badParams } from "../chain/errors";
import type { Hex } from "../chain/records";

export function param(params: unknown[], i: number): unknown {
  return params[i];
}

export function hexData(v: unknown, what: string): Hex {
  if (typeof v !== "string" || !/^0x([0-9a-fA-F]{2})*$/.test(v)) {
    throw badParams(`invalid ${what}: expected 0x-prefixed hex bytes`);
  }
  return v as Hex;
}

export function address(v: unknown, what = "address"): Hex {
  if (typeof v !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(v)) {
    throw badParams(`invalid ${what}: expected a 20-byte 0x-prefixed address`);
  }
  return v.toLowerCase() as Hex;
}

export function quantity(v: unknown, what: string): bigint {
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v !== "string" || !/^0x[0-9a-fA-F]+$/.test(v)) {
    throw badParams(`invalid ${what}: expected a 0x-prefixed hex quantity`);
  }
  return BigInt(v);
}

export function optQuantity(v: unknown, what: string): bigint | undefined {
  return v === undefined || v === null ? undefined : quantity(v, what);
}

/** A block tag or number to a block number, against the current head. */
export function blockNumber(v: unknown, head: bigint): bigint {
  if (v === undefined || v === null) return head;
  if (typeof v === "object" && v !== null && "blockNumber" in v) {
    return blockNumber((v as { blockNumber: unknown }).blockNumber, head);
  }
  if (v === "latest" || v === "pending" || v === "safe" || v === "finalized") return head;
  if (v === "earliest") return 0n;
  return quantity(v, "block number");
}

export function callRequest(v: unknown): CallRequest {
  if (typeof v !== "object" || v === null) throw badParams("invalid call: expected an object");
  const o = v as Record<string, unknown>;
  return {
    from: o.from === undefined || o.from === null ? undefined : address(o.from, "from"),
    to: o.to === undefined || o.to === null ? null : address(o.to, "to"),
    data:
      o.input !== undefined && o.input !== null
        ? hexData(o.input, "input")
        : o.data !== undefined && o.data !== null
          ? hexData(o.data, "data")
          : undefined,
    value: optQuantity(o.value, "value"),
    gas: optQuantity(o.gas, "gas"),
    gasPrice: optQuantity(o.gasPrice ?? o.maxFeePerGas, "gasPrice"),
  };
}

const HASH = /^0x[0-9a-fA-F]{64}$/;

/**
 * A block parameter for a state read (geth's `BlockNumberOrHash`): a tag, a number, a 32-byte
 * block hash, or an EIP-1898 object `{ blockNumber }` / `{ blockHash, requireCanonical? }`.
 * "latest", "pending", "safe" and "finalized" all mean the latest state (blocks are final at
 * once); "earliest" is block 0.
 */
export function blockRef(v: unknown, what = "block"): BlockRef {
  if (v === undefined || v === null) return { tag: "latest" };
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    const hasNumber = o.blockNumber !== undefined && o.blockNumber !== null;
    const hasHash = o.blockHash !== undefined && o.blockHash !== null;
    if (hasNumber && hasHash) {
      throw badParams("cannot specify both BlockHash and BlockNumber, choose one or the other");
    }
    if (!hasNumber && !hasHash) throw badParams("must specify either BlockHash or BlockNumber");
    if (hasHash) {
      if (typeof o.blockHash !== "string" || !HASH.test(o.blockHash)) {
        throw badParams(`invalid ${what}: blockHash must be 32 bytes of 0x-prefixed hex`);
      }
      return { hash: o.blockHash.toLowerCase() as Hex };
    }
    return blockRef(o.blockNumber, what);
  }
  if (v === "latest" || v === "pending" || v === "safe" || v === "finalized") {
    return { tag: "latest" };
  }
  if (v === "earliest") return { number: 0n };
  if (typeof v === "string" && HASH.test(v)) return { hash: v.toLowerCase() as Hex };
  return { number: quantity(v, what) };
}
