import { describe, expect, it } from "vitest";
import {
  decodeStylusCode,
  encodeStylusCode,
  implementedHooks,
  isStylusCode,
  StylusProgram,
} from "./program";

/** A module importing the given vm_hooks (all `() -> ()`) and exporting memory + user_entrypoint. */
function moduleImporting(names: string[], importModule = "vm_hooks"): Uint8Array {
  const str = (s: string) => [s.length, ...new TextEncoder().encode(s)];
  const section = (id: number, body: number[]) => [id, body.length, ...body];
  const types = section(1, [2, 0x60, 0, 0, 0x60, 1, 0x7f, 1, 0x7f]);
  const imports = section(2, [
    names.length,
    ...names.flatMap((n) => [...str(importModule), ...str(n), 0x00, 0x00]),
  ]);
  const funcs = section(3, [1, 1]);
  const memory = section(5, [1, 0, 1]);
  const exports = section(7, [
    2,
    ...str("memory"),
    2,
    0,
    ...str("user_entrypoint"),
    0,
    names.length,
  ]);
  const code = section(10, [1, 4, 0, 0x41, 0, 0x0b]);
  return new Uint8Array([
    0,
    0x61,
    0x73,
    0x6d,
    1,
    0,
    0,
    0,
    ...types,
    ...imports,
    ...funcs,
    ...memory,
    ...exports,
    ...code,
  ]);
}

describe("Stylus program loading", () => {
  it("accepts a program whose imports the host implements", () => {
    const p = new StylusProgram(moduleImporting(["read_args", "write_result"]), implementedHooks());
    expect(p.imports).toEqual(["vm_hooks.read_args", "vm_hooks.write_result"]);
  });

  it("stops start-up naming each import the host lacks", () => {
    expect(
      () => new StylusProgram(moduleImporting(["read_args", "create2"]), implementedHooks()),
    ).toThrow(/vm_hooks\.create2/);
    expect(() => new StylusProgram(moduleImporting(["abort"], "env"), implementedHooks())).toThrow(
      /env\.abort/,
    );
    // The SDK's debug build imports console.log_txt; the devnet prints it.
    expect(
      () => new StylusProgram(moduleImporting(["log_txt"], "console"), implementedHooks()),
    ).not.toThrow();
  });

  it("implements the hooks the issue lists", () => {
    const hooks = implementedHooks();
    for (const name of [
      "storage_load_bytes32",
      "storage_cache_bytes32",
      "storage_flush_cache",
      "read_args",
      "write_result",
      "msg_sender",
      "msg_value",
      "msg_reentrant",
      "emit_log",
      "call_contract",
      "static_call_contract",
      "delegate_call_contract",
      "native_keccak256",
      "exit_early",
      "pay_for_memory_grow",
      "account_balance",
      "account_codehash",
      "account_code",
      "evm_ink_left",
      "tx_ink_price",
    ]) {
      expect(hooks.has(`vm_hooks.${name}`), name).toBe(true);
    }
  });

  it("encodes on-chain Stylus code as 0xEFF00000 + brotli(wasm)", () => {
    const wasm = moduleImporting(["read_args"]);
    const code = encodeStylusCode(wasm);
    expect([...code.subarray(0, 4)]).toEqual([0xef, 0xf0, 0x00, 0x00]);
    expect(isStylusCode(code)).toBe(true);
    expect(decodeStylusCode(code)).toEqual(wasm);
  });
});
