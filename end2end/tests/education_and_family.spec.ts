import { type Page } from "@playwright/test";
import { demo, demoPassword, newSignedInPage, signIn, waitForHydration, expect, test } from "./fixtures";

const leo = "leo.ruiz@patients.example";

/** The rich editor over the textarea `id`, once its bundle has loaded. */
async function richEditor(page: Page, id: string, name: string) {
  await expect(page.locator(`textarea#${id}[data-rich-editor-ready]`)).toBeAttached({ timeout: 20_000 });
  return page.getByRole("textbox", { name });
}

test("a specialist writes a material and assigns it from a chart; the patient opens it and marks it done", async ({ page, browser }) => {
  test.setTimeout(120_000);
  const title = `Evening stretches ${Date.now()}`;
  await signIn(page, demo.specialist, demoPassword);
  await expect(page).toHaveURL(/\/specialist$/);

  // A new material in the library, described in the rich editor.
  await page.goto("/materials/new");
  await waitForHydration(page);
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Type").selectOption("Exercise");
  await page.getByLabel(/Web link/).fill("https://materials.clinic.example/evening-stretches");
  const description = await richEditor(page, "material-description", "Description");
  await description.click();
  await page.keyboard.type("Five gentle stretches before bed.");
  await page.getByLabel(/Tags/).fill("sleep, stretching");
  await page.getByRole("button", { name: "Save the material" }).click();
  await expect(page).toHaveURL(/\/materials\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("material-title")).toHaveText(title);

  // From Ana's chart: find it in the library and assign it with a comment.
  await page.goto("/patients?q=Garc");
  await page.getByTestId("patient-table").getByRole("link", { name: "Ana García" }).click();
  await expect(page.getByTestId("chart-name")).toHaveText("Ana García");
  const chartUrl = page.url();
  await waitForHydration(page);
  await page.getByRole("link", { name: "Assign a material" }).click();
  await expect(page.getByTestId("assigning-banner")).toBeVisible();
  await page.getByLabel("Search").fill(title);
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByTestId("material-list").getByRole("link", { name: title }).click();
  await expect(page).toHaveURL(/\/materials\/[0-9a-f-]{36}\?for=/);
  await waitForHydration(page);
  const comment = await richEditor(page, "assign-comment", "Comment for the patient");
  await comment.click();
  await page.keyboard.type("Do these every evening for two weeks.");
  await page.getByRole("button", { name: "Assign", exact: true }).click();
  await expect(page.getByTestId("assigned")).toBeVisible();

  await page.goto(chartUrl);
  const entry = page.getByTestId("plan-entry").filter({ hasText: title });
  await expect(entry).toContainText("Released");

  // Ana sees it on her home page, opens it (viewed) and marks it done with a note back.
  const patient = await newSignedInPage(browser, demo.patient, demoPassword);
  await expect(patient).toHaveURL(/\/my-care$/);
  await patient.getByTestId("home-materials").getByRole("link", { name: title }).click();
  await expect(patient.getByTestId("material-title")).toHaveText(title);
  await expect(patient.getByText("Do these every evening for two weeks.")).toBeVisible();
  await expect(patient.getByTestId("material-status")).toContainText("Viewed");

  await page.reload();
  await expect(entry).toContainText("Viewed");
  await expect(entry).toContainText("by Ana García");

  await waitForHydration(patient);
  await patient.getByLabel("A note for your specialist (optional)").fill("Sleeping better already");
  await patient.getByRole("button", { name: "Mark as done" }).click();
  await expect(patient.getByTestId("material-status")).toContainText("Completed");

  await page.reload();
  await expect(entry).toContainText("Completed");
  await expect(entry.getByTestId("note-back")).toContainText("Sleeping better already");
});

