#!/usr/bin/env node
// The `gpu-market-agent` command (package.json "bin"): runs lib/agent/cli.ts through tsx with
// this repository's tsconfig, from any directory. Ctrl-C reaches the agent itself (same process
// group); this wrapper only waits and passes its exit code on.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const child = spawn(
  process.execPath,
  [
    "--import",
    import.meta.resolve("tsx"),
    path.join(root, "lib/agent/cli.ts"),
    ...process.argv.slice(2),
  ],
  {
    stdio: "inherit",
    env: { ...process.env, TSX_TSCONFIG_PATH: path.join(root, "tsconfig.json") },
  },
);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => undefined);
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
