/**
 * Indexer benchmark (npm run bench:index), on PGlite (the embedded default, in a data folder)
 * and on Postgres (DATABASE_URL, or a throwaway cluster):
 *
 * - backfill_events_per_s: 20,000 ComputeMarket events already on a devnet, indexed from an empty
 *   database with the app's default settings (INDEXER_CHUNK_BLOCKS etc.), until caught up;
 * - lag_p99_ms: then, under a live load of 50 transactions a second, the time from each
 *   transaction's receipt (the devnet answers eth_sendRawTransaction once the transaction is
 *   mined) to the commit of the indexer transaction that holds its event.
 *
 * The chain is generated once (a few minutes) into .data/bench-index/ and copied for each run.
 * The devnet runs in a child process, the indexer in this one, as in the app. The last line
 * printed is one JSON object: the top-level figures are the worse of the drivers measured, each
 * driver's figures and where its backfill time went are under `drivers`.
 *
 * Env: BENCH_EVENTS (20000), BENCH_LAG_TPS (50), BENCH_LAG_SECONDS (20),
 * BENCH_DRIVERS (pglite,postgres), INDEXER_* as for the app.
 */
import { createHash, randomBytes } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { sql } from "drizzle-orm";
import pg from "pg";
import { createPublicClient, type Hex, http, type PublicClient, type Transport } from "viem";
import { type DbHandle, openDb, queryRows } from "@/db/client";
import { processLock } from "@/db/locks";
import { DEFAULT_ARTIFACT_PATH } from "@/lib/devnet/index";
import { envSchema } from "@/lib/env";
import { Indexer, type IndexerConfig } from "@/lib/indexer/indexer";
import { indexerSettings, rpcClient, runIndexer } from "@/lib/indexer/run";
import { startTempPostgres, type TempPostgres } from "../lib/temp-postgres";
import {
  type DevnetChild,
  jobWave,
  liveTransactions,
  rpc,
  sendRaw,
  setUp,
  startDevnetChild,
} from "./index-load";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
const LAG_TPS = Number(process.env.BENCH_LAG_TPS ?? 50);
const LAG_SECONDS = Number(process.env.BENCH_LAG_SECONDS ?? 20);
const DRIVERS = (process.env.BENCH_DRIVERS ?? "pglite,postgres").split(",") as (
  | "pglite"
  | "postgres"
)[];
const JOBS_PER_WAVE = 250;
const GOALS = { backfill_events_per_s: 5_000, lag_p99_ms: 500 };

const log = (line: string) => process.stderr.write(`${line}\n`);
const round = (n: number, d = 0) => Math.round(n * 10 ** d) / 10 ** d;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** The cached chain for this contract artifact and event count, generated when missing. */
async function chain(): Promise<{ dir: string; events: number; blocks: number }> {
  const artifact = createHash("sha256").update(readFileSync(DEFAULT_ARTIFACT_PATH)).digest("hex");
  const dir = path.join(".data", "bench-index", `chain-${EVENTS}-${artifact.slice(0, 12)}`);
  const done = path.join(dir, "bench.json");
  if (existsSync(done)) return { dir, ...JSON.parse(readFileSync(done, "utf8")) };
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  log(`generating a chain with ${EVENTS} events in ${dir} (once)...`);
  const devnet = await startDevnetChild(partial);
  const t0 = performance.now();
  let events = 0;
  try {
    await setUp(devnet.url);
    while (events < EVENTS) {
      events += await jobWave(devnet.url, JOBS_PER_WAVE);
      const s = (performance.now() - t0) / 1000;
      log(`  ${events} events, ${round(events / s)} events/s`);
    }
  } finally {
    await devnet.stop();
  }
  const again = await startDevnetChild(partial);
  const blocks = Number(BigInt(await rpc<Hex>(again.url, "eth_blockNumber", [])));
  const logs = await rpc<unknown[]>(again.url, "eth_getLogs", [
    { fromBlock: "0x0", toBlock: "latest" },
  ]);
  await again.stop();
  writeFileSync(path.join(partial, "bench.json"), JSON.stringify({ events: logs.length, blocks }));
  renameSync(partial, dir);
  return { dir, events: logs.length, blocks };
}

/** The app's RPC client (rpcClient's settings), adding the time of each request to `spent.ms`. */
function timedClient(url: string, spent: { ms: number; requests: number }): PublicClient {
  const base = http(url, { batch: { wait: 0 }, retryCount: 0, timeout: 15_000 });
  const timed: Transport = (params) => {
    const t = base(params);
    return {
      ...t,
      request: (async (args: unknown) => {
        const start = performance.now();
        try {
          return await (t.request as (a: unknown) => Promise<unknown>)(args);
        } finally {
          spent.ms += performance.now() - start;
          spent.requests++;
        }
      }) as typeof t.request,
    };
  };
  return createPublicClient({ transport: timed }) as PublicClient;
}

