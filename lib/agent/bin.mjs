#!/usr/bin/env node
// The `gpu-market-agent` command (`npm run agent`, package.json "bin"), from any directory:
// bundles lib/agent/cli.ts and what it imports into one ES module with esbuild (about a second;
// the agent then runs without a TypeScript loader, which halves its memory), and runs it in this
// process, so Ctrl-C reaches the agent itself.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build, stop } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const outfile = path.join(root, ".data", "agent-bundle", "agent.mjs");
mkdirSync(path.dirname(outfile), { recursive: true });
await build({
  entryPoints: [path.join(root, "lib/agent/cli.ts")],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  alias: { "@": root },
  tsconfig: path.join(root, "tsconfig.json"),
  // Packages that reach for require() inside an ES module bundle.
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  logLevel: "error",
});
await stop();
process.env.GPU_MARKET_ROOT = root;
await import(pathToFileURL(outfile).href);
