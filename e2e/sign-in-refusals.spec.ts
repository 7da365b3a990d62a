import { expect, test } from "@playwright/test";
import { E2E_ORIGIN, installTestWallet, signMessage } from "./fixtures/test-wallet";

const SESSION_COOKIE = "gpu_market_session";

test("declining the signature creates no session, and signing on a second try does", async ({
  page,
  context,
}) => {
  const wallet = await installTestWallet(page);
  wallet.declineSignatures = true;
  await page.goto("/");
  await page.getByRole("button", { name: "Connect wallet" }).click();
  await page.getByTestId("rk-wallet-option-injected").click();
  const sign = page.getByTestId("rk-auth-message-button");
  await signMessage(page);
  await expect.poll(() => wallet.calls.includes("personal_sign")).toBe(true);
  await expect(sign).toHaveText("Sign message");
  expect(wallet.signedMessages).toHaveLength(0);
  expect((await context.cookies()).some((c) => c.name === SESSION_COOKIE)).toBe(false);
  await expect(page.getByTestId("wallet-address")).toHaveCount(0);

  wallet.declineSignatures = false;
  await signMessage(page);
  await expect(page.getByTestId("wallet-address")).toBeVisible();
  expect((await context.cookies()).some((c) => c.name === SESSION_COOKIE)).toBe(true);
});

test("cancelling the sign-in step disconnects the wallet", async ({ page, context }) => {
  await installTestWallet(page);
  await page.goto("/");
  await page.getByRole("button", { name: "Connect wallet" }).click();
  await page.getByTestId("rk-wallet-option-injected").click();
  await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByRole("button", { name: "Connect wallet" })).toBeVisible();
  expect((await context.cookies()).some((c) => c.name === SESSION_COOKIE)).toBe(false);
});

test("a sign-in from another origin is refused with a sentence saying where to go", async ({
  page,
  context,
}) => {
  await installTestWallet(page);
  // The app's origin is http://localhost:<port>; the same server reached by IP is another site.
  const byIp = E2E_ORIGIN.replace("localhost", "127.0.0.1");
  await page.goto(`${byIp}/`);
  await page.getByRole("button", { name: "Connect wallet" }).click();
  await page.getByTestId("rk-wallet-option-injected").click();
  await signMessage(page);
  await expect(
    page.getByText(
      `This marketplace is served at ${E2E_ORIGIN}, not ${byIp}. Open ${E2E_ORIGIN} and sign in there.`,
    ),
  ).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("wallet-address")).toHaveCount(0);
  expect((await context.cookies()).some((c) => c.name === SESSION_COOKIE)).toBe(false);
});

test("a wallet on another network is switched to the marketplace's chain before signing", async ({
  page,
}) => {
  const wallet = await installTestWallet(page, { chainId: 1 });
  await page.goto("/");
  await page.getByRole("button", { name: "Connect wallet" }).click();
  await page.getByTestId("rk-wallet-option-injected").click();
  await signMessage(page);
  await expect(page.getByTestId("wallet-address")).toBeVisible();
  expect(wallet.calls).toContain("wallet_switchEthereumChain");
  expect(wallet.signedMessages.at(-1)).toContain("Chain ID: 412346");
});
