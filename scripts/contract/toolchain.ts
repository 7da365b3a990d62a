/**
 * How the ComputeMarket WASM is compiled, reproducibly. Two recipes:
 * - "debian": Debian's rustc-web/cargo-web with the standard library sources
 *   (build-std, immediate-abort panics) and lld's wasm-ld. This is the reference
 *   recipe: the committed artifact is built with it, so `contract:check` can
 *   rebuild it byte for byte on any Debian 12 machine with the same packages.
 * - "rustup": plain cargo where rustup has the wasm32 target (stable flags only,
 *   so the output is larger and not comparable with the committed artifact).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";

export const REPO_ROOT = path.resolve(import.meta.dirname, "../..");
export const CRATE_DIR = path.join(REPO_ROOT, "stylus-contract");
export const ARTIFACT_DIR = path.join(CRATE_DIR, "artifacts");
export const ARTIFACT = path.join(ARTIFACT_DIR, "compute_market.wasm");
export const BUILD_INFO = path.join(ARTIFACT_DIR, "build-info.json");
export const WASM_TARGET = "wasm32-unknown-unknown";
/** Stylus refuses programs above 24 KiB brotli-compressed. */
export const STYLUS_LIMIT = 24 * 1024;

export type Recipe = "debian" | "rustup";

const DEBIAN = {
  rustc: "/usr/bin/rustc",
  cargo: "/usr/bin/cargo",
  stdSrc: "/usr/lib/rustlib/src/rust/library",
  linker: "/usr/lib/llvm-19/bin/wasm-ld",
};
const DEBIAN_PACKAGES = "rustc-web cargo-web rust-web-src lld-19 (and binaryen, brotli)";

function run(cmd: string, args: string[]): string | undefined {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function rustupHasWasm(): boolean {
  const list = run("rustup", ["target", "list", "--installed"]);
  return list?.split("\n").includes(WASM_TARGET) ?? false;
}

function debianAvailable(): boolean {
  return Object.values(DEBIAN).every((p) => existsSync(p));
}

/** The recipe to use: `CONTRACT_TOOLCHAIN` if set, else rustup's wasm32 target, else Debian's. */
export function pickRecipe(preferred?: Recipe): Recipe {
  const wanted = preferred ?? (process.env.CONTRACT_TOOLCHAIN as Recipe | undefined);
  if (wanted === "debian" || (!wanted && !rustupHasWasm())) {
    if (!debianAvailable()) {
      throw new Error(
        `No wasm32 toolchain: rustup has no ${WASM_TARGET} target and the Debian recipe is missing ` +
          `(${Object.values(DEBIAN).join(", ")}). Install: apt-get install ${DEBIAN_PACKAGES}`,
      );
    }
    return "debian";
  }
  if (wanted === "rustup" && !rustupHasWasm()) {
    throw new Error(`rustup has no ${WASM_TARGET} target (rustup target add ${WASM_TARGET})`);
  }
  return "rustup";
}

/** Path prefixes that differ between machines, mapped to fixed names. */
function remapFlags(): string[] {
  const cargoHome = process.env.CARGO_HOME ?? path.join(homedir(), ".cargo");
  return [
    `--remap-path-prefix=${path.join(cargoHome, "registry", "src")}=/cargo/registry/src`,
    `--remap-path-prefix=${path.join(cargoHome, "git", "checkouts")}=/cargo/git`,
    `--remap-path-prefix=${CRATE_DIR}=/build/stylus-contract`,
    `--remap-path-prefix=${DEBIAN.stdSrc}=/rustc/library`,
  ];
}

/** Flags shared by both recipes, from the Stylus SDK's own wasm32 config. */
const WASM_FLAGS = [
  "-Ctarget-feature=-reference-types,+bulk-memory",
  "-Clink-arg=-zstack-size=32768",
];

export type CargoInvocation = {
  cmd: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  rustc: string;
};

export function cargoInvocation(recipe: Recipe, targetDir: string): CargoInvocation {
  const args = ["build", "--lib", "--release", "--locked", "--target", WASM_TARGET];
  args.push("--target-dir", targetDir, "-j", process.env.CARGO_BUILD_JOBS ?? "2");
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.RUSTFLAGS;
  delete env.CARGO_ENCODED_RUSTFLAGS;
  if (recipe === "debian") {
    args.push("-Zbuild-std=std,panic_abort");
    env.RUSTC_BOOTSTRAP = "1";
    env.RUSTC = DEBIAN.rustc;
    env.CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER = DEBIAN.linker;
    const flags = ["-Zunstable-options", "-Cpanic=immediate-abort", ...WASM_FLAGS, ...remapFlags()];
    env.CARGO_ENCODED_RUSTFLAGS = flags.join("\x1f");
    return { cmd: DEBIAN.cargo, args, env, rustc: DEBIAN.rustc };
  }
  delete env.RUSTC;
  env.CARGO_ENCODED_RUSTFLAGS = [...WASM_FLAGS, ...remapFlags()].join("\x1f");
  return { cmd: "cargo", args, env, rustc: "rustc" };
}

export function toolVersion(cmd: string, args = ["--version"]): string | undefined {
  try {
    return execFileSync(cmd, args, { encoding: "utf8" }).trim();
  } catch {
    return undefined;
  }
}

/** wasm-opt flags: the features rustc enables for wasm32 (minus reference types). */
export const WASM_OPT_ARGS = [
  "-Oz",
  "--enable-bulk-memory",
  "--enable-sign-ext",
  "--enable-mutable-globals",
  "--enable-multivalue",
  "--enable-nontrapping-float-to-int",
  "--strip-debug",
  "--strip-producers",
];