type Database = { handle: DbHandle; version: string; drop(): Promise<void> };

async function database(driver: "pglite" | "postgres", server?: TempPostgres): Promise<Database> {
  if (driver === "pglite") {
    const dir = mkdtempSync(path.join(os.tmpdir(), "bench-index-pglite-"));
    const handle = await openDb({ driver: "pglite", dataDir: dir });
    const pkg = JSON.parse(
      readFileSync("node_modules/@electric-sql/pglite/package.json", "utf8"),
    ) as { version: string };
    const [v] = await queryRows<{ v: string }>(handle.db, sql`select version() as v`);
    return {
      handle,
      version: `PGlite ${pkg.version} (${v?.v.split(",")[0]}), data folder`,
      drop: async () => {
        await handle.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const serverUrl = process.env.DATABASE_URL ?? (server?.url as string);
  const name = `bench_index_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = await openDb({ driver: "postgres", url: url.toString(), poolSize: 4 });
  const [v] = await queryRows<{ v: string }>(
    handle.db,
    sql`select current_setting('server_version') as v`,
  );
  return {
    handle,
    version: `Postgres ${v?.v} (${process.env.DATABASE_URL ? "DATABASE_URL" : "temp cluster, fsync off"})`,
    drop: async () => {
      await handle.close();
      await sleep(200);
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await admin.end();
    },
  };
}

/** Indexes the whole chain from an empty database; where the time went, per step. */
async function backfill(db: DbHandle, devnet: DevnetChild, config: IndexerConfig) {
  const rpcTime = { ms: 0, requests: 0 };
  let opened = 0;
  let fetchMs = 0;
  let writeMs = 0;
  const indexer = new Indexer(db.db, timedClient(devnet.url, rpcTime), config, {
    onTransaction: () => {
      opened = performance.now();
    },
  });
  await indexer.check();
  const t0 = performance.now();
  let chunks = 0;
  for (;;) {
    const start = performance.now();
    opened = 0;
    const r = await indexer.tick();
    const end = performance.now();
    if (opened) {
      fetchMs += opened - start;
      writeMs += end - opened;
      chunks++;
    }
    if (r.caughtUp) break;
  }
  const seconds = (performance.now() - t0) / 1000;
  const [count] = await queryRows<{ n: number }>(
    db.db,
    sql`select count(*)::int as n from chain_events`,
  );
  const events = count?.n ?? 0;
  return {
    events,
    seconds: round(seconds, 2),
    events_per_s: round(events / seconds),
    chunks,
    // Fetch: RPC (getLogs, headers) and decoding; write: the chunk's transaction (loads, fold,
    // writes, cursor).
    fetch_ms: round(fetchMs),
    rpc_ms: round(rpcTime.ms),
    rpc_requests: rpcTime.requests,
    write_ms: round(writeMs),
  };
}

/** A live load at LAG_TPS; for each transaction, receipt to the commit that holds its event. */
async function lag(db: DbHandle, devnet: DevnetChild, config: IndexerConfig, pollMs: number) {
  const count = LAG_TPS * LAG_SECONDS;
  const raws = await liveTransactions(devnet.url, count);
  const commits: { at: number; cursor: bigint }[] = [];
  // The transactions' own time (open to commit), for the profile of the lag.
  const writes: number[] = [];
  let opened = 0;
  let measuring = false;
  // Time from one step's end to the next's (the poll pause included when a step found nothing).
  const steps: number[] = [];
  let lastTick = 0;
  const runner = runIndexer({
    db: db.db,
    config,
    client: rpcClient(devnet.url),
    lock: processLock(`bench-index-${randomBytes(4).toString("hex")}`, undefined),
    pollMs,
    hooks: {
      onTransaction: () => {
        opened = performance.now();
      },
    },
    onTick: (r) => {
      const at = performance.now();
      if (measuring && lastTick) steps.push(at - lastTick);
      lastTick = at;
      const last = commits.at(-1);
      if (!last || r.cursor > last.cursor) {
        commits.push({ at, cursor: r.cursor });
        if (measuring && opened) writes.push(at - opened);
      }
      opened = 0;
    },
  });
  await runner.caughtUp();
  measuring = true;
  const sent: { hash: Hex; at: number }[] = [];
  const t0 = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < raws.length; i++) {
    const due = t0 + (i * 1000) / LAG_TPS;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    inFlight.push(
      sendRaw(devnet.url, raws[i] as Hex).then((hash) => {
        sent.push({ hash, at: performance.now() });
      }),
    );
  }
  await Promise.all(inFlight);
  const sendSeconds = (performance.now() - t0) / 1000;
  const head = BigInt(await rpc<Hex>(devnet.url, "eth_blockNumber", []));
  while ((commits.at(-1)?.cursor ?? -1n) < head) await sleep(20);
  await runner.stop();
  const lags: number[] = [];
  let reverted = 0;
  for (const s of sent) {
    const receipt = await rpc<{ blockNumber: Hex; status: Hex }>(
      devnet.url,
      "eth_getTransactionReceipt",
      [s.hash],
    );
    // A reverted transaction has no event to wait for.
    if (receipt.status !== "0x1") {
      reverted++;
      continue;
    }
    const block = BigInt(receipt.blockNumber);
    const commit = commits.find((c) => c.cursor >= block);
    if (commit) lags.push(Math.max(0, commit.at - s.at));
  }
  if (reverted > sent.length / 20) {
    throw new Error(`${reverted} of ${sent.length} live transactions reverted: the load is broken`);
  }
  lags.sort((a, b) => a - b);
  writes.sort((a, b) => a - b);
  steps.sort((a, b) => a - b);
  return {
    transactions: sent.length,
    reverted,
    achieved_tx_per_s: round(sent.length / sendSeconds, 1),
    poll_ms: pollMs,
    lag_p50_ms: round(percentile(lags, 50)),
    lag_p99_ms: round(percentile(lags, 99)),
    lag_max_ms: round(lags.at(-1) ?? Number.NaN),
    steps_with_events: writes.length,
    write_p50_ms: round(percentile(writes, 50)),
    write_p99_ms: round(percentile(writes, 99)),
    step_interval_p50_ms: round(percentile(steps, 50)),
    step_interval_p99_ms: round(percentile(steps, 99)),
  };
}

async function measure(driver: "pglite" | "postgres", cached: string, server?: TempPostgres) {
  const copy = mkdtempSync(path.join(os.tmpdir(), "bench-index-chain-"));
  cpSync(cached, copy, { recursive: true });
  const devnet = await startDevnetChild(copy);
  const db = await database(driver, server);
  try {
    const settings = indexerSettings(
      envSchema.parse({
        ...process.env,
        NEXT_PUBLIC_CHAIN: "devnet",
        NEXT_PUBLIC_RPC_URL: devnet.url,
      }),
    );
    if ("off" in settings) throw new Error(settings.off);
    log(`${driver}: backfill (chunks of ${settings.config.chunkBlocks} blocks)...`);
    const b = await backfill(db.handle, devnet, settings.config);
    log(`${driver}: ${b.events} events in ${b.seconds} s: ${b.events_per_s} events/s`);
    log(`${driver}: live load, ${LAG_TPS} tx/s for ${LAG_SECONDS} s...`);
    const l = await lag(db.handle, devnet, settings.config, settings.pollMs);
    log(
      `${driver}: lag p50 ${l.lag_p50_ms} ms, p99 ${l.lag_p99_ms} ms at ${l.achieved_tx_per_s} tx/s`,
    );
    return {
      database: db.version,
      chunk_blocks: settings.config.chunkBlocks,
      backfill: b,
      live: l,
    };
  } finally {
    await db.drop();
    await devnet.stop();
    rmSync(copy, { recursive: true, force: true });
  }
}

async function main() {
  const t0 = performance.now();
  const cached = await chain();
  log(`chain: ${cached.events} events in ${cached.blocks} blocks (${cached.dir})`);
  const server =
    DRIVERS.includes("postgres") && !process.env.DATABASE_URL
      ? await startTempPostgres()
      : undefined;
  const drivers: Record<string, Awaited<ReturnType<typeof measure>>> = {};
  try {
    for (const d of DRIVERS) drivers[d] = await measure(d, cached.dir, server);
  } finally {
    server?.stop();
  }
  const all = Object.values(drivers);
  const backfillPerS = Math.min(...all.map((d) => d.backfill.events_per_s));
  const lagP99 = Math.max(...all.map((d) => d.live.lag_p99_ms));
  log(`total ${round((performance.now() - t0) / 1000)} s`);
  const cpus = os.cpus();
  console.log(
    JSON.stringify({
      bench: "index",
      backfill_events_per_s: backfillPerS,
      lag_p99_ms: lagP99,
      goals: GOALS,
      goals_met: backfillPerS >= GOALS.backfill_events_per_s && lagP99 <= GOALS.lag_p99_ms,
      chain: { events: cached.events, blocks: cached.blocks },
      live_tx_per_s: LAG_TPS,
      drivers,
      machine: {
        cpus: cpus.length,
        cpu_model: cpus[0]?.model ?? "unknown",
        mem_gb: Math.round(os.totalmem() / 2 ** 30),
        load_avg_1m: round(os.loadavg()[0] ?? 0, 2),
        node: process.version,
      },
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