test("a patient grants booking to a family member, who books for them; revoked, booking is gone and refused", async ({ page, browser }) => {
  test.setTimeout(120_000);
  // Leo lets his mother Marta book for him.
  await signIn(page, leo, demoPassword);
  await expect(page).toHaveURL(/\/my-care$/);
  await page.goto("/my-care/family");
  await waitForHydration(page);
  const grant = page.getByTestId("family-grant").filter({ hasText: "Marta Ruiz" });
  await grant.getByLabel("see my appointments").check();
  await grant.getByLabel("book, move and cancel appointments for me").check();
  await grant.getByRole("button", { name: "Save for Marta Ruiz" }).click();
  await expect(page.getByTestId("grant-saved")).toBeVisible();
  await expect(grant.getByTestId("grant-summary")).toContainText("booking for you");

  // Marta books on Leo's behalf from her home page.
  const marta = await newSignedInPage(browser, demo.family, demoPassword);
  await expect(marta).toHaveURL(/\/family$/);
  await marta.getByRole("link", { name: "Leo Ruiz" }).first().click();
  const bookForLeo = marta.getByRole("link", { name: "Book for Leo Ruiz" });
  const bookHref = (await bookForLeo.getAttribute("href")) ?? "";
  await bookForLeo.click();
  await expect(marta.getByTestId("booking-for")).toHaveText("Booking for Leo Ruiz.");
  await waitForHydration(marta);
  await marta.getByLabel("Specialist").selectOption({ label: "Mei Chen · Acupuncture" });
  await marta.getByLabel("Type of appointment").selectOption({ label: "Follow-up (30 min)" });
  for (let i = 0; i < 4; i++) {
    const heading = await marta.getByRole("heading", { name: /^Week of/ }).textContent();
    await marta.getByRole("button", { name: "Next week →" }).click();
    await expect(marta.getByRole("heading", { name: /^Week of/ })).not.toHaveText(heading ?? "");
  }
  await marta.getByTestId("week-slots").getByRole("button").first().click();
  await marta.getByRole("button", { name: "Confirm booking" }).click();
  await expect(marta.getByTestId("booking-result")).toContainText("Booked");
  await expect(marta.getByTestId("booked-by").filter({ hasText: "Booked by Marta Ruiz for Leo Ruiz" }).first()).toBeVisible();
  const specialistId = new URL(marta.url()).searchParams.get("specialist") ?? "";
  const leoId = new URL(bookHref, "http://x").searchParams.get("for") ?? "";

  // Leo revokes booking (keeps sharing his appointments).
  await grant.getByLabel("book, move and cancel appointments for me").uncheck();
  await grant.getByRole("button", { name: "Save for Marta Ruiz" }).click();
  await expect(grant.getByTestId("grant-summary")).not.toContainText("booking for you");

  // Marta's screens no longer offer booking, and a direct call is refused like a missing record.
  await marta.goto(`/family?patient=${leoId}`);
  await expect(marta.getByTestId("helped-patient")).toContainText("Leo Ruiz");
  await expect(marta.getByRole("link", { name: "Book for Leo Ruiz" })).toHaveCount(0);
  await marta.goto(bookHref);
  await expect(marta.getByTestId("booking-not-allowed")).toBeVisible();
  const status = await marta.evaluate(
    async ({ specialistId, leoId }) => {
      const start = new Date(Date.now() + 40 * 24 * 3600 * 1000);
      start.setUTCHours(9, 0, 0, 0);
      const body = new URLSearchParams({
        specialist_id: specialistId,
        appointment_type: "Follow-up",
        start: start.toISOString(),
        patient_id: leoId,
      });
      const response = await fetch("/api/appointments/book", { method: "POST", body });
      return response.status;
    },
    { specialistId, leoId },
  );
  expect(status).toBe(404);
});

test("a parent with two linked children switches between them", async ({ page }) => {
  await signIn(page, demo.family, demoPassword);
  await expect(page).toHaveURL(/\/family$/);
  await waitForHydration(page);
  const switcher = page.getByTestId("patient-switcher");
  await switcher.getByRole("link", { name: "Mía Ruiz" }).click();
  await expect(page.getByTestId("helped-patient")).toContainText("Mía Ruiz");
  await expect(switcher.getByRole("link", { name: "Mía Ruiz" })).toHaveAttribute("aria-current", "page");
  // Mía shares her appointments only.
  await expect(page.getByTestId("helped-patient")).not.toContainText("Materials");
  await switcher.getByRole("link", { name: "Leo Ruiz" }).click();
  await expect(page.getByTestId("helped-patient")).toContainText("Leo Ruiz");
  await expect(page.getByTestId("helped-patient").getByRole("heading", { name: "Materials" })).toBeVisible();
});
