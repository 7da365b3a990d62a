import { expect, type Page, test } from "@playwright/test";

type HasHeaders = { headers(): Record<string, string> } | null;

import { E2E_RPC_URL, installTestWallet, signMessage } from "./fixtures/test-wallet";

const pages = ["/", "/market", "/jobs", "/jobs/new", "/provider", "/account/sessions"];

/**
 * What the browser reports when the CSP blocks something (events in the page, console lines), and
 * any complaint about the Permissions-Policy header.
 */
async function watchViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (
      /Content Security Policy|Refused to (load|execute|connect|apply|frame)|Permissions-Policy/i.test(
        message.text(),
      )
    )
      violations.push(`console: ${message.text()}`);
  });
  await page.exposeFunction("__reportCspViolation", (line: string) => violations.push(line));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      const report = (window as unknown as { __reportCspViolation: (l: string) => void })
        .__reportCspViolation;
      report(
        `${e.violatedDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`,
      );
    });
  });
  return violations;
}

function cspOf(response: HasHeaders): Map<string, string[]> {
  const header = response?.headers()["content-security-policy"] ?? "";
  return new Map(
    header
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name = "", ...values]) => [name, values] as const),
  );
}

function expectSecurityHeaders(response: HasHeaders) {
  const headers = response?.headers() ?? {};
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(headers["permissions-policy"]).toContain("camera=()");
  const csp = cspOf(response);
  expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
  expect(csp.get("object-src")).toEqual(["'none'"]);
  expect(csp.get("script-src")).toContain("'strict-dynamic'");
  expect(csp.get("script-src")).not.toContain("'unsafe-inline'");
  // The wallet's chain RPC (the devnet here) is the one other host the page may call.
  expect(csp.get("connect-src")).toEqual(["'self'", E2E_RPC_URL]);
  return csp;
}

const nonceOf = (csp: Map<string, string[]>) =>
  csp
    .get("script-src")
    ?.find((v) => v.startsWith("'nonce-"))
    ?.slice("'nonce-".length, -1);

for (const path of pages) {
  test(`${path} carries the security headers and loads with no CSP violation`, async ({ page }) => {
    const violations = await watchViolations(page);
    const response = await page.goto(path);
    const csp = expectSecurityHeaders(response);
    const nonce = nonceOf(csp);
    expect(nonce).toMatch(/^[A-Za-z0-9+/=]{16,}$/);

    // Every script Next.js rendered carries this response's nonce.
    const html = (await response?.text()) ?? "";
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);

    // The page is interactive: its scripts ran (RainbowKit opens its modal).
    await page.getByRole("button", { name: "Connect wallet" }).click();
    await expect(page.getByTestId("rk-wallet-option-injected")).toBeVisible();
    await page.keyboard.press("Escape");
    await page.waitForTimeout(300);
    expect(violations).toEqual([]);
  });
}

test("each response gets its own nonce", async ({ request }) => {
  const nonces = new Set<string | undefined>();
  for (let i = 0; i < 3; i++) {
    const response = await request.get("/market");
    nonces.add(nonceOf(cspOf(response)));
  }
  expect(nonces.size).toBe(3);
  expect(nonces.has(undefined)).toBe(false);
});

test("API routes and static assets carry the headers too", async ({ request }) => {
  const api = await request.get("/api/health");
  expect(api.headers()["x-content-type-options"]).toBe("nosniff");
  expect(api.headers()["x-frame-options"]).toBe("DENY");
  expect(api.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
  const html = await (await request.get("/")).text();
  const asset = html.match(/\/_next\/static\/[^"]+\.js/)?.[0];
  expect(asset).toBeTruthy();
  const js = await request.get(asset ?? "");
  expect(js.status()).toBe(200);
  expect(js.headers()["x-content-type-options"]).toBe("nosniff");
});

test("the policy is enforced: an injected inline handler is blocked and reported", async ({
  page,
}) => {
  const violations = await watchViolations(page);
  await page.goto("/");
  const ran = await page.evaluate(async () => {
    // An inline event handler, as an HTML injection would add one: no nonce can cover it.
    const img = document.createElement("img");
    img.setAttribute("onerror", "window.__injected = true");
    img.src = "data:,not-an-image";
    document.body.append(img);
    await new Promise((resolve) => setTimeout(resolve, 200));
    return (window as unknown as { __injected?: boolean }).__injected === true;
  });
  expect(ran).toBe(false);
  await expect.poll(() => violations.some((v) => v.startsWith("script-src"))).toBe(true);
});

test("signing in with a wallet works under the policy, with no violation", async ({ page }) => {
  const violations = await watchViolations(page);
  const wallet = await installTestWallet(page);
  await page.goto("/");
  await page.getByRole("button", { name: "Connect wallet" }).click();
  await page.getByTestId("rk-wallet-option-injected").click();
  await signMessage(page);
  await expect(page.getByTestId("wallet-address")).toHaveText(
    `${wallet.address.slice(0, 6)}…${wallet.address.slice(-4)}`,
  );
  await page.getByRole("link", { name: "Jobs" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("button", { name: "Connect wallet" })).toBeVisible();
  expect(violations).toEqual([]);
});
