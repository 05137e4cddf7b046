import { expect, type Page } from "@playwright/test";

/** Waits until the WASM has hydrated the page, so clicks reach Leptos event handlers. */
export async function waitForHydration(page: Page) {
  await expect(page.locator("[data-hydrated=true]")).toHaveCount(1);
}
