import { expect, test } from "@playwright/test";
import { installTestWallet } from "./fixtures/test-wallet";

const SESSION_COOKIE = "gpu_market_session";

test("connect a wallet, sign in with Ethereum, stay signed in across a reload, sign out", async ({
  page,
  context,
}) => {
  const wallet = await installTestWallet(page);
  const short = `${wallet.address.slice(0, 6)}…${wallet.address.slice(-4)}`;

  await page.goto("/");
  await expect(
    page.getByRole("heading", { name: "GPU compute for AI, paid by the second" }),
  ).toBeVisible();
  const connect = page.getByRole("button", { name: "Connect wallet" });
  await expect(connect).toBeVisible();
  // Nothing connected on load: the page only learns the account when it asks for it.
  expect(wallet.calls).not.toContain("eth_requestAccounts");

  await connect.click();
  await page.getByTestId("rk-wallet-option-injected").click();
  const signButton = page.getByTestId("rk-auth-message-button");
  await expect(signButton).toBeEnabled();
  await signButton.click();

  await expect(page.getByTestId("wallet-address")).toHaveText(short);
  const signOut = page.getByRole("button", { name: "Sign out" });
  await expect(signOut).toBeVisible();

  expect(wallet.signedMessages).toHaveLength(1);
  expect(wallet.signedMessages[0]).toContain("localhost:3100 wants you to sign in");
  expect(wallet.signedMessages[0]).toContain(wallet.address);
  expect(wallet.signedMessages[0]).toContain("Chain ID: 412346");

  const cookie = (await context.cookies()).find((c) => c.name === SESSION_COOKIE);
  expect(cookie?.httpOnly).toBe(true);
  expect(cookie?.sameSite).toBe("Lax");
  expect(await page.evaluate(() => document.cookie)).not.toContain(SESSION_COOKIE);
  const session = await page.request.get("/api/auth/session");
  expect(await session.json()).toMatchObject({ authenticated: true, address: wallet.address });

  // The session is server-side state: a reload keeps it, and server-rendered pages see it.
  await page.reload();
  await expect(page.getByTestId("wallet-address")).toHaveText(short);
  await page.getByRole("link", { name: "Jobs" }).click();
  await expect(page.getByRole("heading", { name: `Signed in as ${short}` })).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("button", { name: "Connect wallet" })).toBeVisible();
  await expect(page.getByTestId("wallet-address")).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "Sign in to see your jobs" })).toBeVisible();
  expect((await context.cookies()).some((c) => c.name === SESSION_COOKIE)).toBe(false);
  const after = await page.request.get("/api/auth/session");
  expect(await after.json()).toEqual({ authenticated: false });
});
