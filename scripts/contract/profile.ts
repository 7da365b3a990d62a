/**
 * npm run contract:profile — where the contract's bytes go: builds the release WASM with
 * the reference recipe but keeps function names (no strip, wasm-opt -g), then prints the
 * largest functions of the optimised code section. The names are demangled only as far as
 * a reader needs; inlined code counts toward the function it was inlined into (with
 * `#[public]`, every method lands in `user_entrypoint`).
 * Usage: npm run contract:profile [-- <top N>]
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { readableSymbol } from "./symbols";
import { CRATE_DIR, cargoInvocation, pickRecipe, WASM_OPT_ARGS, WASM_TARGET } from "./toolchain";

const top = Number(process.argv[2] ?? 25);
const recipe = pickRecipe();
const targetDir = path.join(
  CRATE_DIR,
  recipe === "debian" ? "target-wasm-names" : "target-wasm-rustup-names",
);
const cargo = cargoInvocation(recipe, targetDir);
cargo.env.CARGO_PROFILE_RELEASE_STRIP = "false";
const built = spawnSync(cargo.cmd, cargo.args, {
  cwd: CRATE_DIR,
  env: cargo.env,
  stdio: "inherit",
});
if (built.status !== 0) process.exit(1);

const work = mkdtempSync(path.join(tmpdir(), "compute-market-profile-"));
try {
  const named = path.join(work, "named.wasm");
  const raw = path.join(targetDir, WASM_TARGET, "release", "compute_market.wasm");
  const args = WASM_OPT_ARGS.filter((a) => a !== "--strip-debug" && a !== "--strip-producers");
  const opt = spawnSync("wasm-opt", [...args, "-g", raw, "-o", named], { stdio: "inherit" });
  if (opt.status !== 0) process.exit(1);
  const dump = spawnSync("npx", ["wasm-objdump", "-x", named], { encoding: "utf8" });
  if (dump.status !== 0) throw new Error(dump.stderr);
  const sizes: { name: string; bytes: number }[] = [];
  let inCode = false;
  for (const line of dump.stdout.split("\n")) {
    const section = /^(\w+)\[\d+\]:/.exec(line);
    if (section) inCode = section[1] === "Code";
    const fn = inCode && /^\s*- func\[(\d+)\] size=(\d+)(?: <(.*)>)?/.exec(line);
    if (fn) sizes.push({ name: fn[3] ?? `func${fn[1]}`, bytes: Number(fn[2]) });
  }
  sizes.sort((a, b) => b.bytes - a.bytes);
  const total = sizes.reduce((s, f) => s + f.bytes, 0);
  console.log(`code section: ${total} bytes in ${sizes.length} functions (before compression)`);
  for (const f of sizes.slice(0, top)) {
    console.log(
      `${String(f.bytes).padStart(7)}  ${((100 * f.bytes) / total).toFixed(1).padStart(5)}%  ${readableSymbol(f.name)}`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
