/**
 * The provider's part of the web benchmark: the earnings page's server render for a provider with
 * 10,000 finished jobs (`earnings_p50_ms`, `earnings_p95_ms`; goal p95 <= 200) and the Lighthouse
 * scores of `/provider` on its mobile preset (goals: performance >= 90, accessibility >= 98, best
 * practices >= 95). Needs a build (`npx next build`); serves it on BENCH_PORT (default 3104) with a
 * temporary Postgres (or DATABASE_URL), no chain (INDEXER=off, KEEPER=off): the page reads the
 * index's rows, seeded here as the indexer writes them. The last line is one JSON object, so
 * `bench:web` can call this and merge it.
 *
 *   npx tsx --conditions=react-server scripts/bench/web-provider.ts
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";
import { openDb } from "../../db/client";
import { recordStakeForSeed } from "../../db/queries/chain/seed-stake";
import { createOfferInput, registerProviderInput } from "../../lib/market/schemas";
import { listOffer } from "../../lib/services/offers/offers";
import { earningsPage } from "../../lib/services/providers/dashboard";
import { registerProvider } from "../../lib/services/providers/providers";
import { startTempPostgres } from "../lib/temp-postgres";

const JOBS = 10_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const port = Number(process.env.BENCH_PORT ?? 3104);
const origin = `http://localhost:${port}`;
const root = path.resolve(import.meta.dirname, "../..");

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? Number.NaN;
};

/** 10,000 finalized jobs over the last 180 days, with their pay, as the indexer records them. */
async function seed(url: string, provider: string) {
  const handle = await openDb({ driver: "postgres", url });
  const db = handle.db;
  await registerProvider(
    db,
    provider,
    registerProviderInput.parse({ name: "bench", region: "us-east", signerAddress: provider }),
  );
  await recordStakeForSeed(db, [{ address: provider, stake: 10n ** 19n, signer: provider }]);
  await listOffer(
    db,
    provider,
    createOfferInput.parse({
      gpuModel: "h100-80gb",
      gpusTotal: 8,
      askWeiPerGpuHour: "1000000000000000",
      region: "us-east",
    }),
  );
  await db.execute(sql`
    insert into chain_jobs (job_id, consumer, provider, status, rate_per_second, max_seconds,
      escrow, collateral, fee_bps, no_show_slash_bps, dispute_default_pay_bps, funded_at,
      start_deadline, deadline, challenge_window_seconds, dispute_timeout_seconds, started_at,
      submitted_at, used_seconds, result_hash, challenge_ends_at, settled_at, provider_amount,
      fee, consumer_amount, slashed, updated_block)
    select '0x' || lpad(to_hex(i), 64, '0'), '0x' || lpad(to_hex(i % 97 + 1), 40, '0'),
      ${provider}, 'finalized', 277777777778, 3600, 277777777778 * 3600, 100000000000000, 250,
      5000, 5000, t, t + interval '10 min', t + interval '1 hour', 3600, 86400, t,
      t + interval '30 min', 1800, '0x' || lpad(to_hex(i), 64, '0'), t + interval '90 min',
      t + interval '90 min', 487500000000000, 12500000000000, 500000000000000, 0, i
    from (select i, now() - (i * interval '1 day' * 180 / ${JOBS}) - interval '2 hours' as t
          from generate_series(1, ${JOBS}) i) s`);
  await db.execute(sql`
    insert into chain_balance_moves (block_hash, log_index, account, kind, amount, job_id,
      block_number, block_time, tx_hash)
    select '0x' || lpad(to_hex(j.updated_block), 64, '0'), 0, ${provider}, 'pay',
      j.provider_amount, j.job_id, j.updated_block, j.settled_at,
      '0x' || lpad(to_hex(j.updated_block), 64, 'f')
    from chain_jobs j where j.provider = ${provider}`);
  await db.execute(sql`
    insert into chain_balance_moves (block_hash, log_index, account, kind, amount, job_id,
      block_number, block_time, tx_hash)
    select '0x' || lpad(to_hex(100000 + i), 64, '0'), 0, ${provider}, 'withdrawn',
      -4875000000000000, null, 100000 + i, now() - i * interval '1 day',
      '0x' || lpad(to_hex(100000 + i), 64, 'e')
    from generate_series(1, 150) i`);
  await db.execute(sql`
    insert into chain_accounts (address, withdrawable, credited, withdrawn, updated_block)
    select ${provider}, sum(amount) filter (where kind = 'pay') + sum(amount) filter (where kind = 'withdrawn'),
      sum(amount) filter (where kind = 'pay'), -sum(amount) filter (where kind = 'withdrawn'), 0
    from chain_balance_moves where account = ${provider}`);
  await db.execute(sql`analyze`);
  await handle.close();
}

