/**
 * The whole test suite with each tier's counts and a closing total.
 * Usage: npm test            (all tiers)
 *        npm test -- unit db (only the named tiers)
 *
 * First it checks what the selected tiers need from the system and installs what is missing
 * where it can (scripts/lib/preflight.ts), or stops naming the command to run. The tiers run in
 * two lanes at once: the contract tier (cargo, at a lower CPU priority) beside the others, which
 * run in order. The other lane's output streams; the contract tier's is printed as one block,
 * between two tiers or after the last (scripts/lib/lane-output.ts).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { LaneOutput } from "./lib/lane-output";
import { preflight } from "./lib/preflight";
import { findPostgresBin, startTempPostgres, type TempPostgres } from "./lib/temp-postgres";

type Counts = { passed: number; failed: number; skipped: number };
/** Where a tier's output goes. */
type Out = (text: string) => void;
type Tier = { name: string; lane: Lane; run: (out: Out) => Promise<Counts> };
type Lane = "main" | "contract";
type Result = { name: string; counts: Counts; seconds: number };
const LANES: Lane[] = ["main", "contract"];

const tmp = mkdtempSync(path.join(os.tmpdir(), "gpu-market-test-"));
const baseEnv: NodeJS.ProcessEnv = {
  ...process.env,
  NEXT_TELEMETRY_DISABLED: "1",
};

