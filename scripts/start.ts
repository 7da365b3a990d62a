/**
 * `npm start`: the marketplace on its embedded defaults at http://localhost:3000.
 * 1. Builds the web app when there is no build, or when a source file or a NEXT_PUBLIC_ variable
 *    changed since the last one.
 * 2. Starts the embedded Stylus devnet when the app is configured for it and nothing answers on
 *    its RPC URL yet.
 * 3. Serves the build with `next start`, and stops everything on Ctrl-C or SIGTERM.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { chainConfig, EnvError, env } from "../lib/env";
import { probeChainId } from "../lib/web3/rpc-probe";

const root = path.resolve(import.meta.dirname, "..");
const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
const buildId = path.join(root, ".next", "BUILD_ID");
const buildEnvFile = path.join(root, ".next", "public-env.json");
const sourceDirs = ["app", "components", "lib", "db", "public"];
const sourceFiles = [
  "next.config.ts",
  "package.json",
  "package-lock.json",
  "tsconfig.json",
  "postcss.config.mjs",
];

function log(line: string) {
  console.log(`[start] ${line}`);
}

function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return /\.test\.tsx?$/.test(target) ? 0 : stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(target)) {
    if (entry === "node_modules" || entry.startsWith(".")) continue;
    newest = Math.max(newest, newestMtime(path.join(target, entry)));
  }
  return newest;
}

/** NEXT_PUBLIC_ values are inlined into the client bundle, so a change needs a new build. */
function publicEnvSnapshot(): string {
  const entries = Object.entries(process.env)
    .filter(([k]) => k.startsWith("NEXT_PUBLIC_"))
    .sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify(Object.fromEntries(entries));
}

function whyBuild(): string | null {
  if (!existsSync(buildId)) return "no build yet";
  const built = statSync(buildId).mtimeMs;
  const changed = [...sourceDirs, ...sourceFiles].find(
    (p) => newestMtime(path.join(root, p)) > built,
  );
  if (changed) return `${changed} changed since the last build`;
  // A build made outside this script (e.g. by `npm test`) is taken to have had none set.
  const previous = existsSync(buildEnvFile) ? readFileSync(buildEnvFile, "utf8") : "{}";
  if (previous !== publicEnvSnapshot()) return "NEXT_PUBLIC_ settings changed";
  return null;
}

type Stoppable = { stop(): Promise<void> };

const children = new Set<ChildProcess>();
let devnet: Stoppable | null = null;
let stopping = false;

function run(args: string[]): ChildProcess {
  const child = spawn(process.execPath, [nextBin, ...args], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  children.add(child);
  child.on("exit", () => children.delete(child));
  return child;
}

let exiting = false;
async function shutdown(code: number): Promise<never> {
  if (!exiting) {
    exiting = true;
    await devnet?.stop().catch((error: unknown) => console.error(error));
    process.exit(code);
  }
  return new Promise<never>(() => {});
}

// Ctrl-C or SIGTERM at any stage: stop the build or the server, then the devnet, then exit.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (!stopping) log(`Stopping (${signal})...`);
    stopping = true;
    if (children.size === 0) void shutdown(0);
    for (const child of children) child.kill(signal);
  });
}

async function buildIfNeeded() {
  const reason = whyBuild();
  if (!reason) {
    log("Using the existing build in .next (sources unchanged).");
    return;
  }
  log(`Building the web app (${reason}); this takes a minute or two on a small machine...`);
  const started = Date.now();
  const code = await new Promise<number>((resolve) => {
    run(["build"]).on("exit", (c) => resolve(c ?? 1));
  });
  if (stopping) await shutdown(0);
  if (code !== 0) {
    console.error("[start] The build failed; see the errors above.");
    await shutdown(code);
  }
  writeFileSync(buildEnvFile, publicEnvSnapshot());
  log(`Built in ${Math.round((Date.now() - started) / 1000)} s.`);
}

async function startDevnetIfNeeded(): Promise<Stoppable | null> {
  const e = env();
  const chain = chainConfig(e);
  if (chain.key !== "devnet") {
    log(`Using ${chain.chain.name} at ${chain.rpcUrl}.`);
    return null;
  }
  const answered = await probeChainId(chain.rpcUrl);
  if (answered !== null) {
    if (answered !== chain.chain.id) {
      log(
        `Warning: ${chain.rpcUrl} answers with chain id ${answered}, not ${chain.chain.id}; sign-in and payments will be refused until it is the devnet.`,
      );
    } else {
      log(`A devnet already answers at ${chain.rpcUrl}; using it.`);
    }
    return null;
  }
  const url = new URL(chain.rpcUrl);
  if (!["127.0.0.1", "localhost"].includes(url.hostname)) {
    log(`Warning: nothing answers at ${chain.rpcUrl}; wallet actions will fail until it does.`);
    return null;
  }
  let devnetModule: {
    startDevnet: (o: { port: number; dataDir: string; artifactPath: string }) => Promise<{
      url: string;
      stop(): Promise<void>;
    }>;
  };
  try {
    devnetModule = await import(path.join(root, "lib", "devnet", "index.ts"));
  } catch (error) {
    log(
      `Warning: the embedded devnet is not available (${error instanceof Error ? error.message : error}); continuing without a chain. Pages work; wallet actions need a chain at ${chain.rpcUrl}.`,
    );
    return null;
  }
  try {
    const port = Number(url.port || 8547);
    const dataDir = path.join(path.dirname(path.resolve(root, e.PGLITE_DATA_DIR)), "devnet");
    log(
      `Starting the embedded devnet on port ${port} (state in ${path.relative(root, dataDir)})...`,
    );
    const devnet = await devnetModule.startDevnet({
      port,
      dataDir,
      artifactPath: path.join(root, "stylus-contract", "artifacts", "compute_market.wasm"),
    });
    log(`Devnet running at ${devnet.url}.`);
    return devnet;
  } catch (error) {
    log(
      `Warning: the embedded devnet did not start (${error instanceof Error ? error.message : error}); continuing without a chain.`,
    );
    return null;
  }
}

async function waitForHealth(origin: string, child: ChildProcess) {
  for (let i = 0; i < 120 && child.exitCode === null; i++) {
    try {
      const response = await fetch(`${origin}/api/health`, { signal: AbortSignal.timeout(5000) });
      if (response.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

async function main() {
  let port: number;
  try {
    port = env().PORT;
  } catch (error) {
    console.error(error instanceof EnvError ? error.message : error);
    process.exit(1);
  }
  await buildIfNeeded();
  devnet = await startDevnetIfNeeded();
  if (stopping) await shutdown(0);
  const server = run(["start", "-p", String(port)]);
  server.on("exit", (code, signal) => void shutdown(code ?? (signal ? 0 : 1)));

  const local = `http://localhost:${port}`;
  if (await waitForHealth(local, server)) {
    log(`GPU Market is running at ${env().APP_ORIGIN ?? local} (Ctrl-C stops it).`);
  }
}

await main();
