/**
 * npm run contract:build — compiles stylus-contract to WASM, optimises it with
 * wasm-opt when present, writes stylus-contract/artifacts/compute_market.wasm and
 * build-info.json, prints raw and brotli sizes, and fails above the Stylus limit.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { brotliCompressSync, constants } from "node:zlib";
import {
  ARTIFACT,
  ARTIFACT_DIR,
  BUILD_INFO,
  CRATE_DIR,
  cargoInvocation,
  pickRecipe,
  type Recipe,
  STYLUS_LIMIT,
  toolVersion,
  WASM_OPT_ARGS,
  WASM_TARGET,
} from "./toolchain";

export type BuildInfo = {
  recipe: Recipe;
  rustc: string;
  wasmOpt: string | null;
  sha256: string;
  bytes: number;
  brotliBytes: number;
};

export type BuildResult = { wasm: Buffer; info: BuildInfo };

export function brotliSize(wasm: Buffer): number {
  return brotliCompressSync(wasm, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_SIZE_HINT]: wasm.length,
    },
  }).length;
}

/** Builds the release WASM with `recipe` (see toolchain.ts) and returns it with its build info. */
export function buildContract(recipe: Recipe = pickRecipe()): BuildResult {
  const targetDir = path.join(
    CRATE_DIR,
    recipe === "debian" ? "target-wasm" : "target-wasm-rustup",
  );
  const cargo = cargoInvocation(recipe, targetDir);
  const started = Date.now();
  const r = spawnSync(cargo.cmd, cargo.args, { cwd: CRATE_DIR, env: cargo.env, stdio: "inherit" });
  if (r.status !== 0) throw new Error(`cargo build failed (${recipe} recipe)`);
  console.log(
    `contract: cargo build (${recipe}) took ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );

  const raw = path.join(targetDir, WASM_TARGET, "release", "compute_market.wasm");
  const work = mkdtempSync(path.join(tmpdir(), "compute-market-"));
  try {
    const optimised = path.join(work, "compute_market.wasm");
    const wasmOpt = toolVersion("wasm-opt") ?? null;
    if (wasmOpt) {
      const o = spawnSync("wasm-opt", [...WASM_OPT_ARGS, raw, "-o", optimised], {
        stdio: "inherit",
      });
      if (o.status !== 0) throw new Error("wasm-opt failed");
    } else {
      console.warn(
        "contract: wasm-opt not found (apt-get install binaryen); artifact is unoptimised",
      );
      copyFileSync(raw, optimised);
    }
    const wasm = readFileSync(optimised);
    const info: BuildInfo = {
      recipe,
      rustc: toolVersion(cargo.rustc) ?? "unknown",
      wasmOpt,
      sha256: createHash("sha256").update(wasm).digest("hex"),
      bytes: wasm.length,
      brotliBytes: brotliSize(wasm),
    };
    return { wasm, info };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function reportSize(info: BuildInfo): void {
  const kib = (n: number) => `${(n / 1024).toFixed(2)} KiB`;
  console.log(`contract: wasm ${info.bytes} bytes (${kib(info.bytes)}) raw`);
  console.log(
    `contract: wasm ${info.brotliBytes} bytes (${kib(info.brotliBytes)}) brotli-compressed, limit ${kib(STYLUS_LIMIT)}`,
  );
  if (info.brotliBytes > STYLUS_LIMIT) {
    throw new Error(
      `compressed WASM ${info.brotliBytes} B exceeds the Stylus limit of ${STYLUS_LIMIT} B`,
    );
  }
}

export function writeArtifact({ wasm, info }: BuildResult): void {
  mkdirSync(ARTIFACT_DIR, { recursive: true });
  writeFileSync(ARTIFACT, wasm);
  writeFileSync(BUILD_INFO, `${JSON.stringify(info, null, 2)}\n`);
  console.log(`contract: wrote ${path.relative(process.cwd(), ARTIFACT)} (sha256 ${info.sha256})`);
}

if (import.meta.url === pathToFileURL(path.resolve(process.argv[1] ?? "")).href) {
  try {
    const result = buildContract();
    reportSize(result.info);
    writeArtifact(result);
  } catch (e) {
    console.error(`contract:build: ${(e as Error).message}`);
    process.exit(1);
  }
}
