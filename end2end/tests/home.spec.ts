import { waitForHydration, expect, test } from "./fixtures";

// The demo seed's specialists (server/src/seed.rs).
const seeded = [
  { name: "Mei Chen", specialty: "Acupuncture" },
  { name: "Lucía Ortega", specialty: "Naturopathy" },
  { name: "Tom Becker", specialty: "Nutrition" },
];

test("the home page lists the seeded specialists from the database", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveTitle("Our specialists · SyEI");
  await expect(page.getByRole("heading", { level: 1, name: "Our specialists" })).toBeVisible();
  const cards = page.getByTestId("specialist-card");
  // Other tests may add specialists to the same database; the seeded ones must all be there.
  await expect(cards.first()).toBeVisible();
  expect(await cards.count()).toBeGreaterThanOrEqual(seeded.length);
  for (const { name, specialty } of seeded) {
    const card = cards.filter({ has: page.getByRole("heading", { name }) });
    await expect(card).toContainText(specialty);
  }
  const total = await cards.count();
  await expect(page.getByTestId("specialist-count")).toHaveText(`Showing ${total} of ${total} specialists`);
});

test("the specialty filter narrows the list in the browser", async ({ page }) => {
  // A hydration mismatch or a panic in the WASM shows up as a console error.
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(message.text());
  });
  await page.goto("/");
  await waitForHydration(page);
  const filter = page.getByLabel("Specialty");
  const cards = page.getByTestId("specialist-card");

  await filter.selectOption("Naturopathy");
  await expect(cards).toHaveCount(1);
  await expect(cards.first()).toContainText("Lucía Ortega");
  await expect(page.getByTestId("specialist-count")).toHaveText(/^Showing 1 of \d+ specialists$/);

  await filter.selectOption("Nutrition");
  await expect(cards).toHaveCount(1);
  await expect(cards.first()).toContainText("Tom Becker");

  await filter.selectOption("");
  expect(await cards.count()).toBeGreaterThanOrEqual(3);
  expect(problems).toEqual([]);
});

test("filtering needs no request to the server", async ({ page }) => {
  await page.goto("/");
  await waitForHydration(page);
  const requests: string[] = [];
  page.on("request", (request) => requests.push(request.url()));
  await page.getByLabel("Specialty").selectOption("Acupuncture");
  await expect(page.getByTestId("specialist-card")).toHaveCount(1);
  expect(requests).toEqual([]);
});

test("an unknown address shows the not-found page with a 404", async ({ page }) => {
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await page.getByRole("link", { name: "Go to the home page" }).click();
  await expect(page).toHaveURL(/\/$/);
});
