/**
 * Match benchmark: 10,000 offers and 50,000 jobs submitted through the real submit service on
 * real Postgres (DATABASE_URL, or a throwaway cluster), then pgbench's single-row-update TPS
 * on the same server as the commit ceiling, then match quality against the exact optimum on
 * 1,000 x 1,000 instances. The last line printed is one JSON object.
 *
 * Run: tsx --conditions=react-server scripts/bench/match.ts   (env: BENCH_JOBS, BENCH_OFFERS,
 * BENCH_CONCURRENCY, BENCH_QUALITY_INSTANCES to resize)
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { sql } from "drizzle-orm";
import pg from "pg";
import { openDb, queryRows } from "@/db/client";
import { recordStakeForSeed } from "@/db/queries/chain/seed-stake";
import { offers, providers, users } from "@/db/schema";
import type { SubmitJobInput } from "@/lib/market/schemas";
import { matchQuality, optimalSurplus } from "@/lib/matching/quality";
import { makeJobs, makeOffers } from "@/lib/matching/workload";
import { submitJob } from "@/lib/services/submit/submit-job";
import { findPostgresBin, startTempPostgres } from "../lib/temp-postgres";

const OFFERS = Number(process.env.BENCH_OFFERS ?? 10_000);
const JOBS = Number(process.env.BENCH_JOBS ?? 50_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const QUALITY_INSTANCES = Number(process.env.BENCH_QUALITY_INSTANCES ?? 3);
const PROVIDERS = 500;
const CONSUMERS = 2_000;
const GWEI = 1_000_000_000n;

const log = (line: string) => process.stderr.write(`${line}\n`);
const addr = (prefix: number, i: number) =>
  `0x${prefix.toString(16)}${i.toString(16).padStart(38, "0")}`;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function seed(db: Awaited<ReturnType<typeof openDb>>["db"]) {
  const providerAddrs = Array.from({ length: PROVIDERS }, (_, i) => addr(0xa1, i));
  const consumerAddrs = Array.from({ length: CONSUMERS }, (_, i) => addr(0xc1, i));
  for (let i = 0; i < providerAddrs.length + consumerAddrs.length; i += 1_000) {
    const batch = [...providerAddrs, ...consumerAddrs].slice(i, i + 1_000);
    await db.insert(users).values(batch.map((address) => ({ address })));
  }
  const rows = await db
    .insert(providers)
    .values(
      providerAddrs.map((address, i) => ({
        address,
        name: `provider ${i}`,
        region: "us-east",
        signerAddress: address,
        reliabilityBps: 9_000 + ((i * 37) % 1_001),
        status: i % 33 === 0 ? ("offline" as const) : ("online" as const),
      })),
    )
    .returning({ id: providers.id });
  // Their stake as the indexer records it after they staked on chain: 100 ETH each, which a
  // provider's whole capacity at these asks (about 8 ETH of collateral at most) never exhausts,
  // so the run measures the matching with stake checked, not a market short of stake.
  await recordStakeForSeed(
    db,
    providerAddrs.map((address) => ({ address, stake: 100n * 10n ** 18n, signer: address })),
  );
  // Supply sized to demand (about 140k GPUs for about 130k asked), so the run measures matches
  // rather than a market that sold out early.
  const offerRows = makeOffers(OFFERS, 7919, {
    unit: GWEI,
    providers: PROVIDERS,
    gpuSizes: [4, 8, 8, 16, 16, 32],
  });
  for (let i = 0; i < offerRows.length; i += 1_000) {
    await db.insert(offers).values(
      offerRows.slice(i, i + 1_000).map((o) => ({
        market: o.market,
        providerId: rows[Number(o.providerId.split("-")[1])]?.id ?? "",
        gpuModel: o.gpuModel,
        region: o.region,
        gpusTotal: o.gpusTotal,
        gpusFree: o.gpusTotal,
        askWeiPerGpuHour: o.askWeiPerGpuHour,
        minHours: o.minHours,
        maxHours: o.maxHours,
      })),
    );
  }
  await db.execute(sql`analyze`);
  return consumerAddrs;
}

async function runSubmits(db: Awaited<ReturnType<typeof openDb>>["db"], consumers: string[]) {
  const jobs = makeJobs(JOBS, 104729, { unit: GWEI });
  const inputs: SubmitJobInput[] = jobs.map((j, i) => ({
    kind: "inference",
    image: "ghcr.io/bench/job:1",
    command: "",
    env: [],
    gpuModels: j.gpuModels as SubmitJobInput["gpuModels"],
    minVramGb: j.minVramGb ?? undefined,
    gpuCount: j.gpuCount,
    regions: j.regions as SubmitJobInput["regions"],
    maxPricePerGpuHour: j.maxPricePerGpuHour,
    maxHours: j.maxHours,
    idempotencyKey: `bench-${i}`,
  }));
  const latencies = new Float64Array(inputs.length);
  let next = 0;
  let matched = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < inputs.length) {
        const i = next++;
        const input = inputs[i] as SubmitJobInput;
        const t0 = performance.now();
        const { lease } = await submitJob(db, consumers[i % consumers.length] as string, input);
        latencies[i] = performance.now() - t0;
        if (lease) matched++;
        if ((i + 1) % 10_000 === 0) log(`  ${i + 1} jobs submitted, ${matched} matched`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const sorted = [...latencies].sort((a, b) => a - b);
  return { seconds, matched, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

async function checkInvariants(db: Awaited<ReturnType<typeof openDb>>["db"]) {
  const [row] = await queryRows<{ bad: number; negative: number }>(
    db,
    sql`select count(*) filter (where o.gpus_total - o.gpus_free <> coalesce(l.held, 0))::int as bad,
          count(*) filter (where o.gpus_free < 0)::int as negative
        from offers o left join (
          select market, offer_id, sum(gpu_count) as held from leases
          where status in ('reserved', 'quoted', 'funded', 'running') group by market, offer_id
        ) l on l.market = o.market and l.offer_id = o.id`,
  );
  if (row?.bad || row?.negative)
    throw new Error(`allocation invariant broken: ${JSON.stringify(row)}`);
}

function pgbenchTps(url: string): number | null {
  const bin = findPostgresBin();
  if (!bin) return null;
  const dir = mkdtempSync(path.join(os.tmpdir(), "bench-pgbench-"));
  const script = path.join(dir, "update.sql");
  writeFileSync(
    script,
    "\\set id random(1, 1000)\nUPDATE bench_counter SET n = n + 1 WHERE id = :id;\n",
  );
  const result = spawnSync(
    path.join(bin, "pgbench"),
    ["-n", "-c", String(CONCURRENCY), "-j", "2", "-T", "10", "-f", script, url],
    { encoding: "utf8" },
  );
  rmSync(dir, { recursive: true, force: true });
  const m = /tps = ([\d.]+) \(without initial connection time\)/.exec(result.stdout ?? "");
  if (!m) log(`pgbench failed: ${result.stderr || result.stdout}`);
  return m ? Math.round(Number(m[1])) : null;
}

function quality() {
  const runs = Array.from({ length: QUALITY_INSTANCES }, (_, k) => {
    // Whole-node instances (every offer and job is 8 GPUs): one job per offer is then exactly
    // the market's problem, so the assignment optimum is the true optimum.
    const offerSet = makeOffers(1_000, 1_000 + k, { gpuSizes: [8] });
    const jobSet = makeJobs(1_000, 2_000 + k, { gpuCounts: [8] });
    const optimal = optimalSurplus(jobSet, offerSet);
    return {
      clearing: matchQuality(jobSet, offerSet, "rematch", optimal).pct,
      arrival: matchQuality(jobSet, offerSet, "arrival", optimal).pct,
    };
  });
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    clearing: mean(runs.map((r) => r.clearing)),
    arrival: mean(runs.map((r) => r.arrival)),
  };
}

async function main() {
  const t0 = performance.now();
  const external = process.env.DATABASE_URL;
  // The throwaway server is set up as a busy server would be: a quarter of the memory for its
  // buffers (the 128 MB default evicts the indexes half way through the run), and autovacuum
  // looking every 10 s instead of every minute, so tables that start empty get statistics
  // before they are large (until then foreign-key checks plan as if they were tiny).
  const sharedBuffersMb = Math.min(4096, Math.floor(os.totalmem() / 2 ** 20 / 4));
  const server = external
    ? undefined
    : await startTempPostgres({
        shared_buffers: `${sharedBuffersMb}MB`,
        autovacuum_naptime: "10s",
      });
  const serverUrl = external ?? (server?.url as string);
  const name = `bench_match_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = await openDb({
    driver: "postgres",
    url: url.toString(),
    poolSize: CONCURRENCY + 2,
  });
  try {
    log(`seeding ${OFFERS} offers from ${PROVIDERS} providers...`);
    const consumers = await seed(handle.db);
    log(`submitting ${JOBS} jobs with ${CONCURRENCY} concurrent clients...`);
    const run = await runSubmits(handle.db, consumers);
    await checkInvariants(handle.db);
    const [version] = await queryRows<{ v: string; buffers: string; naptime: string }>(
      handle.db,
      sql`select current_setting('server_version') as v,
                 current_setting('shared_buffers') as buffers,
                 current_setting('autovacuum_naptime') as naptime`,
    );
    await handle.db.execute(
      sql`create table bench_counter (id int primary key, n bigint not null)`,
    );
    await handle.db.execute(
      sql`insert into bench_counter select g, 0 from generate_series(1, 1000) g`,
    );
    log("pgbench single-row update, 10 s...");
    const tps = pgbenchTps(url.toString());
    log("match quality on 1,000 x 1,000 instances...");
    const q = quality();
    const matchesPerS = Math.round(run.matched / run.seconds);
    log(
      `${run.matched}/${JOBS} jobs matched in ${run.seconds.toFixed(1)} s: ${matchesPerS} matches/s, ` +
        `${Math.round(JOBS / run.seconds)} submits/s, p50 ${run.p50.toFixed(2)} ms, p99 ${run.p99.toFixed(2)} ms; ` +
        `pgbench ${tps} tps; quality ${q.clearing.toFixed(2)}% (arrival order ${q.arrival.toFixed(2)}%); ` +
        `total ${((performance.now() - t0) / 1000).toFixed(0)} s`,
    );
    const cpus = os.cpus();
    console.log(
      JSON.stringify({
        bench: "match",
        matches_per_s: matchesPerS,
        p50_ms: Number(run.p50.toFixed(2)),
        p99_ms: Number(run.p99.toFixed(2)),
        pgbench_tps: tps,
        quality_pct: Number(q.clearing.toFixed(2)),
        offers: OFFERS,
        jobs: JOBS,
        matched: run.matched,
        submits_per_s: Math.round(JOBS / run.seconds),
        concurrency: CONCURRENCY,
        quality_arrival_order_pct: Number(q.arrival.toFixed(2)),
        machine: {
          cpus: cpus.length,
          cpu_model: cpus[0]?.model ?? "unknown",
          mem_gb: Math.round(os.totalmem() / 2 ** 30),
          node: process.version,
          postgres: version?.v ?? "unknown",
          postgres_source: external ? "DATABASE_URL" : "temp cluster (fsync off)",
          postgres_shared_buffers: version?.buffers ?? "unknown",
          postgres_autovacuum_naptime: version?.naptime ?? "unknown",
        },
      }),
    );
  } finally {
    await handle.close();
    // Let the pool's sockets finish closing before FORCE terminates whatever is left.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    server?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
