/**
 * The buyer's job pages against the app's devnet and Postgres: fund the escrow, cancel before
 * funding, dispute inside the challenge window, finalize after it (time travel), withdraw the
 * refund, and another buyer's job is a 404. The provider's side is driven from Node
 * (e2e/fixtures/jobs.ts), so the spec needs the app server's DATABASE_URL and E2E_RPC_URL, and
 * Node's `--conditions=react-server`; KEEPER=off on the server, so no keeper finalizes first:
 *
 *   NODE_OPTIONS=--conditions=react-server DATABASE_URL=... E2E_RPC_URL=... E2E_PORT=3103 \
 *     npx playwright test e2e/jobs.spec.ts
 *
 * Each run wants a fresh devnet: the last test moves the chain's clock forward by an hour.
 */
import { expect, type Page, test } from "@playwright/test";
import type { Hex } from "viem";
import { generatePrivateKey } from "viem/accounts";
import { DEVNET_MARKET_ADDRESS } from "@/lib/chains";
import { computeMarketAbi } from "@/lib/web3/compute-market-abi";
import { needsAppDatabaseAndDevnet } from "./fixtures/devnet";
import { chainClient, providerRunsJob, quotedJob, setBalance, timeTravel } from "./fixtures/jobs";
import { expectAccessible, screenshots } from "./fixtures/pages";
import {
  E2E_ORIGIN,
  installTestWallet,
  SESSION_COOKIE,
  signInOverHttp,
  signMessage,
  type TestWallet,
} from "./fixtures/test-wallet";

needsAppDatabaseAndDevnet("the provider's side");
test.describe.configure({ mode: "serial" });

async function signIn(page: Page): Promise<TestWallet> {
  const privateKey = generatePrivateKey();
  const wallet = await installTestWallet(page, { privateKey });
  if (process.env.E2E_DEBUG) {
    page.on("console", (m) => console.log("console", m.type(), m.text().slice(0, 300)));
    page.on(
      "request",
      (r) =>
        r.url().includes("8603") &&
        console.log("req", Date.now() % 100000, r.postData()?.slice(0, 120)),
    );
    page.on("requestfailed", (r) => console.log("failed", r.url(), r.failure()?.errorText));
    page.on(
      "response",
      async (r) =>
        r.url().includes("8603") &&
        console.log("res", Date.now() % 100000, (await r.text().catch(() => "?")).slice(0, 160)),
    );
  }
  await setBalance(wallet.address, "10");
  await page.goto("/jobs");
  await page.getByRole("button", { name: "Connect wallet" }).click();
  await page.getByTestId("rk-wallet-option-injected").click();
  await signMessage(page);
  await expect(page.getByTestId("wallet-address")).toBeVisible();
  return wallet;
}

test("fund the escrow from the job page and follow it to funded", async ({ page }, testInfo) => {
  const wallet = await signIn(page);
  const { jobId, quote } = await quotedJob(wallet.address);
  const escrow = quote.message.ratePerSecond * quote.message.maxSeconds;
  const before = await chainClient.getBalance({ address: wallet.address });

  await page.goto("/jobs");
  await expect(page.getByRole("link", { name: jobId.slice(0, 8) })).toBeVisible();
  await expect(page.getByTestId("job-status").first()).toHaveText("quoted");
  await expectAccessible(page);
  await screenshots(page, testInfo, "jobs");
  await expect(page.getByTestId("jobs-summary")).toContainText(/Page 1 of \d+ · \d+ jobs?/);
  // On a phone the list is cards, and nothing scrolls sideways.
  await page.setViewportSize({ width: 390, height: 844 });
  const card = page.getByTestId("job-card").filter({ hasText: jobId.slice(0, 8) });
  await expect(card).toBeVisible();
  await expect(card.getByTestId("job-status")).toHaveText("quoted");
  await expect(page.getByRole("table")).toBeHidden();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.screenshot({ path: testInfo.outputPath("jobs-cards-phone.png"), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });

  await page.getByRole("link", { name: jobId.slice(0, 8) }).click();
  await expect(page.getByRole("heading", { name: "Quote ready: fund the escrow" })).toBeVisible();
  await expect(page.getByTestId("fund-amount")).toContainText("ETH");
  // The secret's value never reaches the page.
  await expect(page.getByText("hf_e2e_secret_value")).toHaveCount(0);
  expect(await page.content()).not.toContain("hf_e2e_secret_value");
  await expectAccessible(page);
  await screenshots(page, testInfo, "job-quoted");

  await page.getByRole("button", { name: "Fund escrow" }).click();
  await expect(page.getByText("Fund escrow: confirmed", { exact: true })).toBeVisible();
  expect(wallet.transactions).toHaveLength(1);
  const receipt = await chainClient.getTransactionReceipt({ hash: wallet.transactions[0] as Hex });
  const after = await chainClient.getBalance({ address: wallet.address });
  expect(before - after).toBe(escrow + receipt.gasUsed * receipt.effectiveGasPrice);

  // The indexer sees JobFunded; the page follows it (it refreshes while the provider has the move).
  await expect(page.getByTestId("job-status").first()).toHaveText("funded", { timeout: 20_000 });
  await expect(page.getByText(`tx ${wallet.transactions[0]}`)).toBeVisible();
  await expect(page.getByText("Start grace ends")).toBeVisible();
  await expect(page.getByRole("button", { name: "Cancel job" })).toHaveCount(0);
  await expectAccessible(page);
  await screenshots(page, testInfo, "job-funded");
});

