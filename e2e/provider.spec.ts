/**
 * The provider's pages against the app's devnet and Postgres, with the injected test wallet:
 * register and stake; request unstake, watch the cooldown count down, time-travel past it and
 * withdraw; set and rotate the signer; create, edit, pause, resume and remove an offer; create and
 * revoke an agent key; an earning after a finalized job, claimed (the wallet balance goes up and
 * the claimed history shows the tx). The arbiter's page has its own spec (arbiter.spec.ts).
 * axe on every page, desktop and phone screenshots of each.
 * The buyer's side is driven from Node (e2e/fixtures/provider.ts), so the spec needs the app
 * server's DATABASE_URL and E2E_RPC_URL, Node's `--conditions=react-server`, and KEEPER=off:
 *
 *   NODE_OPTIONS=--conditions=react-server DATABASE_URL=... E2E_RPC_URL=... KEEPER=off \
 *     E2E_PORT=3104 npx playwright test e2e/provider.spec.ts
 *
 * Each run wants a fresh devnet: the unstake test moves the chain's clock a day forward.
 */
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, type TestInfo, test } from "@playwright/test";
import { formatEther, type Hex, parseEther } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { needsAppDatabaseAndDevnet } from "./fixtures/devnet";
import {
  chain,
  finalize,
  fundedAndRunJob,
  RPC_URL,
  setBalance,
  timeTravel,
  withdrawable,
} from "./fixtures/provider";
import { installTestWallet, signMessage, type TestWallet } from "./fixtures/test-wallet";

needsAppDatabaseAndDevnet("the buyer's side");
test.describe.configure({ mode: "serial" });
test.setTimeout(120_000);

const PROVIDER_KEY = generatePrivateKey();
const SIGNER_A = generatePrivateKey();
const SIGNER_B = generatePrivateKey();
const signerA = privateKeyToAccount(SIGNER_A).address;
const signerB = privateKeyToAccount(SIGNER_B).address;
const MARKET = { gpuModel: "a100-80gb", region: "eu-west" };

async function signIn(page: Page, privateKey: Hex, path = "/provider"): Promise<TestWallet> {
  const wallet = await installTestWallet(page, { privateKey, rpcUrl: RPC_URL });
  await page.goto(path);
  await page.getByRole("button", { name: "Connect wallet" }).click();
  await page.getByTestId("rk-wallet-option-injected").click();
  await signMessage(page);
  await expect(page.getByTestId("wallet-address")).toBeVisible();
  return wallet;
}

async function checkPage(page: Page, testInfo: TestInfo, name: string) {
  // The header's chain name is another page's defect (reported by the buyer's specs); the rest is checked.
  const results = await new AxeBuilder({ page }).exclude("header span.hidden").analyze();
  const serious = results.violations.filter(
    (v) => v.impact === "serious" || v.impact === "critical",
  );
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(", ")}`)).toEqual([]);
  for (const [label, width] of [
    ["desktop", 1280],
    ["phone", 390],
  ] as const) {
    await page.setViewportSize({ width, height: width === 1280 ? 900 : 844 });
    await page.screenshot({ path: testInfo.outputPath(`${name}-${label}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** Reloads until the page shows what the indexer has caught up with. */
async function eventually(page: Page, check: () => Promise<void>) {
  await expect(async () => {
    await page.reload();
    await check();
  }).toPass({ timeout: 30_000, intervals: [500, 1_000, 2_000] });
}

const confirmed = (page: Page, label: string) =>
  expect(page.getByTestId("tx-status").filter({ hasText: `${label}: confirmed.` })).toBeVisible({
    timeout: 30_000,
  });

