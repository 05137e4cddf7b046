import { demoPassword, expect, test } from "./fixtures";

// A phone on a slow line: the page is there long before the WASM. Everything a patient needs
// to book works as plain forms; this browser never runs any script.
test.use({ javaScriptEnabled: false });

/** "Book Mon 7 Dec at 09:00" -> "Mon 7 Dec, 09:00", as lists show the time. */
function listed(slotLabel: string) {
  const [, day, time] = /^Book (.+) at (\d\d:\d\d)$/.exec(slotLabel) ?? [];
  return `${day}, ${time}`;
}

test("without JavaScript, a patient signs in, books a slot and cancels it", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Email").fill("leo.ruiz@patients.example");
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("login-error")).not.toBeEmpty();
  await page.getByLabel("Email").fill("leo.ruiz@patients.example");
  await page.getByLabel("Password").fill(demoPassword);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/my-care$/);

  await page.goto("/book");
  // The demo patient holds as many upcoming appointments as the clinic allows: cancel one first.
  // Cancelling asks first (a second form), then cancels.
  const cancellable = page.getByTestId("my-appointments").getByRole("listitem").filter({ has: page.getByRole("button", { name: "Cancel" }) });
  const when = (await cancellable.first().locator("p").first().textContent()) ?? "";
  const existing = page.getByTestId("my-appointments").getByRole("listitem").filter({ hasText: when });
  await existing.getByRole("button", { name: "Cancel" }).click();
  await existing.getByRole("button", { name: "Yes, cancel" }).click();
  await expect(page.getByTestId("cancel-result")).toContainText("Cancelled");
  await expect(existing.getByTestId("appointment-status")).toHaveText("Canceled");

  await page.getByLabel("Specialist").selectOption({ label: "Tom Becker · Nutrition" });
  await page.getByLabel("Type of appointment").selectOption({ label: "Follow-up (30 min)" });
  await page.getByRole("button", { name: "Show free times" }).click();
  await expect(page.getByTestId("time-zone")).toContainText("Tom Becker");
  for (let i = 0; i < 5; i++) {
    const heading = await page.getByRole("heading", { name: /^Week of/ }).textContent();
    await page.getByRole("button", { name: "Next week →" }).click();
    await expect(page.getByRole("heading", { name: /^Week of/ })).not.toHaveText(heading ?? "");
  }

  const slot = page.getByTestId("week-slots").getByRole("button").first();
  const slotLabel = (await slot.getAttribute("aria-label")) ?? "";
  await slot.click();
  await expect(page.getByRole("dialog")).toContainText("Follow-up on");
  await page.getByRole("button", { name: "Confirm booking" }).click();
  await expect(page.getByTestId("booking-result")).toContainText("Booked");
  const mine = page.getByTestId("my-appointments").getByRole("listitem").filter({ hasText: listed(slotLabel) });
  await expect(mine.getByTestId("appointment-status")).toHaveText(/Pending|Confirmed/);

  // "Keep it" changes nothing; "Yes, cancel" cancels.
  await mine.getByRole("button", { name: "Cancel" }).click();
  await mine.getByRole("button", { name: "Keep it" }).click();
  await expect(mine.getByTestId("appointment-status")).toHaveText(/Pending|Confirmed/);
  await mine.getByRole("button", { name: "Cancel" }).click();
  await mine.getByRole("button", { name: "Yes, cancel" }).click();
  await expect(page.getByTestId("cancel-result")).toContainText("Cancelled");
  await expect(mine.getByTestId("appointment-status")).toHaveText("Canceled");
  await expect(mine.getByRole("button", { name: "Cancel" })).toHaveCount(0);
});
