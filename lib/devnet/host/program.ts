import { brotliCompressSync, brotliDecompressSync, constants } from "node:zlib";
import { createVmHooks, type HostRuntime } from "./hostio";

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
      if (imp.module !== "vm_hooks" || !implemented.has(imp.name)) missing.push(name);
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
  }

  /** Instantiate against a runtime; `setMemory` receives the instance's memory before any call. */
  instantiate(imports: WebAssembly.Imports): {
    memory: WebAssembly.Memory;
    entrypoint: (len: number) => number;
  } {
    const instance = new WebAssembly.Instance(this.module, imports);
    return {
      memory: instance.exports.memory as WebAssembly.Memory,
      entrypoint: instance.exports.user_entrypoint as (len: number) => number,
    };
  }
}

/** The names of the vm_hooks this host implements (for the start-up import check). */
export function implementedHooks(): Set<string> {
  const probe = createVmHooks({} as HostRuntime);
  return new Set(Object.keys(probe));
}
