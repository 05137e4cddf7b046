import { type Page } from "@playwright/test";
import { demo, demoPassword, newSignedInPage, signIn, uniqueEmail, waitForHydration, expect, test } from "./fixtures";

const homes = [
  { who: "admin", email: demo.admin, url: /\/admin$/, heading: "Clinic dashboard", sees: "Users", doesNotSee: "My care" },
  { who: "specialist", email: demo.specialist, url: /\/specialist$/, heading: "Today", sees: "Today", doesNotSee: "Users" },
  { who: "patient", email: demo.patient, url: /\/my-care$/, heading: "My care", sees: "My care", doesNotSee: "Users" },
  { who: "family member", email: demo.family, url: /\/family$/, heading: "The people I help", sees: "The people I help", doesNotSee: "Users" },
];

for (const home of homes) {
  test(`the ${home.who} signs in and lands on their home`, async ({ page }) => {
    await signIn(page, home.email, demoPassword);
    await expect(page).toHaveURL(home.url);
    await expect(page.getByTestId("home-heading")).toHaveText(home.heading);
    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(nav.getByRole("link", { name: home.sees })).toBeVisible();
    await expect(nav.getByRole("link", { name: home.doesNotSee })).toHaveCount(0);
    await expect(page.getByTestId("signed-in-as")).toBeVisible();
  });
}

test("the family member sees Leo's appointments", async ({ page }) => {
  await signIn(page, demo.family, demoPassword);
  await expect(page.getByRole("heading", { name: /Leo Ruiz/ })).toBeVisible();
});

test("a wrong password gets the same generic message as an unknown email", async ({ page }) => {
  await signIn(page, demo.patient, "not the password at all");
  const error = page.getByTestId("login-error");
  await expect(error).toContainText("do not match an active account");
  const wrongPasswordMessage = await error.textContent();

  await signIn(page, "nobody@clinic.example", "not the password at all");
  await expect(error).toHaveText(wrongPasswordMessage ?? "");
  await expect(page).toHaveURL(/\/login$/);
});

test("a page of another role says it is not allowed and shows none of its data", async ({ page }) => {
  await signIn(page, demo.patient, demoPassword);
  await expect(page).toHaveURL(/\/my-care$/);
  const response = await page.goto("/admin/users");
  expect(response?.status()).toBe(403);
  await expect(page.getByTestId("not-allowed")).toBeVisible();
  await expect(page.getByTestId("user-table")).toHaveCount(0);
  await expect(page.getByText(demo.admin)).toHaveCount(0);
});

test("signed-out visitors are asked to sign in", async ({ page }) => {
  await page.goto("/account");
  await expect(page.getByTestId("please-sign-in")).toBeVisible();
});

async function createUser(page: Page, fields: Record<string, string>, role: string) {
  await page.goto("/admin/users/new");
  await waitForHydration(page);
  await page.getByLabel("Role").selectOption({ label: role });
  for (const [label, value] of Object.entries(fields)) {
    await page.getByLabel(label, { exact: false }).first().fill(value);
  }
}

async function submitAndReadPassword(page: Page) {
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByTestId("issued-password")).toBeVisible();
  return (await page.getByTestId("temporary-password").textContent())?.trim() ?? "";
}

async function chooseOwnPassword(page: Page, temporary: string, chosen: string) {
  await expect(page).toHaveURL(/\/account\/password$/);
  await waitForHydration(page);
  await page.getByLabel("Current password", { exact: true }).fill(temporary);
  await page.getByLabel("New password", { exact: true }).fill(chosen);
  await page.getByLabel("Repeat the new password", { exact: true }).fill(chosen);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("heading", { name: "Your password is set" })).toBeVisible();
}

test("the admin creates a specialist, a patient and her family member; the patient must change the temporary password", async ({ page, browser }) => {
  await signIn(page, demo.admin, demoPassword);
  await expect(page).toHaveURL(/\/admin$/);

  const specialistEmail = uniqueEmail("reiki");
  await createUser(page, { Email: specialistEmail, "First name": "Rosa", "Last name": "Ibáñez", Specialty: "Reiki", "Licence number": "RK-7" }, "Specialist");
  expect(await submitAndReadPassword(page)).toMatch(/^[A-Za-z0-9]{16}$/);

  // A missing field is named next to it, and nothing is created.
  const patientEmail = uniqueEmail("nora");
  await createUser(page, { Email: patientEmail, "First name": "Nora", "Last name": "Vidal" }, "Patient");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.locator("#field-date_of_birth-error")).toContainText("YYYY-MM-DD");
  await page.getByLabel("Date of birth").fill("1991-05-20");
  const patientPassword = await submitAndReadPassword(page);

  const relativeEmail = uniqueEmail("pau");
  await createUser(page, { Email: relativeEmail, "First name": "Pau", "Last name": "Vidal", Relationship: "Spouse" }, "Family member");
  await page.getByLabel("Helps patient").selectOption({ label: "Nora Vidal" });
  await submitAndReadPassword(page);

  const patient = await newSignedInPage(browser, patientEmail, patientPassword);
  await chooseOwnPassword(patient, patientPassword, "Nora's own password 2026");
  await patient.getByRole("link", { name: "Continue" }).click();
  await expect(patient.getByTestId("home-heading")).toHaveText("My care");

  // The list finds the new accounts by email and by name.
  await page.goto("/admin/users");
  await waitForHydration(page);
  const rows = page.getByTestId("user-table").locator("tbody tr");
  await page.getByLabel("Search name or email").fill(relativeEmail);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("Pau Vidal");
  await expect(rows.first()).toContainText("Family member");
  await page.getByLabel("Search name or email").fill(patientEmail.toUpperCase());
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("Nora Vidal");
});

test("a deactivated user's next action is refused", async ({ page, browser }) => {
  await signIn(page, demo.admin, demoPassword);
  await expect(page).toHaveURL(/\/admin$/);
  const email = uniqueEmail("leaving");
  await createUser(page, { Email: email, "First name": "Lena", "Last name": "Leaving", "Date of birth": "1980-02-02" }, "Patient");
  const temporary = await submitAndReadPassword(page);

  const patient = await newSignedInPage(browser, email, temporary);
  await chooseOwnPassword(patient, temporary, "Lena's own password 2026");
  await patient.getByRole("link", { name: "Continue" }).click();
  await expect(patient.getByTestId("home-heading")).toHaveText("My care");

  await page.getByRole("link", { name: "Open the account" }).click();
  await waitForHydration(page);
  await page.getByRole("button", { name: "Deactivate account" }).click();
  await expect(page.getByTestId("account-status")).toHaveText("Inactive");

  await patient.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My account" }).click();
  await expect(patient.getByTestId("please-sign-in")).toBeVisible();
  await expect(patient.getByTestId("account-profile")).toHaveCount(0);
});
