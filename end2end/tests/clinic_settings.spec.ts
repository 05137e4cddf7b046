import { demo, demoPassword, signIn, waitForHydration, expect, test } from "./fixtures";

test("the admin adds a type of appointment; bad booking rules are refused with the field named", async ({ page }) => {
  await signIn(page, demo.admin, demoPassword);
  await expect(page).toHaveURL(/\/admin$/);
  await page.getByRole("link", { name: "Settings" }).click();
  await expect(page).toHaveURL(/\/admin\/settings$/);
  await waitForHydration(page);

  const types = page.getByTestId("appointment-types");
  await types.getByLabel("New type").fill("Cupping therapy");
  await types.getByLabel("Minutes", { exact: true }).fill("45");
  await types.getByRole("button", { name: "Add the type" }).click();
  await expect(types.getByTestId("type-row").filter({ hasText: "Cupping therapy" })).toBeVisible();

  const rules = page.getByTestId("clinic-rules");
  await rules.getByLabel(/Clinic time zone/).fill("Mars/Olympus");
  await rules.getByRole("button", { name: "Save the rules" }).click();
  await expect(rules.getByText("Choose a time zone such as Europe/Madrid.")).toBeVisible();
  await page.reload();
  await waitForHydration(page);
  await expect(page.getByTestId("clinic-rules").getByLabel(/Clinic time zone/)).toHaveValue("Europe/Madrid");
});
