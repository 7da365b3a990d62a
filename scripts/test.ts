/**
 * The whole test suite, every tier in order, with each tier's counts and a closing total.
 * Usage: npm test            (all tiers)
 *        npm test -- unit db (only the named tiers)
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { findPostgresBin, startTempPostgres, type TempPostgres } from "./lib/temp-postgres";

type Counts = { passed: number; failed: number; skipped: number };
type Tier = { name: string; run: () => Promise<Counts> };

const tmp = mkdtempSync(path.join(os.tmpdir(), "gpu-market-test-"));
const baseEnv: NodeJS.ProcessEnv = {
  ...process.env,
  NEXT_TELEMETRY_DISABLED: "1",
};

function exec(cmd: string, args: string[], env: NodeJS.ProcessEnv = baseEnv) {
  return new Promise<{ code: number; output: string }>((resolve) => {
    const child = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const tee = (chunk: Buffer, to: NodeJS.WriteStream) => {
      output += chunk.toString();
      to.write(chunk);
    };
    child.stdout.on("data", (c: Buffer) => tee(c, process.stdout));
    child.stderr.on("data", (c: Buffer) => tee(c, process.stderr));
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

/** A tier that is one command: it passes or fails as a whole. */
async function check(cmd: string, args: string[]): Promise<Counts> {
  const { code } = await exec(cmd, args);
  return { passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1, skipped: 0 };
}

async function vitest(project: string, env: NodeJS.ProcessEnv = baseEnv): Promise<Counts> {
  const out = path.join(tmp, `vitest-${project}-${Date.now()}.json`);
  const { code } = await exec(
    "npx",
    [
      "vitest",
      "run",
      "--project",
      project,
      "--passWithNoTests",
      "--reporter=default",
      "--reporter=json",
      `--outputFile.json=${out}`,
    ],
    env,
  );
  if (!existsSync(out)) return { passed: 0, failed: 1, skipped: 0 };
  const report = JSON.parse(readFileSync(out, "utf8")) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
  };
  const failed = report.numFailedTests + (code !== 0 && report.numFailedTests === 0 ? 1 : 0);
  return {
    passed: report.numPassedTests,
    failed,
    skipped: report.numPendingTests + report.numTodoTests,
  };
}

async function cargoTests(): Promise<Counts> {
  const script = path.join("scripts", "contract", "test.sh");
  if (!existsSync(script)) return { passed: 0, failed: 0, skipped: 0 };
  const { code, output } = await exec("bash", [script]);
  const counts: Counts = { passed: 0, failed: 0, skipped: 0 };
  for (const m of output.matchAll(
    /test result: \w+\. (\d+) passed; (\d+) failed; (\d+) ignored/g,
  )) {
    counts.passed += Number(m[1]);
    counts.failed += Number(m[2]);
    counts.skipped += Number(m[3]);
  }
  if (code !== 0 && counts.failed === 0) counts.failed = 1;
  return counts;
}

async function e2e(): Promise<Counts> {
  const build = await exec("npx", ["next", "build"]);
  if (build.code !== 0) return { passed: 0, failed: 1, skipped: 0 };
  const out = path.join(tmp, "playwright.json");
  const { code } = await exec("npx", ["playwright", "test", "--reporter=list,json"], {
    ...baseEnv,
    PLAYWRIGHT_JSON_OUTPUT_NAME: out,
  });
  if (!existsSync(out)) return { passed: 0, failed: 1, skipped: 0 };
  const stats = (
    JSON.parse(readFileSync(out, "utf8")) as {
      stats: { expected: number; unexpected: number; flaky: number; skipped: number };
    }
  ).stats;
  const failed = stats.unexpected + (code !== 0 && stats.unexpected === 0 ? 1 : 0);
  return { passed: stats.expected + stats.flaky, failed, skipped: stats.skipped };
}

let postgres: TempPostgres | undefined;
async function postgresUrl(): Promise<string> {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  if (!findPostgresBin()) {
    throw new Error(
      "The db tier needs a PostgreSQL server. Install Debian's server (apt-get update && apt-get install -y postgresql), or set DATABASE_URL to a server you own.",
    );
  }
  postgres ??= await startTempPostgres();
  return postgres.url;
}

const tiers: Tier[] = [
  { name: "lint+format", run: () => check("npx", ["biome", "ci", "."]) },
  { name: "typecheck", run: () => check("npx", ["tsc", "--noEmit"]) },
  { name: "contract", run: cargoTests },
  { name: "unit", run: () => vitest("unit") },
  { name: "db:pglite", run: () => vitest("db", { ...baseEnv, TEST_DB: "pglite" }) },
  {
    name: "db:postgres",
    run: async () =>
      vitest("db", { ...baseEnv, TEST_DB: "postgres", DATABASE_URL: await postgresUrl() }),
  },
  {
    name: "chain",
    run: async () => vitest("chain", { ...baseEnv, DATABASE_URL: await postgresUrl() }),
  },
  { name: "e2e", run: e2e },
];

async function main() {
  const only = process.argv.slice(2);
  const unknown = only.filter(
    (n) => !tiers.some((t) => t.name === n || t.name.startsWith(`${n}:`)),
  );
  if (unknown.length > 0) {
    console.error(
      `Unknown tier(s): ${unknown.join(", ")}. Tiers: ${tiers.map((t) => t.name).join(", ")}`,
    );
    process.exit(2);
  }
  const selected = only.length
    ? tiers.filter((t) => only.some((n) => t.name === n || t.name.startsWith(`${n}:`)))
    : tiers;
  const results: { name: string; counts: Counts; seconds: number }[] = [];
  for (const tier of selected) {
    console.log(`\n=== ${tier.name} ===`);
    const started = Date.now();
    let counts: Counts;
    try {
      counts = await tier.run();
    } catch (error) {
      console.error(error instanceof Error ? error.message : error);
      counts = { passed: 0, failed: 1, skipped: 0 };
    }
    const seconds = Math.round((Date.now() - started) / 100) / 10;
    results.push({ name: tier.name, counts, seconds });
    console.log(
      `--- ${tier.name}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped (${seconds}s)`,
    );
  }
  postgres?.stop();
  rmSync(tmp, { recursive: true, force: true });
  console.log("\nTier summary");
  for (const r of results) {
    console.log(
      `  ${r.name.padEnd(12)} ${String(r.counts.passed).padStart(5)} passed ${String(r.counts.failed).padStart(3)} failed ${String(r.counts.skipped).padStart(3)} skipped  ${r.seconds}s`,
    );
  }
  const total = results.reduce(
    (a, r) => ({
      passed: a.passed + r.counts.passed,
      failed: a.failed + r.counts.failed,
      skipped: a.skipped + r.counts.skipped,
    }),
    { passed: 0, failed: 0, skipped: 0 },
  );
  console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
  process.exit(total.failed > 0 ? 1 : 0);
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    postgres?.stop();
    process.exit(signal === "SIGINT" ? 130 : 143);
  });
}

await main();
