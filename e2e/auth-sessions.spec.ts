import { type APIRequestContext, expect, test } from "@playwright/test";
import { generatePrivateKey } from "viem/accounts";
import { E2E_ORIGIN, SESSION_COOKIE, signInOverHttp } from "./fixtures/test-wallet";

const firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
const iphone =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

/** Each sign-in from its own request context: separate cookie jars, like separate devices. */
async function device(
  playwright: { request: { newContext: (o: object) => Promise<APIRequestContext> } },
  privateKey: `0x${string}`,
  userAgent: string,
  forwardedFor: string,
) {
  const request = await playwright.request.newContext({ baseURL: E2E_ORIGIN });
  const signedIn = await signInOverHttp(request, { privateKey, userAgent, forwardedFor });
  await request.dispose();
  return signedIn;
}

async function sessionWith(request: APIRequestContext, cookie: string) {
  const response = await request.get("/api/auth/session", {
    headers: { cookie: `${SESSION_COOKIE}=${cookie}` },
  });
  return response.json();
}

test("signing out revokes the session: a copied cookie stops working for routes, server actions and pages", async ({
  page,
  context,
  request,
  playwright,
}) => {
  const key = generatePrivateKey();
  const here = await device(playwright, key, firefox, "192.0.2.10");
  const other = await device(playwright, key, iphone, "192.0.2.11");
  await context.addCookies([
    { name: SESSION_COOKIE, value: here.cookie, url: E2E_ORIGIN, httpOnly: true, sameSite: "Lax" },
  ]);
  await page.goto("/account/sessions");
  await expect(page.getByRole("heading", { name: /^Signed in as/ })).toBeVisible();
  const otherButton = page.getByRole("button", { name: "Sign out Safari 17 on iOS" });
  await expect(otherButton).toBeVisible();

  // The cookie is copied (another device, a stolen jar), then the owner signs out.
  const copy = here.cookie;
  expect(await sessionWith(request, copy)).toMatchObject({ authenticated: true });
  const out = await request.post("/api/auth/signout", {
    headers: { cookie: `${SESSION_COOKIE}=${here.cookie}`, origin: E2E_ORIGIN },
  });
  expect(out.status()).toBe(200);

  // Route: the copy is signed out.
  expect(await sessionWith(request, copy)).toEqual({ authenticated: false });
  // Server action: the page still shows its buttons, but the action refuses the dead cookie.
  await otherButton.click();
  await expect(
    page.getByRole("alert").filter({ hasText: "Sign in with your wallet" }),
  ).toBeVisible();
  expect(await sessionWith(request, other.cookie)).toMatchObject({ authenticated: true });
  // Pages: server-rendered pages no longer see a session.
  await page.goto("/jobs");
  await expect(page.getByRole("heading", { name: "Sign in to see your jobs" })).toBeVisible();
  await page.goto("/account/sessions");
  await expect(page.getByRole("heading", { name: "Sign in to see your sessions" })).toBeVisible();
});

test("a new sign-in replaces the session the browser held, under a new id", async ({
  request,
  playwright,
}) => {
  const key = generatePrivateKey();
  const first = await device(playwright, key, firefox, "192.0.2.20");
  const context = await playwright.request.newContext({ baseURL: E2E_ORIGIN });
  const second = await signInOverHttp(context, {
    privateKey: key,
    forwardedFor: "192.0.2.20",
    cookie: first.cookie,
  });
  await context.dispose();
  expect(second.cookie).not.toBe(first.cookie);
  expect(await sessionWith(request, first.cookie)).toEqual({ authenticated: false });
  expect(await sessionWith(request, second.cookie)).toMatchObject({ authenticated: true });
});

test("the sessions page lists each browser and signs out one, then all the others", async ({
  page,
  context,
  request,
  playwright,
}, testInfo) => {
  const key = generatePrivateKey();
  const phone = await device(playwright, key, iphone, "198.51.100.7");
  const laptop = await device(playwright, key, firefox, "198.51.100.8");
  const here = await device(
    playwright,
    key,
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "198.51.100.9",
  );
  await context.addCookies([
    { name: SESSION_COOKIE, value: here.cookie, url: E2E_ORIGIN, httpOnly: true, sameSite: "Lax" },
  ]);
  await page.goto("/account/sessions");
  await expect(page.getByText("3 active sessions, 2 in other browsers.")).toBeVisible();
  const current = page.getByRole("listitem").filter({ hasText: "This browser" });
  await expect(current).toContainText("Chrome 131 on Linux");
  await expect(current).toContainText("198.51.100.x");
  await expect(current).toContainText("Signed in");
  await expect(current).toContainText("Last seen");
  await expect(page.getByRole("listitem").filter({ hasText: "Safari 17 on iOS" })).toContainText(
    "198.51.100.x",
  );
  for (const [name, width, height] of [
    ["desktop", 1280, 900],
    ["phone", 390, 844],
  ] as const) {
    await page.setViewportSize({ width, height });
    await page.screenshot({ path: testInfo.outputPath(`sessions-${name}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });

  await page.getByRole("button", { name: "Sign out Safari 17 on iOS" }).click();
  await expect(page.getByText("2 active sessions, 1 in other browsers.")).toBeVisible();
  await expect(page.getByRole("listitem").filter({ hasText: "Safari 17 on iOS" })).toHaveCount(0);
  expect(await sessionWith(request, phone.cookie)).toEqual({ authenticated: false });

  await page.getByRole("button", { name: "Sign out everywhere else" }).click();
  await expect(page.getByText("1 active session: this browser.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Sign out everywhere else" })).toBeDisabled();
  await expect(page.getByText("No other browser is signed in.")).toBeVisible();
  expect(await sessionWith(request, laptop.cookie)).toEqual({ authenticated: false });
  expect(await sessionWith(request, here.cookie)).toMatchObject({ authenticated: true });
});