test("cancel a job before funding it", async ({ page }, testInfo) => {
  const wallet = await signIn(page);
  const { jobId } = await quotedJob(wallet.address);
  await page.goto(`/jobs/${jobId}`);
  await page.getByRole("button", { name: "Cancel job" }).click();
  await expect(
    page.getByText("Cancelled. The reserved GPUs went back to the market."),
  ).toBeVisible();
  await expect(page.getByTestId("job-status").first()).toHaveText("cancelled");
  await expect(page.getByRole("button", { name: "Fund escrow" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Cancel job" })).toHaveCount(0);
  // The page says what happened on a later visit too.
  await page.reload();
  await expect(
    page.getByText("Cancelled. The reserved GPUs went back to the market."),
  ).toBeVisible();
  await screenshots(page, testInfo, "job-cancelled");
  await page.goto("/jobs?status=cancelled");
  await expect(page.getByRole("link", { name: jobId.slice(0, 8) })).toBeVisible();
  await page.goto("/jobs?status=active");
  await expect(page.getByRole("link", { name: jobId.slice(0, 8) })).toHaveCount(0);
});

async function fundAndRun(page: Page, wallet: TestWallet) {
  const job = await quotedJob(wallet.address);
  await page.goto(`/jobs/${job.jobId}`);
  await page.getByRole("button", { name: "Fund escrow" }).click();
  await expect(page.getByText("Fund escrow: confirmed", { exact: true })).toBeVisible();
  await expect(page.getByTestId("job-status").first()).toHaveText("funded", { timeout: 20_000 });
  // The provider starts, runs 10 minutes of the hour and reports.
  await providerRunsJob(job.chainJobId, 600n, job.jobId);
  await expect(page.getByTestId("job-status").first()).toHaveText("submitted", { timeout: 20_000 });
  // What the provider's node reported: the log and the result, with its download.
  await expect(page.getByTestId("job-logs")).toContainText("epoch 2 loss 0.41 accuracy 0.83");
  await expect(page.getByTestId("job-result")).toContainText("exit code 0");
  const download = await page.request.get(`/api/agent/output/${job.jobId}/result`);
  expect(download.status()).toBe(200);
  expect(await download.text()).toBe("result");
  return job;
}

test("dispute a result inside the challenge window", async ({ page }, testInfo) => {
  const wallet = await signIn(page);
  const { chainJobId } = await fundAndRun(page, wallet);
  await expect(page.getByText("Challenge window closes")).toBeVisible();
  await expect(page.getByRole("button", { name: "Finalize" })).toHaveCount(0);
  await expectAccessible(page);
  await screenshots(page, testInfo, "job-submitted");
  await page.getByRole("button", { name: "Dispute" }).click();
  await expect(page.getByText("Dispute: confirmed", { exact: true })).toBeVisible();
  // Disputed on chain at once; the index and the page follow.
  const view = await chainClient.readContract({
    address: DEVNET_MARKET_ADDRESS,
    abi: computeMarketAbi,
    functionName: "job",
    args: [chainJobId],
  });
  expect(Number((view as readonly unknown[])[19])).toBe(4);
  await expect(page.getByTestId("job-status").first()).toHaveText("disputed", { timeout: 20_000 });
  await expect(page.getByText("Dispute timeout")).toBeVisible();
});

test("finalize after the challenge window, then withdraw the refund", async ({
  page,
}, testInfo) => {
  const wallet = await signIn(page);
  const { quote } = await fundAndRun(page, wallet);
  await expect(page.getByRole("button", { name: "Dispute" })).toBeVisible();
  await timeTravel(3601);
  await page.reload();
  await expect(page.getByRole("button", { name: "Finalize" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Dispute" })).toHaveCount(0);
  await page.getByRole("button", { name: "Finalize" }).click();
  await expect(page.getByText("Finalize: confirmed", { exact: true })).toBeVisible();
  await expect(page.getByTestId("job-status").first()).toHaveText("finalized", { timeout: 20_000 });

  // 10 minutes used of the hour escrowed: the rest comes back to the buyer's balance.
  const refund = quote.message.ratePerSecond * (quote.message.maxSeconds - 600n);
  await expect(page.getByTestId("refund").locator("[title]")).toHaveAttribute(
    "title",
    `${formatExact(refund)} ETH`,
  );
  const withdrawable = (await chainClient.readContract({
    address: DEVNET_MARKET_ADDRESS,
    abi: computeMarketAbi,
    functionName: "withdrawable",
    args: [wallet.address],
  })) as bigint;
  expect(withdrawable).toBe(refund);
  await page.reload();
  await expect(page.getByTestId("withdrawable").locator("[title]")).toHaveAttribute(
    "title",
    `${formatExact(refund)} ETH`,
  );
  await expectAccessible(page);
  await screenshots(page, testInfo, "job-finalized");

  const before = await chainClient.getBalance({ address: wallet.address });
  await page.getByRole("button", { name: "Withdraw" }).click();
  await expect(page.getByText("Withdraw: confirmed", { exact: true })).toBeVisible();
  const hash = wallet.transactions.at(-1) as Hex;
  const receipt = await chainClient.getTransactionReceipt({ hash });
  const after = await chainClient.getBalance({ address: wallet.address });
  expect(after - before).toBe(refund - receipt.gasUsed * receipt.effectiveGasPrice);
  await expect(page.getByTestId("withdrawable").locator("[title]")).toHaveAttribute(
    "title",
    "0 ETH",
    {
      timeout: 20_000,
    },
  );
  await expect(page.getByRole("button", { name: "Withdraw" })).toHaveCount(0);
});

test("a call that would revert is explained before the wallet opens", async ({ page }) => {
  const wallet = await signIn(page);
  const { jobId } = await quotedJob(wallet.address);
  await page.goto(`/jobs/${jobId}`);
  await expect(page.getByRole("button", { name: "Fund escrow" })).toBeVisible();
  // The chain's clock passes the quote's 15 minutes; the page, on this machine's clock, still
  // offers to fund it.
  await timeTravel(16 * 60);
  const callsBefore = wallet.calls.length;
  await page.getByRole("button", { name: "Fund escrow" }).click();
  await expect(page.getByTestId("tx-status")).toContainText(
    "Fund escrow failed: The provider's quote expired at",
  );
  await expect(page.getByTestId("tx-status")).toContainText("Wait for a new quote, then fund it.");
  // The simulation refused it: the wallet was never asked to send anything.
  expect(wallet.calls.slice(callsBefore)).not.toContain("eth_sendTransaction");
  expect(wallet.transactions).toHaveLength(0);
});

test("another buyer's job is a 404, and so is a job that does not exist", async ({
  page,
  browser,
  request,
}) => {
  const owner = await signIn(page);
  const { jobId } = await quotedJob(owner.address);
  // The other buyer in a browser of their own (a session follows its own wallet).
  const other = await signInOverHttp(request, { forwardedFor: "198.51.100.77" });
  const context = await browser.newContext();
  await context.addCookies([{ name: SESSION_COOKIE, value: other.cookie, url: E2E_ORIGIN }]);
  const stranger = await context.newPage();
  for (const path of [
    `/jobs/${jobId}`,
    "/jobs/00000000-0000-4000-8000-000000000000",
    "/jobs/not-a-job",
  ]) {
    const response = await stranger.goto(`${E2E_ORIGIN}${path}`);
    expect(response?.status(), path).toBe(404);
    await expect(stranger.getByRole("heading", { name: "Page not found" })).toBeVisible();
  }
  expect(await stranger.content()).not.toContain("hf_e2e_secret_value");
  // Their list does not show it either; the owner's does.
  await stranger.goto(`${E2E_ORIGIN}/jobs`);
  await expect(stranger.getByRole("heading", { name: "No jobs yet" })).toBeVisible();
  await expect(stranger.getByRole("link", { name: jobId.slice(0, 8) })).toHaveCount(0);
  await context.close();
  await page.goto("/jobs");
  await expect(page.getByRole("link", { name: jobId.slice(0, 8) })).toBeVisible();
});

function formatExact(wei: bigint): string {
  const s = wei.toString().padStart(19, "0");
  const whole = s.slice(0, -18);
  const fraction = s.slice(-18).replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : whole;
}
