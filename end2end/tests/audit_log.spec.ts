import { readFile } from "node:fs/promises";
import { demo, demoPassword, signIn, waitForHydration, expect, test } from "./fixtures";

// An admin narrows the audit log to one patient and downloads what the filter shows.
test("an admin filters the audit log to one patient and exports it", async ({ page }) => {
  await signIn(page, demo.admin, demoPassword);
  await expect(page.getByTestId("home-heading")).toBeVisible();
  await page.getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
  await waitForHydration(page);

  await page.getByLabel("Patient (email)").fill(demo.patient);
  await page.getByLabel("Table").selectOption("patients");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/patient_email=ana.garcia%40patients.example/);
  const entries = page.getByTestId("audit-entry");
  // The unfiltered list stays on screen until the filtered one arrives: wait until every entry
  // shown is about the patients table.
  await expect(entries.filter({ hasNotText: " patients" })).toHaveCount(0);
  await expect(entries.first()).toContainText(" patients");

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByTestId("audit-export").click(),
  ]);
  expect(download.suggestedFilename()).toBe("audit-log.csv");
  const csv = await readFile(await download.path(), "utf8");
  expect(csv.split("\n")[0]).toBe("sequence,at,actor,action,table,record,address,field,before,after");
  expect(csv).toContain(",patients,");

  // The search and the export are in the trail themselves.
  await page.goto("/admin/audit?table_name=&action=EXPORT");
  await expect(page.getByTestId("audit-entry").first()).toContainText("EXPORT audit_logs");
});
