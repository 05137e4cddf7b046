import { type Page } from "@playwright/test";
import { demoPassword, signIn, waitForHydration, expect, test } from "./fixtures";

/** Moves the staff calendar `times` views ahead, waiting for each to load. */
async function forward(page: Page, times: number) {
  for (let i = 0; i < times; i++) {
    const title = await page.getByTestId("calendar-title").textContent();
    await page.getByRole("button", { name: "Next →" }).click();
    await expect(page.getByTestId("calendar-title")).not.toHaveText(title ?? "");
  }
}

test("a specialist books for a patient, then drags the appointment to another free time", async ({ page }) => {
  await signIn(page, "lucia.ortega@clinic.example", demoPassword);
  await expect(page).toHaveURL(/\/specialist$/);
  await page.goto("/calendar");
  await waitForHydration(page);

  // Five weeks ahead nothing is booked yet: book the first free follow-up of that week.
  await page.getByRole("button", { name: "Book for a patient" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Patient").selectOption({ index: 1 });
  await dialog.getByLabel("Type").selectOption({ label: "Follow-up (30 min)" });
  for (let i = 0; i < 5; i++) {
    const week = await dialog.getByText(/^Free times, week of/).textContent();
    await dialog.getByRole("button", { name: "Week →" }).click();
    await expect(dialog.getByText(/^Free times, week of/)).not.toHaveText(week ?? "");
  }
  const first = dialog.getByTestId("free-times").getByRole("button").first();
  const [, day, time] = /^(.+) at (\d\d:\d\d)$/.exec((await first.getAttribute("aria-label")) ?? "") ?? [];
  await first.click();
  await dialog.getByRole("button", { name: "Book", exact: true }).click();
  await expect(page.getByTestId("calendar-announcement")).toHaveText("Appointment booked.");
  await expect(page.getByRole("dialog")).toHaveCount(0);

  await forward(page, 5);
  const card = page.locator(`[data-testid="staff-appointment"][aria-label*="${day}, ${time}"]`);
  await expect(card).toHaveCount(1);
  await expect(card.getByTestId("staff-appointment-status")).toHaveText("Confirmed");

  // Drop it two days later at 14:00 (Lucía works Tuesdays and Thursdays 10-18).
  const columns = page.locator("[data-column-date]");
  const dates = await columns.evaluateAll((all) => all.map((c) => c.getAttribute("data-column-date")));
  const from = await card.evaluate((el) => el.parentElement?.getAttribute("data-column-date"));
  const target = columns.nth(dates.indexOf(from ?? "") + 2);
  const hourFrom = Number(await target.getAttribute("data-hour-from"));
  const box = await card.boundingBox();
  const y = (14 * 60 - hourFrom * 60) * (80 / 60) + (box?.height ?? 0) / 2;
  await card.dragTo(target, { targetPosition: { x: 20, y } });

  const move = page.getByRole("dialog");
  await expect(move.getByTestId("move-summary")).toContainText("14:00");
  await move.getByRole("button", { name: "Move here" }).click();
  await expect(page.getByTestId("calendar-announcement")).toContainText("Moved to");
  await expect(page.getByTestId("calendar-announcement")).toContainText("14:00–14:30");
  await expect(page.locator(`[data-testid="staff-appointment"][aria-label*="${day}, ${time}"]`)).toHaveCount(0);
  const moved = target.locator('[data-testid="staff-appointment"][aria-label*="14:00–14:30"]');
  await expect(moved).toHaveCount(1);

  // The keyboard way: open it, "Move…", pick its old time again, confirm; no pointer needed.
  await moved.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("dialog")).toBeFocused();
  // Escape closes it and focus goes back to the card; Tab never leaves an open dialog.
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(moved).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("dialog")).toBeFocused();
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press("Shift+Tab");
    expect(await page.getByRole("dialog").evaluate((d) => d.contains(document.activeElement))).toBe(true);
  }
  await page.getByRole("dialog").getByRole("button", { name: "Move…" }).press("Enter");
  const back = page.getByRole("dialog").getByRole("button", { name: `${day} at ${time}`, exact: true });
  await back.press("Enter");
  await expect(page.getByTestId("move-summary")).toContainText(time);
  await page.getByRole("dialog").getByRole("button", { name: "Move here" }).press("Enter");
  await expect(page.getByTestId("calendar-announcement")).toContainText(`${day}, ${time}`);
  await expect(page.locator(`[data-testid="staff-appointment"][aria-label*="${day}, ${time}"]`)).toHaveCount(1);
});