async function waitFor(url: string, ms: number) {
  const until = Date.now() + ms;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    if (Date.now() > until) throw new Error(`${url} did not answer`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function signIn(key: `0x${string}`): Promise<string> {
  const account = privateKeyToAccount(key);
  const headers = { origin };
  const { nonce } = (await (await fetch(`${origin}/api/auth/nonce`, { headers })).json()) as {
    nonce: string;
  };
  const message = createSiweMessage({
    address: account.address,
    chainId: 412346,
    domain: new URL(origin).host,
    uri: origin,
    version: "1",
    nonce,
    issuedAt: new Date(),
  });
  const signature = await account.signMessage({ message });
  const res = await fetch(`${origin}/api/auth/verify`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify({ message, signature }),
  });
  const cookie = /gpu_market_session=[^;]+/.exec(res.headers.get("set-cookie") ?? "")?.[0];
  if (!cookie) throw new Error(`sign-in refused: ${res.status} ${await res.text()}`);
  return cookie;
}

async function main() {
  const temp = process.env.DATABASE_URL ? undefined : await startTempPostgres();
  const url = process.env.DATABASE_URL ?? (temp?.url as string);
  const key = generatePrivateKey();
  const provider = privateKeyToAccount(key).address.toLowerCase();
  let t = performance.now();
  await seed(url, provider);
  console.log(`seeded ${JOBS} finished jobs in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  // The page's reads alone, in this process: how much of the render is the database.
  {
    const handle = await openDb({ driver: "postgres", url });
    const reads: number[] = [];
    for (let i = 0; i < 25; i++) {
      const now = new Date();
      t = performance.now();
      await earningsPage(handle.db, provider, {
        from: new Date(now.getTime() - 29 * 86_400_000),
        to: now,
        now,
      });
      if (i >= 5) reads.push(performance.now() - t);
    }
    await handle.close();
    console.log(`earnings reads alone: p50 ${quantile(reads, 0.5).toFixed(1)} ms`);
  }

  const server: ChildProcess = spawn(
    process.execPath,
    [path.join(root, "node_modules/next/dist/bin/next"), "start", "-p", String(port)],
    {
      cwd: root,
      env: {
        ...process.env,
        NODE_ENV: "production",
        DATABASE_URL: url,
        APP_ORIGIN: origin,
        INDEXER: "off",
        KEEPER: "off",
        NEXT_TELEMETRY_DISABLED: "1",
      },
      stdio: "ignore",
    },
  );
  try {
    await waitFor(`${origin}/api/health`, 60_000);
    const cookie = await signIn(key);
    const page = `${origin}/provider/earnings?days=30`;
    const times: number[] = [];
    for (let i = 0; i < RUNS + 5; i++) {
      t = performance.now();
      const res = await fetch(page, { headers: { cookie } });
      const html = await res.text();
      if (!res.ok || !html.includes("Claimable now"))
        throw new Error(`earnings page: ${res.status}`);
      if (i >= 5) times.push(performance.now() - t);
    }
    const p50 = quantile(times, 0.5);
    const p95 = quantile(times, 0.95);
    console.log(
      `earnings page (${JOBS} finished jobs, 30 days): p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms over ${RUNS}`,
    );

    const out = path.join(mkdtempSync(path.join(os.tmpdir(), "lh-provider-")), "report.json");
    execFileSync(
      process.execPath,
      [
        path.join(root, "node_modules/lighthouse/cli/index.js"),
        `${origin}/provider`,
        "--quiet",
        "--output=json",
        `--output-path=${out}`,
        "--only-categories=performance,accessibility,best-practices",
        `--extra-headers=${JSON.stringify({ cookie })}`,
        "--chrome-flags=--headless --no-sandbox --disable-gpu",
      ],
      {
        env: { ...process.env, CHROME_PATH: process.env.CHROME_PATH ?? "/usr/bin/chromium" },
        stdio: "ignore",
      },
    );
    const report = JSON.parse(readFileSync(out, "utf8")) as {
      categories: Record<string, { score: number }>;
    };
    const score = (k: string) => Math.round((report.categories[k]?.score ?? 0) * 100);
    const lighthouse = {
      performance: score("performance"),
      accessibility: score("accessibility"),
      best_practices: score("best-practices"),
    };
    console.log(`lighthouse /provider (mobile, signed in): ${JSON.stringify(lighthouse)}`);
    console.log(
      JSON.stringify({
        earnings_p50_ms: Number(p50.toFixed(1)),
        earnings_p95_ms: Number(p95.toFixed(1)),
        provider_lighthouse: lighthouse,
        cpus: os.cpus().length,
      }),
    );
  } finally {
    server.kill("SIGTERM");
    temp?.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
