/**
 * The arbiter's page against the app's devnet and Postgres, with the injected test wallet: a
 * provider of this spec's own (set up from Node in its own market) runs a buyer's job that the
 * buyer disputes; the provider is refused the arbiter's page and its payout preview, and the
 * contract refuses its resolveDispute; the arbiter resolves the dispute through the wallet with
 * a pay share and a slash share, everyone is credited exactly what the form previewed, and the
 * outcome shows on the provider's pages. Independent of the other specs' state: its job's card is
 * found by its chain id (other specs may leave disputes open on the same chain).
 *
 *   CI=1 E2E_PORT=... E2E_DEVNET_PORT=... E2E_DATABASE_URL=... \
 *     NODE_OPTIONS=--conditions=react-server npx playwright test e2e/arbiter.spec.ts
 */
import { expect, type Page, test } from "@playwright/test";
import { formatEther, type Hex } from "viem";
import { getDb } from "@/db";
import { DEVNET_MARKET_ADDRESS } from "@/lib/chains";
import { previewResolution } from "@/lib/services/chain/arbiter";
import { computeMarketAbi } from "@/lib/web3/compute-market-abi";
import { needsAppDatabaseAndDevnet } from "./fixtures/devnet";
import { expectAccessible, screenshots } from "./fixtures/pages";
import {
  ARBITER_KEY,
  buyerAddress,
  chain,
  dispute,
  fundedAndRunJob,
  RPC_URL,
  readyProvider,
  withdrawable,
} from "./fixtures/provider";
import { installTestWallet, signMessage } from "./fixtures/test-wallet";

needsAppDatabaseAndDevnet("the provider and buyer");
test.describe.configure({ mode: "serial" });
test.setTimeout(120_000);

/** A market no other spec lists in, so the job lands on this spec's provider. */
const MARKET = { gpuModel: "l40s-48gb", region: "ap-southeast" };
/** The arbiter's decision: 40 % of the billed cost to the provider, 50 % of its collateral slashed. */
const PAY = { percent: "40", bps: 4_000 };
const SLASH = { percent: "50", bps: 5_000 };

let provider: Awaited<ReturnType<typeof readyProvider>>;
let chainJobId: Hex;

async function signIn(page: Page, privateKey: Hex, path: string) {
  const wallet = await installTestWallet(page, { privateKey, rpcUrl: RPC_URL });
  await page.goto(path);
  await page.getByRole("button", { name: "Connect wallet" }).click();
  await page.getByTestId("rk-wallet-option-injected").click();
  await signMessage(page);
  await expect(page.getByTestId("wallet-address")).toBeVisible();
  return wallet;
}

/** Reloads until the page shows what the indexer has caught up with. */
async function eventually(page: Page, check: () => Promise<void>) {
  await expect(async () => {
    await page.reload();
    await check();
  }).toPass({ timeout: 30_000, intervals: [500, 1_000, 2_000] });
}

/** The exact ETH an <Amount> shows on hover. */
const exact = (wei: bigint) => `${formatEther(wei)} ETH`;

test.beforeAll(async () => {
  provider = await readyProvider(MARKET, "Arbiter E2E Rack");
  ({ chainJobId } = await fundedAndRunJob(provider.signerKey, MARKET, 900n));
  await dispute(chainJobId);
});

test("a provider gets no arbiter page, and its resolution is refused by the server and the contract", async ({
  page,
}) => {
  await signIn(page, provider.key, "/provider/arbiter");
  await expect(
    page.getByText("Only the market's arbiter can see and resolve disputes."),
  ).toBeVisible();
  await expect(page.getByRole("link", { name: "Arbiter" })).toHaveCount(0);
  await expect(page.getByTestId("dispute")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Resolve dispute" })).toHaveCount(0);

  // The server's preview of a resolution (the arbiter's action's service), for the provider.
  await expect(
    previewResolution(await getDb(), provider.address, {
      chainJobId,
      providerPayBps: PAY.bps,
      slashBps: SLASH.bps,
    }),
  ).rejects.toMatchObject({ code: "forbidden" });
  // The contract itself: the provider cannot resolve its own dispute.
  await expect(
    chain.simulateContract({
      account: provider.address,
      address: DEVNET_MARKET_ADDRESS,
      abi: computeMarketAbi,
      functionName: "resolveDispute",
      args: [chainJobId, PAY.bps, SLASH.bps],
    }),
  ).rejects.toThrow();
});

test("the arbiter resolves the dispute with a pay and a slash share; the outcome shows", async ({
  page,
  browser,
}, testInfo) => {
  const buyerBefore = await withdrawable(buyerAddress);
  const providerBefore = await withdrawable(provider.address);

  await signIn(page, ARBITER_KEY, "/provider/arbiter");
  await expect(page.getByRole("link", { name: "Arbiter" })).toBeVisible();
  const card = page
    .getByTestId("dispute")
    .filter({ has: page.locator(`[title="${chainJobId}" i]`) });
  await eventually(page, async () => {
    await expect(card).toHaveCount(1);
  });
  // Both sides' facts: the provider by name and the time it claims to have run.
  await expect(card).toContainText("Arbiter E2E Rack");
  await expect(card).toContainText("15 min");
  await card.getByLabel(/Provider's pay share/).fill(PAY.percent);
  await card.getByLabel(/Slash share/).fill(SLASH.percent);
  const shown = async (locator: ReturnType<Page["locator"]>) =>
    (await locator.locator("[title]").getAttribute("title")) ?? "";
  const providerShown = await shown(card.getByTestId("payout-provider"));
  const consumerShown = await shown(card.getByTestId("payout-consumer"));
  const slashedShown = await shown(
    card.getByText("of which slashed stake").locator("xpath=following-sibling::dd[1]"),
  );
  expect(slashedShown).not.toBe("0 ETH");
  await expectAccessible(page);
  await screenshots(page, testInfo, "arbiter-dispute");

  await card.getByRole("button", { name: "Resolve dispute" }).click();
  await expect(
    page.getByTestId("tx-status").filter({ hasText: "Resolve dispute: confirmed." }),
  ).toBeVisible({ timeout: 30_000 });
  // Credited exactly what the form showed before the wallet opened.
  expect(exact((await withdrawable(buyerAddress)) - buyerBefore)).toBe(consumerShown);
  expect(exact((await withdrawable(provider.address)) - providerBefore)).toBe(providerShown);
  await eventually(page, async () => {
    await expect(card).toHaveCount(0);
  });

  // The provider sees the outcome: the job resolved with its pay and slash, and the slash listed.
  const providerPage = await (await browser.newContext()).newPage();
  await signIn(providerPage, provider.key, "/provider/jobs");
  const row = providerPage
    .getByTestId("served-job")
    .filter({ has: providerPage.locator(`[title="${chainJobId}" i]`) });
  await eventually(providerPage, async () => {
    await expect(row).toContainText("dispute resolved");
  });
  await expect(row.locator(`[title="${providerShown}"]`).first()).toBeVisible();
  await expect(row.getByText("slashed")).toBeVisible();
  await expect(row.locator(`[title="${slashedShown}"]`)).toBeVisible();
  await providerPage.goto("/provider/stake");
  const slash = providerPage
    .getByRole("row")
    .filter({ has: providerPage.locator(`[title="${chainJobId}" i]`) });
  await expect(slash).toContainText(`Dispute lost (${SLASH.percent} % of collateral)`);
  await expect(slash.locator(`[title="${slashedShown}"]`)).toBeVisible();
});
