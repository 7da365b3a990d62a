/**
 * Web benchmark (npm run bench:web), on the production build (`next build` first when there is
 * none, or when BENCH_BUILD=1):
 *
 * - market_p50_ms / market_p95_ms: the server render of /market (the whole streamed HTML) with
 *   10,000 offers on Postgres (DATABASE_URL, or a throwaway cluster) and a filter (two models, a
 *   max price, sorted by price per TFLOPS), BENCH_REQUESTS requests one after another after a
 *   warm-up;
 * - first_load_js_gzip_kb: per page, the gzipped JavaScript a first visit loads, from the build
 *   output (the root chunks plus every chunk the page's client manifest lists for its segments);
 * - lighthouse: Lighthouse 12.2.3's mobile preset (the default) on /, /market and /jobs/new,
 *   with Debian's Chromium (CHROME_PATH, default /usr/bin/chromium): performance, accessibility
 *   and best practices, 0-100; and on /provider signed in (`lighthouse.provider`);
 * - earnings_p50_ms / earnings_p95_ms: the server render of the provider's earnings page for a
 *   provider with 10,000 finished jobs (scripts/bench/web-provider.ts, on BENCH_PORT + 1);
 * - the machine.
 *
 * The last line printed is one JSON object. Env: BENCH_OFFERS (10000), BENCH_REQUESTS (200),
 * BENCH_PORT (3190), BENCH_LIGHTHOUSE (1; 0 skips it).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { gzipSync } from "node:zlib";
import { openDb } from "@/db/client";
import { seedMarket } from "../../e2e/fixtures/market-seed";
import { startTempPostgres, type TempPostgres } from "../lib/temp-postgres";

const OFFERS = Number(process.env.BENCH_OFFERS ?? 10_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const PORT = Number(process.env.BENCH_PORT ?? 3190);
const LIGHTHOUSE = process.env.BENCH_LIGHTHOUSE !== "0";
const CHROME = process.env.CHROME_PATH ?? "/usr/bin/chromium";
const root = path.resolve(import.meta.dirname, "../..");
const origin = `http://localhost:${PORT}`;
const marketQuery = "/market?model=h100-80gb,a100-80gb&maxPrice=0.0012&sort=price_per_tflops";
const pages = { home: "/", market: "/market", new_job: "/jobs/new" } as const;

const log = (line: string) => process.stderr.write(`${line}\n`);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function build() {
  if (existsSync(path.join(root, ".next", "BUILD_ID")) && process.env.BENCH_BUILD !== "1") {
    log("Using the existing build in .next (BENCH_BUILD=1 rebuilds).");
    return;
  }
  log("Building (next build)...");
  const r = spawnSync("npx", ["next", "build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (r.status !== 0) throw new Error("next build failed");
}

/** A page's first-load JavaScript, gzipped, from the build's manifests. */
function firstLoadJsKb(route: string): number {
  const next = path.join(root, ".next");
  const manifest = JSON.parse(readFileSync(path.join(next, "build-manifest.json"), "utf8")) as {
    rootMainFiles: string[];
  };
  const dir = route === "/" ? "" : route;
  const text = readFileSync(
    path.join(next, "server", "app", dir, "page_client-reference-manifest.js"),
    "utf8",
  );
  const files = new Set(manifest.rootMainFiles);
  const entries = /"entryJSFiles":(\{.*?\})\s*[,}]/.exec(text)?.[1];
  for (const list of Object.values(JSON.parse(entries ?? "{}") as Record<string, string[]>)) {
    for (const f of list) files.add(f);
  }
  let bytes = 0;
  for (const f of files) bytes += gzipSync(readFileSync(path.join(next, f))).length;
  return Math.round(bytes / 102.4) / 10;
}

