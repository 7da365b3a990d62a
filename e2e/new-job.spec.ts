import { expect, test } from "@playwright/test";
import { withMarketServer } from "./fixtures/market-server";
import { expectAccessible, screenshots } from "./fixtures/pages";
import { installTestWallet, signMessage } from "./fixtures/test-wallet";

withMarketServer(200);

test("a job nothing fits shows why per dimension, and one click rewrites the form to fit", async ({
  page,
}, testInfo) => {
  await page.goto("/jobs/new?model=h100-80gb&maxPrice=0.00001&gpus=2");
  const noMatch = page.getByTestId("no-match");
  await expect(noMatch).toContainText(/0 of \d+ offers fit this job/);
  await expect(noMatch).toContainText("too expensive");
  await expect(page.getByTestId("quote-offer")).toHaveCount(0);
  await expectAccessible(page);
  await screenshots(page, testInfo, "new-job-no-match");

  const fix = noMatch.getByRole("button", { name: /^Raise max price to / });
  const label = (await fix.first().innerText()).trim();
  const price = /to ([\d.]+) ETH/.exec(label)?.[1];
  expect(price).toBeDefined();
  await fix.first().click();
  await expect(page.getByLabel("Max price (ETH per GPU-hour)")).toHaveValue(price ?? "");
  await expect(page.getByTestId("no-match")).toHaveCount(0);
  await expect(page.getByTestId("quote-offer")).toContainText("H100 80GB ×2");
});

test("submit a job with a secret and see its quote, its reservation and the wait for the provider", async ({
  page,
}, testInfo) => {
  const wallet = await installTestWallet(page);
  const asked: string[] = [];
  page.on("request", (r) => r.method() === "POST" && asked.push(r.url()));
  await page.goto("/jobs/new");
  await expect(page.getByRole("tab", { name: "Fine-tune" })).toHaveAttribute(
    "aria-selected",
    "true",
  );
  // The live quote follows the form: the best H100 offer, its rate and the escrow for 8 hours,
  // there with the page for the starting terms (the browser asked for nothing yet).
  await expect(page.getByTestId("quote-offer")).toContainText("H100 80GB ×1");
  await expect(page.getByTestId("quote-max-cost")).toContainText(/[\d.]+ ETH\s*for 8 h/);
  await page.waitForTimeout(1_000);
  expect(asked).toEqual([]);
  const eightHours = await page.getByTestId("quote-max-cost").innerText();
  await page.getByLabel("Maximum duration (hours)").fill("4");
  await expect(page.getByTestId("quote-max-cost")).toContainText("for 4 h");
  expect(await page.getByTestId("quote-max-cost").innerText()).not.toBe(eightHours);

  // Another template fills its own defaults.
  await page.getByRole("tab", { name: "Training run" }).click();
  await expect(page.getByLabel("GPUs", { exact: true })).toHaveValue("8");
  // An example job from the repository fills the form with a job that runs on any provider.
  await page.getByText("Start from an example job").click();
  await page.getByRole("button", { name: "Use this example: Embed a text file (CPU)" }).click();
  await expect(page.getByLabel("Container image")).toHaveValue("node:20-slim");
  await expect(page.getByLabel("Command")).toHaveValue('node "$AGENT_EXAMPLES/embed-lsa.mjs"');
  await expect(page.getByRole("tab", { name: "Batch inference" })).toHaveAttribute(
    "aria-selected",
    "true",
  );
  await expect(page.getByTestId("quote-offer")).toBeVisible();
  await page.getByRole("tab", { name: "Fine-tune" }).click();
  await expect(page.getByLabel("GPUs", { exact: true })).toHaveValue("1");

  const secret = page.getByLabel("Variable 1 value (secret)");
  await expect(secret).toHaveAttribute("type", "password");
  await secret.fill("hf_e2e_secret_value");

  // Submitting needs a session: sign in with the wallet first.
  await page.getByRole("button", { name: "Connect wallet" }).click();
  await page.getByTestId("rk-wallet-option-injected").click();
  await signMessage(page);
  await expect(page.getByTestId("wallet-address")).toHaveText(
    `${wallet.address.slice(0, 6)}…${wallet.address.slice(-4)}`,
  );
  await expect(page.getByTestId("quote-offer")).toContainText("H100 80GB ×1");
  const quoted = await page.getByTestId("quote-offer").innerText();

  // On a phone the result card appears below the long form: it is brought into view.
  // Clicked from the top of the page (a DOM click does not scroll), so only the page's own
  // scrolling can bring the card, far below, into the upper half of the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.getByRole("button", { name: "Submit job" }).evaluate((b: HTMLElement) => b.click());
  const card = page.getByTestId("submitted-job");
  await expect(card).toContainText("Job submitted");
  await expect
    .poll(() => card.evaluate((el) => Math.round(el.getBoundingClientRect().top)))
    .toBeLessThan(422);
  expect(await card.evaluate((el) => el.getBoundingClientRect().top)).toBeGreaterThanOrEqual(0);
  await expect(card).toBeFocused();
  await page.setViewportSize({ width: 1280, height: 800 });
  // The reservation is the offer the quote showed: same model and region.
  const region = /, ([a-z-]+)\n/.exec(`${quoted}\n`)?.[1] ?? "";
  await expect(card).toContainText(`H100 80GB ×1 in ${region}`);
  await expect(card).toContainText(/matched|quoted/);
  await expect(card).toContainText(/Waiting for the provider's signature|Fund escrow/);
  // The secret was sent once: the form no longer holds it.
  await expect(secret).toHaveValue("");
  await expectAccessible(page);
  await screenshots(page, testInfo, "new-job-submitted");

  // The job is the buyer's: its page opens from the card.
  const href = await card.getByRole("link", { name: "Open the job page" }).getAttribute("href");
  expect(href).toMatch(/^\/jobs\/[0-9a-f-]{36}$/);
});
