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
  webServer: {
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
      // A throwaway embedded database (and generated session secret) unless a Postgres is given.
      PGLITE_DATA_DIR: path.join(dataDir, "pglite"),
      NEXT_PUBLIC_CHAIN: "devnet",
      // Specs that test rate limits send their own X-Forwarded-For (one trusted hop), so they
      // get their own buckets; browser specs share the fallback bucket, kept roomy.
      TRUSTED_PROXY_HOPS: "1",
      RATE_LIMIT_NONCE: "120",
      RATE_LIMIT_SIGN_IN: "120",
    },
  },
});
