/**
 * npm run contract:check — fails when the committed contract outputs are stale:
 * the exported interface and the generated TS ABI must equal a fresh export, and
 * artifacts/compute_market.wasm must equal a fresh build byte for byte (rebuilt
 * with the recipe recorded in artifacts/build-info.json).
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { ABI_MODULE_PATH, generateAbi, INTERFACE_PATH } from "./abi";
import { type BuildInfo, buildContract, reportSize } from "./build";
import { ARTIFACT, BUILD_INFO, pickRecipe, REPO_ROOT } from "./toolchain";

const rel = (p: string) => path.relative(REPO_ROOT, p);

function stale(file: string, fresh: string | Buffer): string | undefined {
  if (!existsSync(file)) return `${rel(file)} is missing`;
  const committed = readFileSync(file);
  const same =
    typeof fresh === "string" ? committed.toString("utf8") === fresh : committed.equals(fresh);
  return same ? undefined : `${rel(file)} is stale`;
}

function main(): number {
  const problems: string[] = [];

  const { solidity, module } = generateAbi();
  for (const [file, fresh] of [
    [INTERFACE_PATH, solidity],
    [ABI_MODULE_PATH, module],
  ] as const) {
    const p = stale(file, fresh);
    if (p) problems.push(`${p} (run npm run contract:abi)`);
  }
  console.log(`contract:check: ABI ${problems.length === 0 ? "up to date" : "STALE"}`);

  if (!existsSync(BUILD_INFO)) {
    problems.push(`${rel(BUILD_INFO)} is missing (run npm run contract:build)`);
  } else {
    const recorded = JSON.parse(readFileSync(BUILD_INFO, "utf8")) as BuildInfo;
    const { wasm, info } = buildContract(pickRecipe(recorded.recipe));
    reportSize(info);
    if (info.rustc !== recorded.rustc || info.wasmOpt !== recorded.wasmOpt) {
      console.warn(
        `contract:check: toolchain differs from the recorded one (${recorded.rustc}, ${recorded.wasmOpt}); ` +
          `here: ${info.rustc}, ${info.wasmOpt}`,
      );
    }
    const p = stale(ARTIFACT, wasm);
    if (p) {
      problems.push(
        `${p}: fresh build sha256 ${info.sha256}, committed ${recorded.sha256} (run npm run contract:build)`,
      );
    }
    const infoText = `${JSON.stringify(info, null, 2)}\n`;
    if (!p && stale(BUILD_INFO, infoText))
      problems.push(`${rel(BUILD_INFO)} is stale (run npm run contract:build)`);
    console.log(
      `contract:check: artifact ${p ? "STALE" : "reproduced byte for byte"} (sha256 ${info.sha256})`,
    );
  }

  for (const p of problems) console.error(`contract:check: ${p}`);
  return problems.length === 0 ? 0 : 1;
}

try {
  process.exit(main());
} catch (e) {
  console.error(`contract:check: ${(e as Error).message}`);
  process.exit(1);
}
