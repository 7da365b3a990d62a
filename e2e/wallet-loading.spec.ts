import { expect, type Page, test } from "@playwright/test";
import { installTestWallet } from "./fixtures/test-wallet";

/** Records the scripts the page downloads that carry the wallet libraries (RainbowKit's code). */
function watchWalletScripts(page: Page): string[] {
  const urls: string[] = [];
  page.on("response", async (response) => {
    if (response.request().resourceType() !== "script") return;
    const body = await response.text().catch(() => "");
    // RainbowKit marks its root element with this attribute; nothing else in the app does.
    if (body.includes("data-rk")) urls.push(response.url());
  });
  return urls;
}

test("a page that only reads never downloads the wallet libraries; reaching for the wallet loads them", async ({
  page,
}) => {
  const wallet = await installTestWallet(page);
  const walletScripts = watchWalletScripts(page);

  await page.goto("/market");
  await expect(page.getByRole("heading", { name: "Market", level: 1 })).toBeVisible();
  // The page works without them: a filter applies and lands in the URL.
  await page.getByLabel("Minimum VRAM per GPU").selectOption("80");
  await expect(page).toHaveURL(/vram=80/);
  await page.waitForLoadState("networkidle");
  expect(walletScripts).toEqual([]);
  // Nothing asked the wallet anything either.
  expect(wallet.calls).toEqual([]);

  // A pointer over the button starts the download; the click opens RainbowKit's modal.
  await page.getByRole("button", { name: "Connect wallet" }).hover();
  await expect.poll(() => walletScripts.length).toBeGreaterThan(0);
  await page.getByRole("button", { name: "Connect wallet" }).click();
  await expect(page.getByTestId("rk-wallet-option-injected")).toBeVisible();
  // Loading is not connecting: the wallet was never asked to reveal an account.
  expect(wallet.calls).not.toContain("eth_requestAccounts");
});

test("a click on the wallet button before the libraries arrive is carried out when they do", async ({
  page,
}) => {
  await installTestWallet(page);
  const walletScripts = watchWalletScripts(page);
  // Hold the libraries back, so the click surely comes first.
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  await page.route("**/_next/static/chunks/**", async (route) => {
    const response = await route.fetch();
    if ((await response.text()).includes("data-rk")) await held;
    await route.fulfill({ response });
  });

  await page.goto("/");
  await page.waitForLoadState("networkidle");
  await page.getByRole("button", { name: "Connect wallet" }).click();
  await expect(page.getByTestId("rk-wallet-option-injected")).toHaveCount(0);
  release();
  await expect(page.getByTestId("rk-wallet-option-injected")).toBeVisible();
  expect(walletScripts.length).toBeGreaterThan(0);
});
