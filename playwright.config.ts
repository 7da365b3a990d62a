import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";

const port = Number(process.env.E2E_PORT ?? 3100);
const origin = `http://localhost:${port}`;
// Set once in the runner process; workers inherit it, so they all agree on the folder.
// The global teardown deletes it when this config created it.
if (!process.env.E2E_DATA_DIR) {
  process.env.E2E_DATA_DIR = mkdtempSync(path.join(os.tmpdir(), "gpu-market-e2e-"));
  process.env.E2E_DATA_DIR_OWNED = "1";
}
const dataDir = process.env.E2E_DATA_DIR;
// The app server's Postgres, when the run gives one (`npm test` does: a fresh database). The
// wallet specs' fixtures drive the provider's side through the same database, so they skip
// without it; the other specs run on the server's embedded PGlite then.
const databaseUrl = process.env.E2E_DATABASE_URL;
if (databaseUrl) process.env.DATABASE_URL = databaseUrl;
/**
 * The devnet this config starts (or reuses outside CI): the chain the app is configured for
 * (8547, the devnet's default RPC; E2E_DEVNET_PORT moves it, for two runs on one machine).
 */
const devnetPort = Number(process.env.E2E_DEVNET_PORT ?? 8547);
process.env.E2E_RPC_URL ??= `http://127.0.0.1:${devnetPort}`;

/** Debian's Chromium: `npx playwright install` cannot download browsers on these machines. */
const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  // One app server with one embedded database, two CPU cores: run the specs one at a time.
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  globalTeardown: "./e2e/global-teardown.ts",
  use: {
    baseURL: origin,
    browserName: "chromium",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: chromiumArgs,
    },
    trace: "retain-on-failure",
  },
  webServer: [
    {
      // The embedded Stylus devnet with the real ComputeMarket WASM, fresh for each run (no data
      // dir): the wallet specs move its clock forward.
      command: `npx tsx lib/devnet/cli.ts --port ${devnetPort} --quiet > "${path.join(dataDir, "devnet.log")}" 2>&1`,
      port: devnetPort,
      reuseExistingServer: !process.env.CI,
      timeout: 120_000,
      env: { NODE_OPTIONS: "" },
    },
    {
      // The test command builds first (`next build`); this only serves the build.
      // The server's output goes to a file in the run's folder, which log-secrets.spec.ts reads.
      command: `npx next start -p ${port} > "${path.join(dataDir, "server.log")}" 2>&1`,
      url: `${origin}/api/health`,
      reuseExistingServer: !process.env.CI,
      timeout: 120_000,
      stdout: "pipe",
      stderr: "pipe",
      env: {
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        APP_ORIGIN: origin,
        PORT: String(port),
        // The run's Postgres, or a throwaway embedded database; the generated session secret
        // is kept beside the embedded database's folder either way.
        PGLITE_DATA_DIR: path.join(dataDir, "pglite"),
        ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
        // The specs' fixtures need Node's react-server condition; Next sets its own.
        NODE_OPTIONS: "",
        // The wallet specs settle jobs themselves (finalize after time travel): no keeper first.
        KEEPER: "off",
        NEXT_PUBLIC_CHAIN: "devnet",
        ...(devnetPort === 8547 ? {} : { NEXT_PUBLIC_RPC_URL: process.env.E2E_RPC_URL }),
        // Specs that test rate limits send their own X-Forwarded-For (one trusted hop), so they
        // get their own buckets; browser specs share the fallback bucket, kept roomy.
        TRUSTED_PROXY_HOPS: "1",
        RATE_LIMIT_NONCE: "120",
        RATE_LIMIT_SIGN_IN: "120",
      },
    },
  ],
});
