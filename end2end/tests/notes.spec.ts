import { test, expect, demo, demoPassword, newSignedInPage, signIn, waitForHydration } from "./fixtures";
import type { Page } from "@playwright/test";

/** The rich editor over the note's textarea, once its bundle has loaded. */
async function editorOf(page: Page) {
  await expect(page.locator("textarea#note-body[data-rich-editor-ready]")).toBeAttached({ timeout: 20_000 });
  return page.getByRole("textbox", { name: "Note" });
}

async function waitUntilSaved(page: Page) {
  await expect(page.getByTestId("save-state")).toHaveText(/^Saved \d\d:\d\d$/, { timeout: 15_000 });
}

test("a specialist writes a note from a template, it autosaves, survives leaving, is signed, amended and read by the patient", async ({
  page,
  browser,
  context,
}) => {
  test.setTimeout(120_000);
  await signIn(page, demo.specialist, demoPassword);
  await expect(page).toHaveURL(/\/specialist$/);
  await page.goto("/patients?q=Garc");
  await page.getByTestId("patient-table").getByRole("link", { name: "Ana García" }).click();
  await expect(page.getByTestId("chart-name")).toHaveText("Ana García");
  await waitForHydration(page);
  await page.getByTestId("write-note").click();
  await expect(page).toHaveURL(/\/notes\/[0-9a-f-]+\/edit$/);
  const editUrl = page.url();
  // Opened afresh too (rendered on the server, then hydrated) while the draft is still empty.
  await page.goto(editUrl);
  await waitForHydration(page);

  // A template goes in at the cursor, placeholders filled in.
  const editor = await editorOf(page);
  await page.getByText("Insert a template at the cursor").click();
  await page.getByRole("button", { name: "SOAP note (SOAP note, clinic)" }).click();
  await expect(editor.getByRole("heading", { name: "Subjective" })).toBeVisible();
  await expect(editor).toContainText("Ana García reports");

  // Typed like in a word processor: bold with the shortcut, a list by typing "- ".
  await editor.click();
  await page.keyboard.press("Control+End");
  await page.keyboard.press("Enter");
  await page.keyboard.type("Pain ");
  await page.keyboard.press("Control+b");
  await page.keyboard.type("much better");
  await page.keyboard.press("Control+b");
  await page.keyboard.press("Enter");
  await page.keyboard.type("- Rest two days");
  await page.getByLabel("Diagnosis").fill("Tension headache");
  await waitUntilSaved(page);

  // Leave and come back: the draft was saved by itself.
  await page.goto("/patients");
  await page.goto(editUrl);
  await waitForHydration(page);
  const reopened = await editorOf(page);
  await expect(reopened.locator("strong", { hasText: "much better" })).toBeVisible();
  await expect(reopened.getByRole("listitem").filter({ hasText: "Rest two days" })).toBeVisible();
  await expect(page.getByLabel("Diagnosis")).toHaveValue("Tension headache");

  // Two tabs on one draft: the second save meets the first one's version and asks.
  const second = await context.newPage();
  await second.goto(editUrl);
  await waitForHydration(second);
  await second.getByLabel("Treatment").fill("Changed in the other tab");
  await waitUntilSaved(second);
  await page.getByLabel("Treatment").fill("Changed in this tab");
  const conflict = page.getByTestId("note-conflict");
  await expect(conflict).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId("conflict-theirs")).toContainText("Changed in the other tab");
  await conflict.getByRole("button", { name: "Use the other version" }).click();
  await expect(conflict).toBeHidden();
  await expect(page.getByLabel("Treatment")).toHaveValue("Changed in the other tab");
  await second.close();

  // A PDF and an image, with upload progress; a file of another type is refused with a message.
  const pdf = Buffer.from("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n");
  const png = Buffer.from(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000" + "1f15c4890000000a49444154789c63000100000500010d0a2db40000000049454e44ae426082",
    "hex",
  );
  await page.getByTestId("file-input").setInputFiles([
    { name: "lab-results.pdf", mimeType: "application/pdf", buffer: pdf },
    { name: "posture.png", mimeType: "image/png", buffer: png },
  ]);
  const attachments = page.getByTestId("attachments");
  await expect(attachments.getByRole("listitem")).toHaveCount(2, { timeout: 15_000 });
  await expect(attachments.getByRole("img", { name: "posture.png" })).toBeVisible();
  await page.getByTestId("file-input").setInputFiles({ name: "notes.pdf", mimeType: "application/pdf", buffer: Buffer.from("<html>not a pdf</html>") });
  await expect(page.getByTestId("upload-error")).toContainText("Only PDF documents");
  await expect(attachments.getByRole("listitem")).toHaveCount(2);

  // Signing locks it; the reading view is rendered on the server.
  await page.getByTestId("sign-note").click();
  await expect(page).toHaveURL(/\/notes\/[0-9a-f-]+$/);
  const noteUrl = page.url();
  await expect(page.getByTestId("note-status")).toContainText("Signed by Mei Chen");
  const content = page.getByTestId("note-content");
  await expect(content.locator("strong", { hasText: "much better" })).toBeVisible();
  await expect(content.getByRole("listitem").filter({ hasText: "Rest two days" })).toBeVisible();
  await expect(page.getByRole("link", { name: /lab-results\.pdf \(PDF/ })).toBeVisible();
  await expect(page.getByRole("img", { name: "posture.png" })).toBeVisible();

  // An amendment, with its reason, under the note.
  await waitForHydration(page);
  await page.getByLabel("Reason for the amendment").fill("Dose corrected");
  await page.getByLabel("Correction or addition").fill("Ibuprofen 200 mg, not 400 mg.");
  await page.getByRole("button", { name: "Add the amendment" }).click();
  await expect(page.getByTestId("amendments").getByRole("listitem").filter({ hasText: "Dose corrected" })).toBeVisible();

  // The patient reads the signed note (open notes) and sees who read her record.
  const patient = await newSignedInPage(browser, demo.patient, demoPassword);
  await expect(patient).toHaveURL(/\/my-care$/);
  await patient.goto("/my-care/notes");
  await patient.getByTestId("note-list").getByRole("link").first().click();
  await expect(patient).toHaveURL(noteUrl);
  await expect(patient.getByTestId("note-content").locator("strong", { hasText: "much better" })).toBeVisible();
  await expect(patient.getByTestId("amendments")).toContainText("Dose corrected");
  await expect(patient.getByRole("button", { name: "Add the amendment" })).toHaveCount(0);
  await patient.goto("/my-care/record-views");
  await expect(patient.getByTestId("record-views").getByRole("row", { name: /Mei Chen.*Read a clinical note/ }).first()).toBeVisible();
});

test("the print view shows the note without the actions", async ({ page }) => {
  await signIn(page, demo.patient, demoPassword);
  await expect(page).toHaveURL(/\/my-care$/);
  await page.goto("/my-care/notes");
  const first = page.getByTestId("note-list").getByRole("link").first();
  const href = await first.getAttribute("href");
  await page.goto(`${href}/print`);
  await expect(page.getByTestId("printed-note")).toContainText("Clinical note · Ana García");
  await expect(page.getByTestId("printed-note").getByRole("button")).toHaveCount(0);
});
