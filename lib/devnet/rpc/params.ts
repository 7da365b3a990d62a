import { hexToBytes } from "@ethereumjs/util";
import { getAddress } from "viem";
import type { BlockRef, CallRequest } from "../chain/chain";
import { badParams, rejected } from "../chain/errors";
import type { BlockOverrides, StateOverride } from "../chain/overrides";
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

function word(v: unknown, what: string): string {
  if (typeof v !== "string" || !HASH.test(v)) {
    throw badParams(`invalid ${what}: expected 32 bytes of 0x-prefixed hex`);
  }
  return v.toLowerCase();
}

function storageMap(v: unknown, what: string): Map<string, Uint8Array> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw badParams(`invalid ${what}: expected an object of slot -> value`);
  }
  const out = new Map<string, Uint8Array>();
  for (const [slot, value] of Object.entries(v)) {
    out.set(word(slot, `${what} slot`), hexToBytes(word(value, `${what} value`) as Hex));
  }
  return out;
}

const OVERRIDE_FIELDS = new Set(["balance", "nonce", "code", "state", "stateDiff"]);

/**
 * eth_call's state override (geth's `StateOverride`): address -> { balance, nonce, code, state,
 * stateDiff }. geth's refusals keep its wording; a field the devnet does not implement
 * (`movePrecompileToAddress`) or does not know is refused rather than ignored.
 */
export function stateOverride(v: unknown): StateOverride | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "object" || Array.isArray(v)) {
    throw badParams("invalid state override: expected an object keyed by address");
  }
  const out: StateOverride = new Map();
  for (const [addr, raw] of Object.entries(v)) {
    const a = address(addr, "state override address");
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      throw badParams(`invalid state override for ${addr}: expected an object`);
    }
    const o = raw as Record<string, unknown>;
    if (o.movePrecompileToAddress !== undefined && o.movePrecompileToAddress !== null) {
      throw rejected("movePrecompileToAddress is not supported by the devnet");
    }
    for (const field of Object.keys(o)) {
      if (!OVERRIDE_FIELDS.has(field) && field !== "movePrecompileToAddress") {
        throw badParams(`invalid state override for ${addr}: unknown field "${field}"`);
      }
    }
    const present = (x: unknown) => x !== undefined && x !== null;
    if (present(o.state) && present(o.stateDiff)) {
      throw rejected(`account ${getAddress(a)} has both 'state' and 'stateDiff'`);
    }
    out.set(a, {
      balance: optQuantity(o.balance, "balance override"),
      nonce: optQuantity(o.nonce, "nonce override"),
      code: present(o.code) ? hexToBytes(hexData(o.code, "code override")) : undefined,
      state: present(o.state) ? storageMap(o.state, "state override") : undefined,
      stateDiff: present(o.stateDiff) ? storageMap(o.stateDiff, "stateDiff override") : undefined,
    });
  }
  return out;
}

const BLOCK_OVERRIDE_FIELDS = new Set([
  "number",
  "difficulty",
  "time",
  "gasLimit",
  "feeRecipient",
  "prevRandao",
  "baseFeePerGas",
  "blobBaseFee",
]);

/**
 * eth_call's block overrides (geth's `BlockOverrides`). `difficulty` is accepted and ignored, as
 * geth does after the merge; `beaconRoot` and `withdrawals` are refused with geth's message.
 */
export function blockOverrides(v: unknown): BlockOverrides | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "object" || Array.isArray(v)) {
    throw badParams("invalid block overrides: expected an object");
  }
  const o = v as Record<string, unknown>;
  for (const field of ["beaconRoot", "withdrawals"]) {
    if (o[field] !== undefined && o[field] !== null) {
      throw rejected(`block override "${field}" is not supported for this RPC method`);
    }
  }
  for (const field of Object.keys(o)) {
    if (!BLOCK_OVERRIDE_FIELDS.has(field) && field !== "beaconRoot" && field !== "withdrawals") {
      throw badParams(`invalid block overrides: unknown field "${field}"`);
    }
  }
  return {
    number: optQuantity(o.number, "number override"),
    time: optQuantity(o.time, "time override"),
    gasLimit: optQuantity(o.gasLimit, "gasLimit override"),
    feeRecipient:
      o.feeRecipient === undefined || o.feeRecipient === null
        ? undefined
        : address(o.feeRecipient, "feeRecipient override"),
    prevRandao:
      o.prevRandao === undefined || o.prevRandao === null
        ? undefined
        : hexToBytes(word(o.prevRandao, "prevRandao override") as Hex),
    baseFeePerGas: optQuantity(o.baseFeePerGas, "baseFeePerGas override"),
    blobBaseFee: optQuantity(o.blobBaseFee, "blobBaseFee override"),
  };
}
