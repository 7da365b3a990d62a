/**
 * Compiles the contract WASM exactly as `contract:check` will (the recipe recorded in
 * artifacts/build-info.json, the same target folder and environment) and writes nothing else.
 * The test command starts this early, beside the native cargo steps, so the cold release build
 * overlaps them; `contract:check` then finds the build up to date and still compares its
 * output with the committed artifact byte for byte.
 */
import { existsSync, readFileSync } from "node:fs";
import { type BuildInfo, buildContract } from "../contract/build";
import { BUILD_INFO, pickRecipe } from "../contract/toolchain";

try {
  const recorded = existsSync(BUILD_INFO)
    ? (JSON.parse(readFileSync(BUILD_INFO, "utf8")) as BuildInfo).recipe
    : undefined;
  buildContract(pickRecipe(recorded));
} catch (e) {
  console.error(`contract wasm build: ${(e as Error).message}`);
  process.exit(1);
}
