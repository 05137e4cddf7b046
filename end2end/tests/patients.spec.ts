import AxeBuilder from "@axe-core/playwright";
import { test, expect, demo, demoPassword, newSignedInPage, signIn, uniqueEmail, waitForHydration } from "./fixtures";

test("a specialist finds a patient of their care team and opens the chart", async ({ page }) => {
  await signIn(page, demo.specialist, demoPassword);
  await expect(page).toHaveURL(/\/specialist$/);
  await waitForHydration(page);
  await page.getByRole("link", { name: "Patients", exact: true }).click();
  await expect(page).toHaveURL(/\/patients$/);
  const table = page.getByTestId("patient-table");
  await expect(table).toBeVisible();
  const firstPatient = table.getByRole("link").first();
  const name = (await firstPatient.textContent())?.trim() ?? "";
  expect(name).not.toEqual("");

  // Search by part of the surname: the list narrows to matching names.
  await waitForHydration(page);
  const surname = name.split(" ").slice(-1)[0];
  await page.getByTestId("patient-search").fill(surname.slice(0, 4));
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(new RegExp(`q=${surname.slice(0, 4)}`));
  await expect(table.getByRole("link").filter({ hasNotText: surname.slice(0, 4) })).toHaveCount(0);
  await expect(table.getByRole("link", { name })).toBeVisible();

  await table.getByRole("link", { name }).first().click();
  await expect(page.getByTestId("chart-name")).toHaveText(name);
  // The medical history, opened from its encrypted form for the care team.
  await expect(page.getByTestId("chart-history")).not.toHaveText("None recorded.");
  await expect(page.getByTestId("chart-history")).not.toBeEmpty();
  await expect(page.getByTestId("chart-timeline").getByRole("listitem").first()).toBeVisible();
  await waitForHydration(page);
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id);
  expect(serious).toEqual([]);
});

test("a chart that is not the specialist's looks like no chart at all", async ({ page }) => {
  await signIn(page, demo.specialist, demoPassword);
  await expect(page).toHaveURL(/\/specialist$/);
  const response = await page.goto("/patients/00000000-0000-4000-8000-000000000000");
  expect(response?.status()).toBe(404);
  await expect(page.getByTestId("chart-not-found")).toBeVisible();
});

test("the patient sees that the admin opened her chart", async ({ page, browser }) => {
  await signIn(page, demo.admin, demoPassword);
  await expect(page).toHaveURL(/\/admin$/);
  await page.goto("/patients?q=Garc");
  await page.getByTestId("patient-table").getByRole("link", { name: "Ana García" }).click();
  await expect(page.getByTestId("chart-name")).toHaveText("Ana García");

  const patient = await newSignedInPage(browser, demo.patient, demoPassword);
  await expect(patient).toHaveURL(/\/my-care$/);
  await waitForHydration(patient);
  await patient.getByRole("link", { name: "Who viewed my record" }).click();
  const views = patient.getByTestId("record-views");
  await expect(views.getByRole("row", { name: /Alba Serra.*Administrator.*Opened your chart/ }).first()).toBeVisible();
  await waitForHydration(patient);
  const results = await new AxeBuilder({ page: patient }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
  expect(results.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)).toEqual([]);
});

test("a specialist outside the care team opens a chart only with a reason, and the admin reviews it", async ({ page, browser }) => {
  // A new patient: nobody's care team yet.
  await signIn(page, demo.admin, demoPassword);
  await expect(page).toHaveURL(/\/admin$/);
  const surname = `Glass${Date.now() % 100000}`;
  await page.goto("/admin/users/new");
  await waitForHydration(page);
  await page.getByLabel("Role").selectOption({ label: "Patient" });
  const fields: Record<string, string> = {
    Email: uniqueEmail("glass"),
    "First name": "Bea",
    "Last name": surname,
    "Date of birth": "1975-07-07",
    "Base medical history": "Penicillin allergy",
  };
  for (const [label, value] of Object.entries(fields)) {
    await page.getByLabel(label, { exact: false }).first().fill(value);
  }
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByTestId("issued-password")).toBeVisible();
  await page.goto(`/patients?q=${surname}`);
  const chartHref = (await page.getByTestId("patient-table").getByRole("link", { name: `Bea ${surname}` }).getAttribute("href")) ?? "";
  expect(chartHref).toMatch(/^\/patients\/[0-9a-f-]{36}$/);

  const specialist = await newSignedInPage(browser, demo.specialist, demoPassword);
  await expect(specialist).toHaveURL(/\/specialist$/);
  await specialist.goto(chartHref);
  await expect(specialist.getByTestId("chart-not-found")).toBeVisible();
  await waitForHydration(specialist);
  await specialist.getByLabel("Reason").fill("Patient collapsed in reception; her specialist is away");
  await specialist.getByRole("button", { name: "Open the chart" }).click();
  await expect(specialist.getByTestId("chart-history")).toHaveText("Penicillin allergy");

  await page.goto("/admin/emergency-access");
  await waitForHydration(page);
  const item = page.getByTestId("emergency-access-list").getByRole("listitem").filter({ hasText: `Bea ${surname}` });
  await expect(item).toContainText("Patient collapsed in reception");
  await item.getByRole("button", { name: "Mark reviewed" }).click();
  await expect(item).toHaveCount(0);
});
