import { expect, test } from "@playwright/test";
import { generatePrivateKey } from "viem/accounts";
import { E2E_ORIGIN, installTestWallet, signMessage } from "./fixtures/test-wallet";

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
  await signMessage(page);

  await expect(page.getByTestId("wallet-address")).toHaveText(short);
  const signOut = page.getByRole("button", { name: "Sign out" });
  await expect(signOut).toBeVisible();

  expect(wallet.signedMessages).toHaveLength(1);
  expect(wallet.signedMessages[0]).toContain(`${new URL(E2E_ORIGIN).host} wants you to sign in`);
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

test("a session outlives a locked wallet and can still be signed out", async ({
  page,
  context,
}) => {
  const privateKey = generatePrivateKey();
  const wallet = await installTestWallet(page, { privateKey });
  const short = `${wallet.address.slice(0, 6)}…${wallet.address.slice(-4)}`;
  await page.goto("/");
  await page.getByRole("button", { name: "Connect wallet" }).click();
  await page.getByTestId("rk-wallet-option-injected").click();
  await signMessage(page);
  await expect(page.getByTestId("wallet-address")).toHaveText(short);

  // Another tab whose wallet reveals no account (locked): the session cookie still holds.
  const locked = await context.newPage();
  await installTestWallet(locked, { privateKey });
  await locked.goto("/jobs");
  await expect(locked.getByRole("heading", { name: `Signed in as ${short}` })).toBeVisible();
  await expect(locked.getByTestId("wallet-address")).toHaveText(short);
  await locked.getByRole("button", { name: "Sign out" }).click();
  await expect(locked.getByRole("button", { name: "Connect wallet" })).toBeVisible();
  await expect(locked.getByRole("heading", { name: "Sign in to see your jobs" })).toBeVisible();
  expect((await context.cookies()).some((c) => c.name === SESSION_COOKIE)).toBe(false);
});