function exec(out: Out, cmd: string, args: string[], env: NodeJS.ProcessEnv = baseEnv) {
  return new Promise<{ code: number; output: string }>((resolve) => {
    const child = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const tee = (text: string) => {
      output += text;
      out(text);
    };
    child.stdout.setEncoding("utf8").on("data", tee);
    child.stderr.setEncoding("utf8").on("data", tee);
    child.on("error", (error) => out(`${cmd}: ${error.message}\n`));
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

/** A tier that is one command: it passes or fails as a whole. */
async function check(out: Out, cmd: string, args: string[]): Promise<Counts> {
  const { code } = await exec(out, cmd, args);
  return { passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1, skipped: 0 };
}

async function vitest(
  out: Out,
  project: string,
  env: NodeJS.ProcessEnv = baseEnv,
): Promise<Counts> {
  const report = path.join(tmp, `vitest-${project}-${Date.now()}.json`);
  const { code } = await exec(
    out,
    "npx",
    [
      "vitest",
      "run",
      "--project",
      project,
      "--passWithNoTests",
      "--reporter=default",
      "--reporter=json",
      `--outputFile.json=${report}`,
    ],
    env,
  );
  if (!existsSync(report)) return { passed: 0, failed: 1, skipped: 0 };
  const counts = JSON.parse(readFileSync(report, "utf8")) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
  };
  const failed = counts.numFailedTests + (code !== 0 && counts.numFailedTests === 0 ? 1 : 0);
  return {
    passed: counts.numPassedTests,
    failed,
    skipped: counts.numPendingTests + counts.numTodoTests,
  };
}

async function cargoTests(out: Out): Promise<Counts> {
  const script = path.join("scripts", "contract", "test.sh");
  if (!existsSync(script)) return { passed: 0, failed: 0, skipped: 0 };
  // Niced: the cargo builds take what CPU the other lane leaves, so its timed tests keep theirs.
  const { code, output } = await exec(out, "nice", ["-n", "10", "bash", script]);
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

/**
 * The Playwright specs against the production build, with the devnet that playwright.config.ts
 * starts and the app server on a database of their own in the test Postgres: the wallet specs'
 * fixtures drive the provider's side through the same database (e2e/fixtures/jobs.ts), which
 * an embedded PGlite inside the server could not share.
 */
async function e2e(out: Out): Promise<Counts> {
  const build = await exec(out, "npx", ["next", "build"]);
  if (build.code !== 0) return { passed: 0, failed: 1, skipped: 0 };
  const report = path.join(tmp, "playwright.json");
  const { code } = await exec(out, "npx", ["playwright", "test", "--reporter=list,json"], {
    ...baseEnv,
    PLAYWRIGHT_JSON_OUTPUT_NAME: report,
    E2E_DATABASE_URL: await freshDatabase(await postgresUrl(), "e2e"),
    // The wallet specs' fixtures import the services, which guard themselves with server-only.
    NODE_OPTIONS: "--conditions=react-server",
  });
  if (!existsSync(report)) return { passed: 0, failed: 1, skipped: 0 };
  const stats = (
    JSON.parse(readFileSync(report, "utf8")) as {
      stats: { expected: number; unexpected: number; flaky: number; skipped: number };
    }
  ).stats;
  const failed = stats.unexpected + (code !== 0 && stats.unexpected === 0 ? 1 : 0);
  return { passed: stats.expected + stats.flaky, failed, skipped: stats.skipped };
}

/** A new, empty database on the server at `url`, named after `prefix`; its URL. */
async function freshDatabase(url: string, prefix: string): Promise<string> {
  const name = `${prefix}_${Date.now()}_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const fresh = new URL(url);
  fresh.pathname = `/${name}`;
  return fresh.toString();
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

/** In the order of the summary; each lane runs its own tiers in this order. */
const tiers: Tier[] = [
  { name: "lint+format", lane: "main", run: (out) => check(out, "npx", ["biome", "ci", "."]) },
  { name: "typecheck", lane: "main", run: (out) => check(out, "npx", ["tsc", "--noEmit"]) },
  { name: "contract", lane: "contract", run: cargoTests },
  { name: "unit", lane: "main", run: (out) => vitest(out, "unit") },
  {
    name: "db:pglite",
    lane: "main",
    run: (out) => vitest(out, "db", { ...baseEnv, TEST_DB: "pglite" }),
  },
  {
    name: "db:postgres",
    lane: "main",
    run: async (out) =>
      vitest(out, "db", { ...baseEnv, TEST_DB: "postgres", DATABASE_URL: await postgresUrl() }),
  },
  {
    name: "chain",
    lane: "main",
    run: async (out) => vitest(out, "chain", { ...baseEnv, DATABASE_URL: await postgresUrl() }),
  },
  { name: "e2e", lane: "main", run: e2e },
];

const output = new LaneOutput(LANES, (text) => process.stdout.write(text));

async function runLane(lane: Lane, selected: Tier[], results: Map<string, Result>) {
  for (const tier of selected.filter((t) => t.lane === lane)) {
    output.start(lane, `\n=== ${tier.name} ===\n`);
    const out: Out = (text) => output.write(lane, text);
    const started = Date.now();
    let counts: Counts;
    try {
      counts = await tier.run(out);
    } catch (error) {
      out(`${error instanceof Error ? error.message : error}\n`);
      counts = { passed: 0, failed: 1, skipped: 0 };
    }
    const seconds = Math.round((Date.now() - started) / 100) / 10;
    results.set(tier.name, { name: tier.name, counts, seconds });
    output.end(
      lane,
      `--- ${tier.name}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped (${seconds}s)\n`,
    );
  }
  output.finish(lane);
}

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

  const missing = preflight(selected.map((t) => t.name));
  if (missing) {
    console.error(`\n${missing}`);
    process.exit(1);
  }

  const lanes = LANES.filter((lane) => selected.some((t) => t.lane === lane));
  if (lanes.length > 1) {
    const beside = selected.filter((t) => t.lane !== lanes[0]).map((t) => t.name);
    console.log(
      `Running beside the other tiers: ${beside.join(", ")} (its output is printed as one block).`,
    );
  }
  const byName = new Map<string, Result>();
  await Promise.all(LANES.map((lane) => runLane(lane, selected, byName)));
  const results = selected.flatMap((t) => byName.get(t.name) ?? []);
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
    output.flushAll();
    postgres?.stop();
    process.exit(signal === "SIGINT" ? 130 : 143);
  });
}

await main();
