import { expect, test } from "@playwright/test";
import { E2E_RPC_URL } from "./fixtures/test-wallet";

test("the header links to Market, Jobs and Provider", async ({ page }) => {
  await page.goto("/");
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const [name, heading] of [
    ["Market", "Market"],
    ["Jobs", "Jobs"],
    ["Provider", "Provider"],
  ] as const) {
    await nav.getByRole("link", { name }).click();
    await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
    await expect(nav.getByRole("link", { name })).toHaveAttribute("aria-current", "page");
  }
});

test("an unknown URL shows the 404 page", async ({ page }) => {
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await page.getByRole("link", { name: "Back to the home page" }).click();
  await expect(page).toHaveURL("/");
});

test("/api/health reports the database and the chain", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  const body = await response.json();
  expect(body).toMatchObject({
    status: "ok",
    db: { reachable: true },
    chain: { id: 412346, rpcUrl: E2E_RPC_URL },
  });
  expect(["pglite", "postgres"]).toContain(body.db.driver);
  expect(typeof body.chain.reachable).toBe("boolean");
  expect(typeof body.version).toBe("string");
});