test("register as a provider and stake", async ({ page }, testInfo) => {
  const me = privateKeyToAccount(PROVIDER_KEY).address;
  await setBalance(me, "20");
  await signIn(page, PROVIDER_KEY);
  await expect(page.getByRole("heading", { name: /Getting started/ })).toContainText("0 of 5 done");
  await checkPage(page, testInfo, "provider-new");

  await page.getByLabel("Name buyers see").fill("E2E Rack");
  await page.getByLabel("Region").selectOption(MARKET.region);
  await page.getByLabel("Agent signer address").fill(signerA);
  await page.getByRole("button", { name: "Register as a provider" }).click();
  await expect(page.getByTestId("step-register")).toContainText("(done)");
  await expect(page.getByRole("heading", { name: "E2E Rack" })).toBeVisible();

  await page.getByRole("link", { name: "Stake", exact: true }).click();
  await expect(page.getByTestId("stake-total")).toHaveText("0 ETH");
  await page.getByLabel("Amount to stake").fill("1");
  await page.getByRole("button", { name: "Stake 1 ETH" }).click();
  await confirmed(page, "Stake");
  await eventually(page, async () => {
    await expect(page.getByTestId("stake-total")).toHaveText("1 ETH");
  });
  await expect(page.getByTestId("stake-free")).toHaveText("1 ETH");
  // The contract holds it: the provider view on chain says the same.
  await page.goto("/provider");
  await expect(page.getByTestId("step-stake")).toContainText("(done)");
});

test("set the signer, then rotate it", async ({ page }, testInfo) => {
  await signIn(page, PROVIDER_KEY, "/provider/stake");
  await expect(page.getByRole("heading", { name: "Set the signer" })).toBeVisible();
  // Prefilled with the signer registered with the market.
  await expect(page.getByLabel("Signer address")).toHaveValue(signerA.toLowerCase());
  await page.getByRole("button", { name: "Set signer" }).click();
  await confirmed(page, "Set signer");
  await eventually(page, async () => {
    await expect(page.getByRole("heading", { name: "Rotate the signer" })).toBeVisible();
  });
  await expect(page.getByText(signerA.toLowerCase())).toBeVisible();

  await page.getByLabel("Signer address").fill(signerB);
  await page.getByRole("button", { name: "Rotate signer" }).click();
  await confirmed(page, "Rotate signer");
  await eventually(page, async () => {
    await expect(page.getByText(signerB.toLowerCase())).toBeVisible();
  });
  await checkPage(page, testInfo, "provider-stake");
});

test("request unstake, see the countdown, time-travel past the cooldown and withdraw", async ({
  page,
}, testInfo) => {
  const wallet = await signIn(page, PROVIDER_KEY, "/provider/stake");
  // More than free stake is refused in the browser before anything is sent.
  await page.getByLabel("Amount to unstake").fill("2");
  await expect(page.getByText("That is more than is available.")).toBeVisible();
  await page.getByLabel("Amount to unstake").fill("0.4");
  await page.getByRole("button", { name: "Request unstake" }).click();
  await confirmed(page, "Request unstake");
  await eventually(page, async () => {
    await expect(page.getByTestId("stake-pending")).toHaveText("0.4 ETH");
  });
  await expect(page.getByTestId("stake-free")).toHaveText("0.6 ETH");
  const countdown = page.getByTestId("unstake-countdown");
  await expect(countdown).toContainText(/ready in 23:59:\d\d/);
  const first = await countdown.textContent();
  await expect(countdown).not.toHaveText(first ?? "", { timeout: 5_000 });
  await expect(page.getByRole("button", { name: "Withdraw 0.4 ETH" })).toBeDisabled();
  await checkPage(page, testInfo, "provider-stake-cooldown");

  await timeTravel(86_401);
  await page.reload();
  await expect(countdown).toContainText("ready now");
  const before = await chain.getBalance({ address: wallet.address });
  const sent = wallet.transactions.length;
  await page.getByRole("button", { name: "Withdraw 0.4 ETH" }).click();
  // The receipt, not the button's "confirmed": the page refreshes on confirmation and, with
  // nothing pending any more, the withdraw button (and its status line) may already be gone.
  await expect.poll(() => wallet.transactions.length, { timeout: 30_000 }).toBe(sent + 1);
  const receipt = await chain.waitForTransactionReceipt({
    hash: wallet.transactions.at(-1) as Hex,
  });
  expect(receipt.status).toBe("success");
  const after = await chain.getBalance({ address: wallet.address });
  expect(after - before).toBe(parseEther("0.4") - receipt.gasUsed * receipt.effectiveGasPrice);
  // Once the page refreshes with nothing pending the button is gone; what it did stays said.
  await expect(
    page.getByRole("status").filter({ hasText: "Withdrew 0.4 ETH to your wallet" }),
  ).toContainText(receipt.transactionHash);
  await eventually(page, async () => {
    await expect(page.getByTestId("stake-pending")).toHaveText("0 ETH");
  });
  await expect(page.getByTestId("stake-total")).toHaveText("0.6 ETH");
});

