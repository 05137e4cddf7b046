import { demoPassword, expect, signIn, test, waitForHydration } from "./fixtures";

test("a specialist adds working hours on Sunday, and an overlap is refused with a clear message", async ({ page }) => {
  await signIn(page, "lucia.ortega@clinic.example", demoPassword);
  await expect(page).toHaveURL(/\/specialist$/);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Hours" }).click();
  await waitForHydration(page);
  const sunday = page.getByTestId("day-7");
  // Start from a Sunday without hours (a rerun against the same database may have left some).
  while ((await sunday.getByRole("button", { name: "Remove" }).count()) > 0) {
    await sunday.getByRole("button", { name: "Remove" }).first().click();
  }
  await expect(sunday.locator("input[type=time]")).toHaveCount(0);

  await sunday.getByRole("button", { name: "Add hours" }).click();
  await sunday.getByRole("button", { name: "Add hours" }).click();
  // Both new rows are 09:00-13:00: they overlap.
  await page.getByRole("button", { name: "Save working hours" }).click();
  await expect(sunday.getByRole("alert").filter({ hasText: "overlaps another block on Sunday" }).first()).toBeVisible();

  await sunday.getByRole("button", { name: "Remove" }).last().click();
  await page.getByRole("button", { name: "Save working hours" }).click();
  await expect(page.getByText("Working hours saved.")).toBeVisible();
  await page.reload();
  await waitForHydration(page);
  await expect(page.getByTestId("day-7").locator("input[type=time]")).toHaveCount(2);
});
