import { test, expect, signIn, demoPassword, waitForHydration } from "./fixtures";
import { totpCode } from "./totp";

// The only spec that signs in as Tom Becker (others only book with him), so turning on his
// two-factor sign-in changes nothing for them in the shared end-to-end database.
const specialist = "tom.becker@clinic.example";

test("a specialist turns on two-factor sign-in and then signs in with a code", async ({ page }) => {
  await signIn(page, specialist, demoPassword);
  await expect(page).toHaveURL(/\/specialist$/);

  await page.goto("/account");
  await waitForHydration(page);
  const section = page.getByTestId("two-factor");
  await expect(section.getByTestId("two-factor-state")).toHaveText("Two-factor sign-in is off.");
  await section.getByRole("button", { name: "Set up two-factor sign-in" }).click();
  await expect(section.getByTestId("two-factor-qr").locator("svg")).toBeVisible();
  const secret = (await section.getByTestId("two-factor-secret").textContent()) ?? "";
  expect(secret.replace(/\s/g, "")).toMatch(/^[A-Z2-7]{32}$/);

  // The phone's app computes the current code from the secret typed in by hand.
  await section.getByLabel("The code your app shows now").fill(totpCode(secret));
  await section.getByRole("button", { name: "Turn on two-factor sign-in" }).click();
  await expect(section.getByTestId("recovery-codes").locator("li")).toHaveCount(10);
  const firstCodes = await section.getByTestId("recovery-codes").locator("li").allTextContents();
  await expect(section.getByTestId("two-factor-state")).toHaveText(
    "Two-factor sign-in is on. Recovery codes left: 10.",
  );

  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();

  // The password alone leads to the code step, not into the clinic.
  await signIn(page, specialist, demoPassword);
  await expect(page).toHaveURL(/\/login\/code$/);
  await waitForHydration(page);
  // The code that set it up was used; the app's next one (one step ahead is accepted) signs in.
  await page.getByLabel("Code").fill(totpCode(secret, Date.now() + 30_000));
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/specialist$/);
  await page.goto("/account");
  await expect(page.getByTestId("account-profile")).toContainText(specialist);

  // New recovery codes, with the password and one of the old codes (the app's next code may
  // not have come yet): ten new ones, shown once, none of them an old one.
  await waitForHydration(page);
  const shown = page.getByTestId("two-factor");
  await shown.locator("#recovery-codes-password").fill(demoPassword);
  await shown.locator("#recovery-codes-code").fill(firstCodes[0]);
  await shown.getByRole("button", { name: "Make new recovery codes" }).click();
  await expect(shown.getByTestId("recovery-codes").locator("li")).toHaveCount(10);
  const newCodes = await shown.getByTestId("recovery-codes").locator("li").allTextContents();
  expect(newCodes.filter((code) => firstCodes.includes(code))).toEqual([]);
  await expect(shown.getByTestId("two-factor-state")).toHaveText("Two-factor sign-in is on. Recovery codes left: 10.");
});