test("create, edit, pause, resume and remove an offer", async ({ page }, testInfo) => {
  await signIn(page, PROVIDER_KEY, "/provider/offers");
  await expect(page.getByText("No offers yet")).toBeVisible();
  const create = page.getByRole("form", { name: "New offer" });
  await create.getByLabel("GPU model").selectOption(MARKET.gpuModel);
  await create.getByLabel("Region").selectOption(MARKET.region);
  await create.getByLabel("GPUs").fill("4");
  await create.getByLabel("Price per GPU-hour").fill("0.002");
  // The server's rule, checked in the browser first: the longest job is at least the shortest.
  await create.getByLabel("Shortest job (hours)").fill("10");
  await create.getByLabel("Longest job (hours)").fill("5");
  await create.getByRole("button", { name: "List offer" }).click();
  await expect(create.getByText("must be at least the minimum hours")).toBeVisible();
  await create.getByLabel("Shortest job (hours)").fill("1");
  await create.getByLabel("Longest job (hours)").fill("24");
  await create.getByRole("button", { name: "List offer" }).click();
  const offer = page.getByTestId("offer");
  await expect(offer).toHaveCount(1);
  await expect(offer.getByTestId("offer-price")).toHaveText("0.002 ETH/GPU-h");
  await expect(offer.getByTestId("offer-hours")).toHaveText("1–24 h");
  await checkPage(page, testInfo, "provider-offers");

  await offer.getByRole("button", { name: /^Edit / }).click();
  const edit = page.getByRole("form", { name: "Edit offer" });
  await edit.getByLabel("Price per GPU-hour").fill("0.003");
  await edit.getByLabel("Longest job (hours)").fill("48");
  await edit.getByRole("button", { name: "Save changes" }).click();
  await expect(offer.getByTestId("offer-price")).toHaveText("0.003 ETH/GPU-h");
  await expect(offer.getByTestId("offer-hours")).toHaveText("1–48 h");

  await offer.getByRole("button", { name: /^Pause / }).click();
  await expect(offer.getByTestId("offer-status")).toHaveText("paused");
  await offer.getByRole("button", { name: /^Resume / }).click();
  await expect(offer.getByTestId("offer-status")).toHaveText("active");
  await offer.getByRole("button", { name: /^Remove / }).click();
  await expect(page.getByText("No offers yet")).toBeVisible();

  // The offer the next tests' buyer is matched to.
  await create.getByLabel("GPU model").selectOption(MARKET.gpuModel);
  await create.getByLabel("Region").selectOption(MARKET.region);
  await create.getByLabel("GPUs").fill("2");
  await create.getByLabel("Price per GPU-hour").fill("0.002");
  await create.getByRole("button", { name: "List offer" }).click();
  await expect(page.getByTestId("offer")).toHaveCount(1);
});

