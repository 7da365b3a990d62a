import { bytesToHex } from "@ethereumjs/util";
import { keccak256 } from "viem";
import type { DevnetState } from "../chain/state";
import { ExitEarly, type Frame, HostFault, OutOfGas } from "./frame";
import { GAS, INK_PRICE } from "./gas";

export type CallKind = "call" | "static" | "delegate";

export type SubCallResult = { status: number; returnData: Uint8Array; gasUsed: bigint };

/** What the hostio functions need from the runtime that runs the program. */
export type HostRuntime = {
  frame(): Frame;
  memory(): WebAssembly.Memory;
  state: DevnetState;
  warmSlot(address: Uint8Array, key: Uint8Array): boolean;
  warmAddress(address: Uint8Array): boolean;
  subCall(
    kind: CallKind,
    target: Uint8Array,
    data: Uint8Array,
    value: bigint,
    gas: bigint,
  ): SubCallResult;
};

const U64_MAX = (1n << 64n) - 1n;

/** Charge gas; running out unwinds the program. */
export function charge(frame: Frame, gas: bigint): void {
  if (frame.gasLeft < gas) {
    frame.gasLeft = 0n;
    throw new OutOfGas();
  }
  frame.gasLeft -= gas;
}

function toBytes32(value: bigint): Uint8Array {
  const out = new Uint8Array(32);
  let v = value;
  for (let i = 31; i >= 0 && v > 0n; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

function toBigInt(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

function padLeft32(bytes: Uint8Array): Uint8Array {
  if (bytes.length === 32) return bytes;
  const out = new Uint8Array(32);
  out.set(bytes, 32 - bytes.length);
  return out;
}

/** Write every dirty cache slot to the contract's storage (Nitro's `storage_flush_cache`). */
export function flushCache(rt: HostRuntime, frame: Frame, clear: boolean): void {
  for (const [keyHex, slot] of frame.cache) {
    if (!slot.dirty) continue;
    if (frame.isStatic) throw new HostFault("storage write in a static call");
    const current = rt.state.getStorageSync(frame.contract, keyHex);
    const currentZero = current.every((b) => b === 0);
    const same = bytesToHex(padLeft32(current)) === bytesToHex(slot.value);
    charge(frame, same ? GAS.warmRead : currentZero ? GAS.sstoreSet : GAS.sstoreReset);
    rt.state.putStorageSync(frame.contract, keyHex, slot.value);
    slot.dirty = false;
  }
  if (clear) frame.cache.clear();
}

/** The `vm_hooks` import object. Every function reads the current frame from the runtime. */
export function createVmHooks(rt: HostRuntime): Record<string, (...args: never[]) => unknown> {
  const mem = (): Uint8Array => new Uint8Array(rt.memory().buffer);
  const read = (ptr: number, len: number): Uint8Array => {
    const m = mem();
    const start = ptr >>> 0;
    const end = start + (len >>> 0);
    if (end > m.length) throw new HostFault("out-of-bounds memory read");
    return m.slice(start, end);
  };
  const write = (ptr: number, data: Uint8Array): void => {
    const m = mem();
    const start = ptr >>> 0;
    if (start + data.length > m.length) throw new HostFault("out-of-bounds memory write");
    m.set(data, start);
  };
  const writeU32 = (ptr: number, value: number): void => {
    new DataView(rt.memory().buffer).setUint32(ptr >>> 0, value >>> 0, true);
  };
  const copyCost = (len: number): bigint => GAS.copyWord * BigInt(Math.ceil(len / 32));

  const doCall = (
    kind: CallKind,
    contract: number,
    calldata: number,
    calldataLen: number,
    valuePtr: number | null,
    gas: bigint,
    returnDataLen: number,
  ): number => {
    const frame = rt.frame();
    const target = read(contract, 20);
    const data = read(calldata, calldataLen);
    const value = valuePtr === null ? 0n : toBigInt(read(valuePtr, 32));
    if (kind === "call" && value > 0n && frame.isStatic) {
      throw new HostFault("value transfer in a static call");
    }
    // Nitro flushes the cache before any outgoing call so the callee sees current storage.
    flushCache(rt, frame, false);
    const result = rt.subCall(kind, target, data, value, BigInt.asUintN(64, gas));
    charge(frame, result.gasUsed);
    frame.returnData = result.returnData;
    writeU32(returnDataLen, result.returnData.length);
    return result.status;
  };

  return {
    read_args: (dest: number) => {
      write(dest, rt.frame().args);
    },
    write_result: (data: number, len: number) => {
      rt.frame().output = read(data, len);
    },
    exit_early: (status: number) => {
      throw new ExitEarly(status);
    },
    pay_for_memory_grow: (pages: number) => {
      charge(rt.frame(), GAS.memoryPage * BigInt(pages));
    },
    storage_load_bytes32: (key: number, dest: number) => {
      const frame = rt.frame();
      const keyBytes = read(key, 32);
      const keyHex = bytesToHex(keyBytes);
      let slot = frame.cache.get(keyHex);
      if (slot === undefined) {
        charge(frame, rt.warmSlot(frame.contractBytes, keyBytes) ? GAS.warmRead : GAS.coldSload);
        slot = { value: padLeft32(rt.state.getStorageSync(frame.contract, keyHex)), dirty: false };
        frame.cache.set(keyHex, slot);
      }
      write(dest, slot.value);
    },
    storage_cache_bytes32: (key: number, value: number) => {
      const frame = rt.frame();
      frame.cache.set(bytesToHex(read(key, 32)), { value: read(value, 32), dirty: true });
    },
    storage_flush_cache: (clear: number) => {
      flushCache(rt, rt.frame(), clear !== 0);
    },
    msg_sender: (dest: number) => write(dest, rt.frame().sender),
    msg_value: (dest: number) => write(dest, toBytes32(rt.frame().value)),
    msg_reentrant: () => (rt.frame().reentrant ? 1 : 0),
    contract_address: (dest: number) => write(dest, rt.frame().contractBytes),
    chainid: () => rt.frame().env.chainId,
    block_number: () => rt.frame().env.blockNumber,
    block_timestamp: () => rt.frame().env.timestamp,
    block_basefee: (dest: number) => write(dest, toBytes32(rt.frame().env.basefee)),
    block_coinbase: (dest: number) => write(dest, rt.frame().env.coinbase),
    block_gas_limit: () => rt.frame().env.gasLimit,
    tx_origin: (dest: number) => write(dest, rt.frame().env.origin),
    tx_gas_price: (dest: number) => write(dest, toBytes32(rt.frame().env.gasPrice)),
    tx_ink_price: () => INK_PRICE,
    evm_gas_left: () => rt.frame().gasLeft,
    evm_ink_left: () => {
      const ink = rt.frame().gasLeft * BigInt(INK_PRICE);
      return ink > U64_MAX ? U64_MAX : ink;
    },
    emit_log: (data: number, len: number, topics: number) => {
      const frame = rt.frame();
      if (frame.isStatic) throw new HostFault("log emitted in a static call");
      if (topics > 4 || len < topics * 32) throw new HostFault("bad emit_log topics");
      const bytes = read(data, len);
      charge(
        frame,
        GAS.log + GAS.logTopic * BigInt(topics) + GAS.logByte * BigInt(len - topics * 32),
      );
      const topicList: Uint8Array[] = [];
      for (let i = 0; i < topics; i++) topicList.push(bytes.slice(i * 32, i * 32 + 32));
      frame.logs.push([frame.contractBytes, topicList, bytes.slice(topics * 32)]);
    },
    native_keccak256: (bytes: number, len: number, output: number) => {
      charge(rt.frame(), GAS.keccak + GAS.keccakWord * BigInt(Math.ceil((len >>> 0) / 32)));
      write(output, keccak256(read(bytes, len), "bytes"));
    },
    account_balance: (address: number, dest: number) => {
      const addr = read(address, 20);
      charge(rt.frame(), rt.warmAddress(addr) ? GAS.warmRead : GAS.coldAccount);
      write(dest, toBytes32(rt.state.balanceOf(bytesToHex(addr))));
    },
    account_codehash: (address: number, dest: number) => {
      const addr = read(address, 20);
      charge(rt.frame(), rt.warmAddress(addr) ? GAS.warmRead : GAS.coldAccount);
      const acc = rt.state.getAccountSync(bytesToHex(addr));
      write(dest, acc === undefined || acc.isEmpty() ? new Uint8Array(32) : acc.codeHash);
    },
    account_code_size: (address: number) => {
      const addr = read(address, 20);
      charge(rt.frame(), rt.warmAddress(addr) ? GAS.warmRead : GAS.coldAccount);
      return rt.state.getCodeSync(bytesToHex(addr)).length;
    },
    account_code: (address: number, offset: number, size: number, dest: number) => {
      const addr = read(address, 20);
      const frame = rt.frame();
      charge(frame, rt.warmAddress(addr) ? GAS.warmRead : GAS.coldAccount);
      const code = rt.state.getCodeSync(bytesToHex(addr));
      const slice = code.subarray(offset >>> 0, (offset >>> 0) + (size >>> 0));
      charge(frame, copyCost(slice.length));
      write(dest, slice);
      return slice.length;
    },
    return_data_size: () => rt.frame().returnData.length,
    read_return_data: (dest: number, offset: number, size: number) => {
      const frame = rt.frame();
      const start = Math.min(offset >>> 0, frame.returnData.length);
      const slice = frame.returnData.subarray(start, start + (size >>> 0));
      charge(frame, copyCost(slice.length));
      write(dest, slice);
      return slice.length;
    },
    call_contract: (c: number, d: number, l: number, v: number, gas: bigint, r: number) =>
      doCall("call", c, d, l, v, gas, r),
    static_call_contract: (c: number, d: number, l: number, gas: bigint, r: number) =>
      doCall("static", c, d, l, null, gas, r),
    delegate_call_contract: (c: number, d: number, l: number, gas: bigint, r: number) =>
      doCall("delegate", c, d, l, null, gas, r),
  };
}

/**
 * The `console` imports of programs built with the Stylus SDK's `debug` feature (accepted by
 * Nitro dev nodes only): printed through `log`, free of gas.
 */
export function createConsoleHooks(
  memory: () => WebAssembly.Memory,
  log: (line: string) => void,
): Record<string, (...args: never[]) => unknown> {
  return {
    log_txt: (ptr: number, len: number) => {
      const bytes = new Uint8Array(memory().buffer, ptr >>> 0, len >>> 0);
      log(new TextDecoder().decode(bytes));
    },
    log_i32: (v: number) => log(String(v)),
    log_i64: (v: bigint) => log(String(v)),
    log_f32: (v: number) => log(String(v)),
    log_f64: (v: number) => log(String(v)),
  };
}
