import { brotliCompressSync, brotliDecompressSync, constants } from "node:zlib";
import { createConsoleHooks, createVmHooks, type HostRuntime } from "./hostio";

/** Stylus code prefix: EOF-style magic 0xEFF000, then a dictionary byte (0 = none). */
export const STYLUS_PREFIX = new Uint8Array([0xef, 0xf0, 0x00, 0x00]);

/** The on-chain form of a Stylus program: prefix + brotli(wasm), as `cargo stylus deploy` sends it. */
export function encodeStylusCode(wasm: Uint8Array): Uint8Array {
  const compressed = brotliCompressSync(wasm, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_LGWIN]: 22 },
  });
  const out = new Uint8Array(STYLUS_PREFIX.length + compressed.length);
  out.set(STYLUS_PREFIX);
  out.set(compressed, STYLUS_PREFIX.length);
  return out;
}

export function isStylusCode(code: Uint8Array): boolean {
  return code.length > 4 && code[0] === 0xef && code[1] === 0xf0 && code[2] === 0x00;
}

export function decodeStylusCode(code: Uint8Array): Uint8Array {
  if (!isStylusCode(code)) throw new Error("not Stylus code");
  return new Uint8Array(brotliDecompressSync(code.subarray(4)));
}

/**
 * A compiled Stylus program. Compilation happens once; each call only instantiates, which is
 * what makes a call cheap (Nitro likewise caches the compiled module, not the instance).
 */
export class StylusProgram {
  readonly module: WebAssembly.Module;
  readonly imports: string[];
  private readonly reusable: boolean;
  private readonly pools = new WeakMap<WebAssembly.Imports, ProgramInstance[]>();
  private snapshot: Uint8Array | undefined;

  constructor(
    readonly wasm: Uint8Array,
    implemented: ReadonlySet<string>,
  ) {
    this.module = new WebAssembly.Module(wasm as Uint8Array<ArrayBuffer>);
    const missing: string[] = [];
    this.imports = [];
    for (const imp of WebAssembly.Module.imports(this.module)) {
      const name = `${imp.module}.${imp.name}`;
      this.imports.push(name);
      if (!implemented.has(name)) missing.push(name);
    }
    if (missing.length > 0) {
      throw new Error(
        `Stylus program imports host functions the devnet lacks: ${missing.join(", ")}`,
      );
    }
    const exports = WebAssembly.Module.exports(this.module).map((e) => e.name);
    for (const needed of ["user_entrypoint", "memory"]) {
      if (!exports.includes(needed)) throw new Error(`Stylus program does not export ${needed}`);
    }
    this.reusable = countMutableGlobals(wasm) <= 1;
  }

  /**
   * An instance in its initial state. Instances that returned normally are reset and reused:
   * their memory is restored from a snapshot taken right after instantiation and the only mutable
   * global (the stack pointer) is back at its initial value, since a function that returns
   * normally restores it. Anything else (a trap, exit_early, a host error, grown memory) discards
   * the instance. Modules with other mutable globals are never reused.
   */
  acquire(imports: WebAssembly.Imports): ProgramInstance {
    const pooled = this.pools.get(imports)?.pop();
    if (pooled !== undefined) return pooled;
    const instance = new WebAssembly.Instance(this.module, imports);
    const inst = {
      memory: instance.exports.memory as WebAssembly.Memory,
      entrypoint: instance.exports.user_entrypoint as (len: number) => number,
    };
    if (this.snapshot === undefined) this.snapshot = new Uint8Array(inst.memory.buffer).slice();
    return inst;
  }

  release(imports: WebAssembly.Imports, inst: ProgramInstance, returnedNormally: boolean): void {
    const snapshot = this.snapshot;
    if (!this.reusable || !returnedNormally || snapshot === undefined) return;
    if (inst.memory.buffer.byteLength !== snapshot.length) return;
    let pool = this.pools.get(imports);
    if (pool === undefined) {
      pool = [];
      this.pools.set(imports, pool);
    }
    if (pool.length >= 4) return;
    new Uint8Array(inst.memory.buffer).set(snapshot);
    pool.push(inst);
  }
}

export type ProgramInstance = {
  memory: WebAssembly.Memory;
  entrypoint: (len: number) => number;
};

/** Number of mutable globals a module defines (from its global section). */
export function countMutableGlobals(wasm: Uint8Array): number {
  let pos = 8;
  const uleb = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = wasm[pos++] ?? 0;
      result += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if ((byte & 0x80) === 0) return result;
    }
  };
  while (pos < wasm.length) {
    const id = wasm[pos++];
    const size = uleb();
    const end = pos + size;
    if (id === 6) {
      let mutable = 0;
      const count = uleb();
      for (let i = 0; i < count; i++) {
        pos++; // value type
        if (wasm[pos++] === 1) mutable++;
        // The init expression: constants and global.get, then `end` (0x0b).
        for (let op = wasm[pos++]; op !== 0x0b; op = wasm[pos++]) {
          if (op === 0x41 || op === 0x42 || op === 0x23 || op === 0xd2) uleb();
          else if (op === 0x43) pos += 4;
          else if (op === 0x44) pos += 8;
          else if (op === 0xd0) pos++;
          else return Number.POSITIVE_INFINITY;
        }
      }
      return mutable;
    }
    pos = end;
  }
  return 0;
}

/** `module.name` of every import this host provides (for the start-up import check). */
export function implementedHooks(): Set<string> {
  const names = Object.keys(createVmHooks({} as HostRuntime)).map((n) => `vm_hooks.${n}`);
  for (const n of Object.keys(
    createConsoleHooks(
      () => new WebAssembly.Memory({ initial: 0 }),
      () => {},
    ),
  )) {
    names.push(`console.${n}`);
  }
  return new Set(names);
}