async function startServer(databaseUrl: string): Promise<ChildProcess> {
  const server = spawn("npx", ["next", "start", "-p", String(PORT)], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: databaseUrl,
      APP_ORIGIN: origin,
      INDEXER: "off",
      KEEPER: "off",
    },
    stdio: "ignore",
    detached: true,
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (
      await fetch(`${origin}/api/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return server;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error("the app server did not start");
}

async function timeRenders(): Promise<{ p50: number; p95: number; offersShown: boolean }> {
  const once = async () => {
    const started = performance.now();
    const response = await fetch(`${origin}${marketQuery}`);
    const html = await response.text();
    if (!response.ok) throw new Error(`/market answered ${response.status}`);
    return { ms: performance.now() - started, html };
  };
  for (let i = 0; i < 20; i++) await once();
  const times: number[] = [];
  let offersShown = false;
  for (let i = 0; i < REQUESTS; i++) {
    const { ms, html } = await once();
    times.push(ms);
    offersShown ||= html.includes('data-testid="offer-row"');
  }
  times.sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 10) / 10;
  return { p50: round(percentile(times, 50)), p95: round(percentile(times, 95)), offersShown };
}

type Scores = { performance: number; accessibility: number; best_practices: number };

function lighthouse(route: string): Scores {
  const r = spawnSync(
    path.join(root, "node_modules", ".bin", "lighthouse"),
    [
      `${origin}${route}`,
      "--quiet",
      "--output=json",
      "--only-categories=performance,accessibility,best-practices",
      "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
    ],
    { encoding: "utf8", env: { ...process.env, CHROME_PATH: CHROME }, maxBuffer: 64 << 20 },
  );
  if (r.status !== 0) throw new Error(`lighthouse ${route} failed: ${r.stderr.slice(-500)}`);
  const cats = (JSON.parse(r.stdout) as { categories: Record<string, { score: number }> })
    .categories;
  const score = (k: string) => Math.round((cats[k]?.score ?? 0) * 100);
  return {
    performance: score("performance"),
    accessibility: score("accessibility"),
    best_practices: score("best-practices"),
  };
}

/**
 * The provider's side (issue 16's figures): the earnings page's server render for a provider with
 * 10,000 finished jobs and Lighthouse on /provider, measured by its own script on its own
 * database and server (the same build); its last line is one JSON object.
 */
function providerFigures(): {
  earnings_p50_ms: number;
  earnings_p95_ms: number;
  provider_lighthouse?: Scores;
} {
  const r = spawnSync(
    "npx",
    ["tsx", "--conditions=react-server", path.join(root, "scripts/bench/web-provider.ts")],
    {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, BENCH_PORT: String(PORT + 1) },
      maxBuffer: 64 * 2 ** 20,
    },
  );
  const last = r.stdout.trim().split("\n").at(-1) ?? "";
  if (r.status !== 0 || !last.startsWith("{")) {
    throw new Error(`web-provider failed: ${(r.stderr || r.stdout).slice(-800)}`);
  }
  return JSON.parse(last);
}

async function main() {
  build();
  const first_load_js_gzip_kb = Object.fromEntries(
    Object.entries(pages).map(([name, route]) => [name, firstLoadJsKb(route)]),
  );
  const temp: TempPostgres | undefined = process.env.DATABASE_URL
    ? undefined
    : await startTempPostgres();
  const url = process.env.DATABASE_URL || (temp?.url ?? "");
  let server: ChildProcess | undefined;
  try {
    log(`Seeding ${OFFERS} offers...`);
    const handle = await openDb({ driver: "postgres", url });
    await seedMarket(handle.db, { offers: OFFERS });
    await handle.close();
    server = await startServer(url);
    log(`Timing ${REQUESTS} renders of ${marketQuery}...`);
    const renders = await timeRenders();
    if (!renders.offersShown) throw new Error("the market page showed no offers");
    const scores: Record<string, Scores> = {};
    if (LIGHTHOUSE) {
      for (const [name, route] of Object.entries(pages)) {
        log(`Lighthouse (mobile) ${route}...`);
        scores[name] = lighthouse(route);
        log(`  ${JSON.stringify(scores[name])}`);
      }
    }
    if (server?.pid) process.kill(-server.pid, "SIGTERM");
    server = undefined;
    log("The provider's earnings page (scripts/bench/web-provider.ts)...");
    const provider = providerFigures();
    if (provider.provider_lighthouse) scores.provider = provider.provider_lighthouse;
    const result = {
      market_p50_ms: renders.p50,
      earnings_p50_ms: provider.earnings_p50_ms,
      earnings_p95_ms: provider.earnings_p95_ms,
      market_p95_ms: renders.p95,
      market_query: marketQuery,
      offers: OFFERS,
      requests: REQUESTS,
      first_load_js_gzip_kb,
      lighthouse: scores,
      machine: {
        cpus: os.cpus().length,
        cpu: os.cpus()[0]?.model ?? "unknown",
        memory_gb: Math.round(os.totalmem() / 2 ** 30),
        node: process.version,
        database: process.env.DATABASE_URL ? "postgres (DATABASE_URL)" : "postgres (temp cluster)",
      },
    };
    console.log(JSON.stringify(result));
  } finally {
    if (server?.pid) process.kill(-server.pid, "SIGTERM");
    temp?.stop();
  }
}

await main();
