import { type Page } from "@playwright/test";
import { demoPassword, newSignedInPage, signIn, waitForHydration, expect, test } from "./fixtures";

async function openCalendar(page: Page, specialist: string, type: string, weeksAhead: number) {
  await page.goto("/book");
  await waitForHydration(page);
  await page.getByLabel("Specialist").selectOption({ label: specialist });
  await page.getByLabel("Type of appointment").selectOption({ label: type });
  for (let i = 0; i < weeksAhead; i++) {
    const heading = await page.getByRole("heading", { name: /^Week of/ }).textContent();
    await page.getByRole("button", { name: "Next week →" }).click();
    await expect(page.getByRole("heading", { name: /^Week of/ })).not.toHaveText(heading ?? "");
  }
  await expect(page.getByTestId("time-zone")).toContainText("Europe/Madrid");
}

/** "Book Mon 7 Dec at 09:00" -> "Mon 7 Dec, 09:00", as lists show the time. */
function listed(slotLabel: string) {
  const [, day, time] = /^Book (.+) at (\d\d:\d\d)$/.exec(slotLabel) ?? [];
  return `${day}, ${time}`;
}

test("a patient books, the specialist confirms, the patient sees it confirmed and is notified", async ({ page, browser }) => {
  // Two people, two browsers and five page loads against the debug build: it takes 22-32 s here,
  // at the edge of the 30 s default, so this story gets a minute.
  test.setTimeout(60_000);
  await signIn(page, "ana.garcia@patients.example", demoPassword);
  await expect(page).toHaveURL(/\/my-care$/);
  await openCalendar(page, "Mei Chen · Acupuncture", "Follow-up (30 min)", 2);

  const slot = page.getByTestId("week-slots").getByRole("button").first();
  const slotLabel = (await slot.getAttribute("aria-label")) ?? "";
  await slot.click();
  await expect(page.getByRole("dialog")).toContainText("Follow-up on");
  await page.getByRole("button", { name: "Confirm booking" }).click();
  await expect(page.getByTestId("booking-result")).toContainText("Booked");
  await expect(page.getByRole("dialog")).toHaveCount(0);
  const mine = page.getByTestId("my-appointments").getByRole("listitem").filter({ hasText: listed(slotLabel) });
  await expect(mine).toContainText("Pending");
  // The booked time is no longer offered.
  await expect(page.getByRole("button", { name: slotLabel, exact: true })).toHaveCount(0);

  const specialist = await newSignedInPage(browser, "mei.chen@clinic.example", demoPassword);
  await expect(specialist).toHaveURL(/\/specialist$/);
  await specialist.goto("/calendar");
  await waitForHydration(specialist);
  for (let i = 0; i < 2; i++) {
    const heading = await specialist.getByTestId("calendar-title").textContent();
    await specialist.getByRole("button", { name: "Next →" }).click();
    await expect(specialist.getByTestId("calendar-title")).not.toHaveText(heading ?? "");
  }
  // The appointment's accessible name carries its date and time; its text, the patient.
  const card = specialist.locator(`[data-testid="staff-appointment"][aria-label*="${listed(slotLabel)}"]`).filter({ hasText: "Ana García" });
  await expect(card.getByTestId("staff-appointment-status")).toHaveText("Pending");
  await card.click();
  await expect(specialist.getByTestId("details-status")).toHaveText("Pending");
  await specialist.getByRole("dialog").getByRole("button", { name: "Confirm", exact: true }).click();
  await expect(specialist.getByTestId("calendar-announcement")).toHaveText("Status changed.");
  await expect(card.getByTestId("staff-appointment-status")).toHaveText("Confirmed");

  await page.reload();
  await waitForHydration(page);
  await expect(page.getByTestId("my-appointments").getByRole("listitem").filter({ hasText: listed(slotLabel) })).toContainText("Confirmed");
  await expect(page.getByTestId("unread-count")).toBeVisible();
  await page.getByTestId("notification-link").click();
  await expect(page.getByTestId("notification-list")).toContainText("Appointment confirmed");
});

test("a patient cancels one of their appointments", async ({ page }) => {
  await signIn(page, "omar.haddad@patients.example", demoPassword);
  await expect(page).toHaveURL(/\/my-care$/);
  await page.goto("/book");
  await waitForHydration(page);
  const cancellable = page.getByTestId("my-appointments").getByRole("listitem").filter({ has: page.getByRole("button", { name: "Cancel" }) });
  const when = (await cancellable.first().locator("p").first().textContent()) ?? "";
  const same = page.getByTestId("my-appointments").getByRole("listitem").filter({ hasText: when });
  // One click only asks; "Keep it" changes nothing, "Yes, cancel" cancels.
  await same.getByRole("button", { name: "Cancel" }).click();
  await same.getByRole("button", { name: "Keep it" }).click();
  await expect(same.getByTestId("appointment-status")).not.toHaveText("Canceled");
  await same.getByRole("button", { name: "Cancel" }).click();
  await same.getByRole("button", { name: "Yes, cancel" }).click();
  await expect(same.getByTestId("appointment-status")).toHaveText("Canceled");
  await expect(same.getByRole("button", { name: "Cancel" })).toHaveCount(0);
});

test("booking a time someone else just took shows the friendly conflict and refreshes", async ({ browser }) => {
  const first = await newSignedInPage(browser, "david.smith@patients.example", demoPassword);
  const second = await newSignedInPage(browser, "sofia.navarro@patients.example", demoPassword);
  await expect(first).toHaveURL(/\/my-care$/);
  await expect(second).toHaveURL(/\/my-care$/);
  await openCalendar(first, "Tom Becker · Nutrition", "Follow-up (30 min)", 3);
  await openCalendar(second, "Tom Becker · Nutrition", "Follow-up (30 min)", 3);

  const slotLabel = (await first.getByTestId("week-slots").getByRole("button").first().getAttribute("aria-label")) ?? "";
  await first.getByRole("button", { name: slotLabel, exact: true }).click();
  await second.getByRole("button", { name: slotLabel, exact: true }).click();
  await first.getByRole("button", { name: "Confirm booking" }).click();
  await expect(first.getByTestId("booking-result")).toContainText("Booked");

  await second.getByRole("button", { name: "Confirm booking" }).click();
  await expect(second.getByTestId("booking-result")).toContainText("That time was just taken");
  await expect(second.getByRole("button", { name: slotLabel, exact: true })).toHaveCount(0);
  await expect(second.getByTestId("my-appointments").getByRole("listitem").filter({ hasText: listed(slotLabel) })).toHaveCount(0);
});