test("create an agent key, shown once, and revoke it", async ({ page }, testInfo) => {
  await signIn(page, PROVIDER_KEY, "/provider/agent");
  await expect(page.getByText("No keys yet")).toBeVisible();
  await page.getByLabel("Label (which machine uses it)").fill("rack 1");
  await page.getByRole("button", { name: "Create key" }).click();
  const key = await page.getByTestId("new-api-key").textContent();
  expect(key).toMatch(/^gmk_[A-Za-z0-9_-]{40,}$/);
  const row = page.getByTestId("api-key");
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("rack 1");
  await expect(row).toContainText("never");
  // The node agent's first heartbeat with the key: the panel shows it online since then.
  const beat = await page.request.post("/api/agent/heartbeat", {
    headers: { authorization: `Bearer ${key}` },
    data: {
      agentVersion: "0.1.0",
      hardware: {
        gpus: [{ index: 0, model: "NVIDIA A100 80GB", vramMb: 81_920, driver: "550.54" }],
        simulatedGpus: true,
        cpu: { model: "e2e", cores: 2 },
        memoryMb: 4_096,
        os: "linux x64",
      },
      benchmark: null,
    },
  });
  expect(beat.status()).toBe(200);
  await page.reload();
  await expect(page.getByTestId("agent-online-since")).toHaveText("just now");
  await expect(row).not.toContainText("never");
  await checkPage(page, testInfo, "provider-agent");
  // Shown once: the reload lists the key by its prefix only.
  await expect(page.getByTestId("new-api-key")).toHaveCount(0);
  await expect(page.getByText(key ?? "")).toHaveCount(0);
  await page.getByRole("button", { name: "Revoke key rack 1" }).click();
  await expect(page.getByTestId("key-revoked")).toBeVisible();
  // With no live key the agent step is open again; a second key closes it.
  await page.goto("/provider");
  await expect(page.getByTestId("step-agentKey")).toContainText("(to do)");
  await page.goto("/provider/agent");
  await page.getByLabel("Label (which machine uses it)").fill("rack 2");
  await page.getByRole("button", { name: "Create key" }).click();
  await expect(page.getByTestId("api-key")).toHaveCount(2);
});

test("see an earning after a job is finalized, and claim it", async ({ page }, testInfo) => {
  const { chainJobId } = await fundedAndRunJob(SIGNER_B, MARKET, 1_800n);
  const settled = await finalize(chainJobId);
  expect(settled.status).toBe("success");
  const me = privateKeyToAccount(PROVIDER_KEY).address;
  const owed = await withdrawable(me);
  expect(owed).toBeGreaterThan(0n);

  const wallet = await signIn(page, PROVIDER_KEY, "/provider/earnings");
  // Four significant decimals on the page; the exact amount on hover.
  await eventually(page, async () => {
    await expect(page.getByTestId("claimable").locator("[title]")).toHaveAttribute(
      "title",
      `${formatEther(owed)} ETH`,
    );
  });
  await expect(page.getByText("Nothing claimed yet")).toBeVisible();
  await checkPage(page, testInfo, "provider-earnings");

  const before = await chain.getBalance({ address: wallet.address });
  await page.getByRole("button", { name: /^Claim / }).click();
  await confirmed(page, "Claim");
  const hash = wallet.transactions.at(-1) as Hex;
  const receipt = await chain.getTransactionReceipt({ hash });
  const after = await chain.getBalance({ address: wallet.address });
  expect(after - before).toBe(owed - receipt.gasUsed * receipt.effectiveGasPrice);
  await eventually(page, async () => {
    await expect(page.getByTestId("claim")).toHaveCount(1);
  });
  await expect(page.getByTestId("claim").getByTestId("tx-hash")).toHaveAttribute("title", hash);
  await expect(page.getByTestId("claimable")).toHaveText("0 ETH");

  await page.goto("/provider/jobs");
  await expect(page.getByTestId("served-job")).toHaveCount(1);
  await expect(page.getByTestId("served-job")).toContainText("paid");
  await expect(page.getByTestId("served-job")).toContainText("30 min");
  await checkPage(page, testInfo, "provider-jobs");
  await page.goto("/provider/missed");
  await expect(page.getByText("No missed matches")).toBeVisible();
  await checkPage(page, testInfo, "provider-missed");
  await page.goto("/provider");
  await expect(page.getByRole("heading", { name: /Getting started/ })).toHaveCount(0);
  await checkPage(page, testInfo, "provider-overview");
});
