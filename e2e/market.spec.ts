import { expect, test } from "@playwright/test";
import { withMarketServer } from "./fixtures/market-server";
import { expectAccessible, screenshots } from "./fixtures/pages";

withMarketServer(200);

/** The ETH amounts of a column of the offer table, as numbers (for comparisons only). */
async function prices(page: import("@playwright/test").Page): Promise<number[]> {
  const cells = await page.getByTestId("offer-row").locator("td:nth-child(5)").allInnerTexts();
  return cells.map((t) => Number.parseFloat(t));
}

test("browse the market, filter it, keep the filters across a reload, and use an offer", async ({
  page,
}, testInfo) => {
  await page.goto("/market");
  await expect(page.getByRole("heading", { name: "Market", level: 1 })).toBeVisible();
  await expect(page.getByTestId("offer-summary")).toContainText("200 offers");
  await expect(page.getByTestId("offer-row")).toHaveCount(25);
  // Cheapest first, and every offer shows its provider's stake.
  const all = await prices(page);
  expect(all).toEqual([...all].sort((a, b) => a - b));
  await expect(page.getByTestId("offer-row").first()).toContainText(" ETH");
  await expectAccessible(page);
  await screenshots(page, testInfo, "market");

  await page.getByRole("checkbox", { name: "H100 80GB" }).check();
  await expect(page).toHaveURL(/model=h100-80gb/);
  await expect(page.getByTestId("offer-row").first()).toContainText("H100 80GB");
  const h100 = page.getByTestId("offer-row");
  for (const text of await h100.allInnerTexts()) expect(text).toContain("H100 80GB");
  const h100Count = await page.getByTestId("offer-summary").innerText();
  expect(h100Count).not.toContain("200 offers");

  await page.getByLabel("Max price (ETH per GPU-hour)").fill("0.001");
  await expect(page).toHaveURL(/maxPrice=0\.001/);
  await expect(page.getByTestId("offer-summary")).not.toHaveText(h100Count);
  for (const p of await prices(page)) expect(p).toBeLessThanOrEqual(0.001);

  await page.getByLabel("Sort by").selectOption("vram");
  await expect(page).toHaveURL(/sort=vram/);

  // A reload (or a shared link) gives the same search.
  const url = page.url();
  const summary = await page.getByTestId("offer-summary").innerText();
  await page.reload();
  expect(page.url()).toBe(url);
  await expect(page.getByRole("checkbox", { name: "H100 80GB" })).toBeChecked();
  await expect(page.getByLabel("Max price (ETH per GPU-hour)")).toHaveValue("0.001");
  await expect(page.getByLabel("Sort by")).toHaveValue("vram");
  await expect(page.getByTestId("offer-summary")).toHaveText(summary);
  await screenshots(page, testInfo, "market-filtered");

  // "Use" opens New job with the offer's model, region and price.
  const first = page.getByTestId("offer-row").first();
  const region = (await first.locator("td:nth-child(4)").innerText()).trim();
  await first.getByRole("link", { name: /^Use / }).click();
  await expect(page).toHaveURL(/\/jobs\/new\?model=h100-80gb/);
  await expect(page.getByRole("checkbox", { name: "H100 80GB" })).toBeChecked();
  await expect(page.getByRole("checkbox", { name: region, exact: true })).toBeChecked();
  await expect(page.getByTestId("quote-offer")).toContainText(`H100 80GB ×`);
  await expect(page.getByTestId("quote-offer")).toContainText(region);
});

test("a search that nothing fits says so and offers a way out", async ({ page }, testInfo) => {
  await page.goto("/market?model=t4-16gb&vram=80&maxPrice=0.0001");
  await expect(page.getByRole("heading", { name: "No offer fits these filters" })).toBeVisible();
  await expect(page.getByLabel("Max price (ETH per GPU-hour)")).toHaveValue("0.0001");
  await expectAccessible(page);
  await screenshots(page, testInfo, "market-empty");
  // Clearing brings every offer back, and the filter rail shows no filter.
  await page.getByRole("link", { name: "Clear filters" }).click();
  await expect(page.getByTestId("offer-summary")).toContainText("200 offers");
  await expect(page.getByLabel("Max price (ETH per GPU-hour)")).toHaveValue("");
  await expect(page.getByRole("checkbox", { name: "T4 16GB" })).not.toBeChecked();

  await page.goto("/market?maxPrice=cheap");
  await expect(
    page.getByRole("heading", { name: "Some filters in this link are not valid" }),
  ).toBeVisible();
  await expect(page.getByText("must be a price in ETH")).toBeVisible();
});

test("on a phone the offers are cards, and nothing scrolls sideways", async ({
  page,
}, testInfo) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/market");
  await expect(page.getByTestId("offer-summary")).toContainText("200 offers");
  const cards = page.getByTestId("offer-card");
  await expect(cards).toHaveCount(25);
  await expect(cards.first()).toBeVisible();
  await expect(page.getByRole("table")).toBeHidden();
  // Cheapest first on the cards too, each with its Use link.
  await expect(cards.first().getByRole("link", { name: /^Use / })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await expectAccessible(page);
  await page.screenshot({ path: testInfo.outputPath("market-cards-phone.png"), fullPage: true });
  // From tablet width up it is the table again.
  await page.setViewportSize({ width: 1280, height: 800 });
  await expect(page.getByRole("table")).toBeVisible();
  await expect(cards.first()).toBeHidden();
});

test("the home page draws the median ask per model over 7 days, unsampled days as gaps", async ({
  page,
}, testInfo) => {
  await page.goto("/");
  const chart = page.getByRole("figure", { name: /Median ask per model, last 7 days/ });
  // The charts are drawn as they come near the screen: scroll down to them, as a visitor does.
  await page.getByTestId("market-charts").scrollIntoViewIfNeeded();
  await expect(chart).toBeVisible();
  // The server sampled the seeded market when it started: today only, the 6 days before empty.
  const today = new Date().toLocaleDateString("en-US", {
    month: "short",
    day: "numeric",
    timeZone: "UTC",
  });
  const ticks = chart.locator(".recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value");
  await expect(ticks).toHaveCount(7);
  await expect(ticks.last()).toHaveText(today);
  const models = await chart.locator(".recharts-legend-item").count();
  expect(models).toBeGreaterThan(1);
  // One dot per model (today's); a missing day drawn as zero would add a dot per day.
  await expect(chart.locator(".recharts-line-dot")).toHaveCount(models);
  await expectAccessible(page);
  await screenshots(page, testInfo, "home");
});