test("the month view opens a day; the day view has the today line", async ({ page }) => {
  await signIn(page, "mei.chen@clinic.example", demoPassword);
  await expect(page).toHaveURL(/\/specialist$/);
  await page.goto("/calendar");
  await waitForHydration(page);
  await page.getByRole("button", { name: "Month", exact: true }).click();
  await expect(page.getByTestId("month-grid")).toBeVisible();
  const days = page.getByTestId("month-day");
  expect([28, 35, 42]).toContain(await days.count());
  await page.getByRole("button", { name: "Today" }).click();
  await page.getByRole("button", { name: "Day", exact: true }).click();
  await expect(page.getByTestId("staff-grid")).toBeVisible();
  await expect(page.getByTestId("calendar-title")).not.toContainText("Week of");
});

test("a patient sees why times are not bookable, and reschedules an appointment", async ({ page }) => {
  await signIn(page, "david.smith@patients.example", demoPassword);
  await expect(page).toHaveURL(/\/my-care$/);
  await page.goto("/book");
  await waitForHydration(page);
  // Specialty first: only its specialists are offered.
  await page.getByLabel("Specialty").selectOption("Naturopathy");
  await expect(page.getByLabel("Specialist").locator("option")).toHaveCount(2);
  await page.getByLabel("Specialist").selectOption({ label: "Lucía Ortega · Naturopathy" });
  await page.getByLabel("Type of appointment").selectOption({ label: "Follow-up (30 min)" });
  // Jump six weeks ahead with the date picker (the month overview).
  const heading = await page.getByRole("heading", { name: /^Week of/ }).textContent();
  const ahead = new Date(Date.now() + 42 * 24 * 3600 * 1000).toISOString().slice(0, 10);
  await page.getByTestId("jump-to-date").fill(ahead);
  await expect(page.getByRole("heading", { name: /^Week of/ })).not.toHaveText(heading ?? "");
  // Closed times say why, on screen and on hover.
  await expect(page.getByTestId("closed-time").filter({ hasText: "Outside working hours" }).first()).toBeVisible();

  const slots = page.getByTestId("week-slots").getByRole("button");
  const firstLabel = (await slots.first().getAttribute("aria-label")) ?? "";
  await slots.first().click();
  await page.getByRole("button", { name: "Confirm booking" }).click();
  await expect(page.getByTestId("booking-result")).toContainText("Booked");
  await expect(page.getByTestId("closed-time").filter({ hasText: "Booked" }).first()).toBeVisible();

  const [, day, time] = /^Book (.+) at (\d\d:\d\d)$/.exec(firstLabel) ?? [];
  const mine = page.getByTestId("my-appointments").getByRole("listitem").filter({ hasText: `${day}, ${time}` });
  await mine.getByRole("button", { name: "Reschedule" }).click();
  await expect(page.getByTestId("rescheduling-banner")).toBeVisible();
  // While it moves, its own time is offered again.
  await expect(page.getByRole("button", { name: firstLabel, exact: true })).toBeVisible();
  const later = page.getByTestId("week-slots").getByRole("button").nth(3);
  const laterLabel = (await later.getAttribute("aria-label")) ?? "";
  await later.click();
  await expect(page.getByRole("dialog")).toContainText("Move your appointment");
  await page.getByRole("button", { name: "Move it here" }).click();
  await expect(page.getByTestId("reschedule-result")).toContainText("Moved to");
  const [, newDay, newTime] = /^Book (.+) at (\d\d:\d\d)$/.exec(laterLabel) ?? [];
  await expect(page.getByTestId("my-appointments").getByRole("listitem").filter({ hasText: `${newDay}, ${newTime}` })).toContainText("Pending");
  await expect(page.getByTestId("my-appointments").getByRole("listitem").filter({ hasText: `${day}, ${time}` })).toHaveCount(0);
});

test("a patient makes a private calendar link that calendar apps can read", async ({ page }) => {
  await signIn(page, "sofia.navarro@patients.example", demoPassword);
  await expect(page).toHaveURL(/\/my-care$/);
  await page.goto("/account");
  await waitForHydration(page);
  await expect(page.getByTestId("feed-state")).toBeVisible();
  await page.getByRole("button", { name: /Make a (private|new) link/ }).click();
  const url = await page.getByTestId("feed-url").inputValue();
  expect(url).toMatch(/\/calendar\/feed\/[A-Za-z0-9]{40}\.ics$/);
  const feed = await page.request.get(url);
  expect(feed.status()).toBe(200);
  expect(feed.headers()["content-type"]).toContain("text/calendar");
  expect(await feed.text()).toContain("BEGIN:VTIMEZONE");
  await page.getByRole("button", { name: "Revoke the link" }).click();
  await expect(page.getByTestId("feed-state")).toHaveText("You have no calendar link.");
  expect((await page.request.get(url)).status()).toBe(404);
});
