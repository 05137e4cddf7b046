import { test as base, expect, type Browser, type Page } from "@playwright/test";

/**
 * Problems the pages of a test ran into: a panic in the WASM, or a hydration mismatch. Each page
 * keeps its own, with whether it saw a lazy WASM chunk aborted.
 */
type Watched = { problems: string[]; abortedChunk: boolean };
const watched: Watched[] = [];

/**
 * A test that navigates while the page it leaves is still fetching a lazy WASM chunk makes the
 * browser abort that fetch; the leaving page's split loader then panics. That page is already
 * gone, so its loader panic (and the trap that follows it) is not breakage. Any other failure
 * of a chunk (a 404, a refused connection) still is. The abort and the panic reach the test in
 * either order, so this is decided when the test ends.
 */
function isLoaderPanic(text: string) {
  return /SplitLoaderError/.test(text) || text.trim() === "unreachable";
}

function breakage(): string[] {
  return watched.flatMap(({ problems, abortedChunk }) =>
    problems.filter((text) => !(abortedChunk && isLoaderPanic(text.replace(/^\S+: /, "")))),
  );
}

function watch(page: Page) {
  const state: Watched = { problems: [], abortedChunk: false };
  watched.push(state);
  page.on("requestfailed", (request) => {
    if (request.url().includes("/pkg/") && request.failure()?.errorText === "net::ERR_ABORTED") state.abortedChunk = true;
  });
  const report = (text: string) => state.problems.push(`${page.url()}: ${text.slice(0, 300)}`);
  page.on("pageerror", (error) => report(error.message));
  page.on("console", (message) => {
    if (message.type() === "error" && /hydrat|panicked|Content Security Policy|Refused to/i.test(message.text())) {
      report(message.text());
    }
  });
}

/** Every test fails when any of its pages broke, whatever it asserted. */
export const test = base.extend({
  page: async ({ page }, use) => {
    watched.length = 0;
    watch(page);
    await use(page);
    expect(breakage(), "pages broke during the test").toEqual([]);
  },
});
export { expect };

/** Waits until the WASM has hydrated the page, so clicks reach Leptos event handlers. */
export async function waitForHydration(page: Page) {
  await expect(page.locator("[data-hydrated=true]")).toHaveCount(1);
}

/** The demo seed's password, set by `make test` for the end-to-end database. */
export const demoPassword = (() => {
  const password = process.env.SYEI_DEMO_PASSWORD;
  if (!password) throw new Error("SYEI_DEMO_PASSWORD is not set (run the suite through `make test`)");
  return password;
})();

export const demo = {
  admin: "admin@clinic.example",
  specialist: "mei.chen@clinic.example",
  patient: "ana.garcia@patients.example",
  family: "marta.ruiz@family.example",
};

export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/login");
  await waitForHydration(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** A fresh browser (its own cookies), signed in. */
export async function newSignedInPage(browser: Browser, email: string, password: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  watch(page);
  await signIn(page, email, password);
  return page;
}

/** Unique per run, so tests can run again against the same database. */
export function uniqueEmail(prefix: string) {
  return `${prefix}.${Date.now()}.${Math.floor(Math.random() * 1e6)}@e2e.example`;
}
