import AxeBuilder from "@axe-core/playwright";
import { test, expect, demo, demoPassword, newSignedInPage, waitForHydration } from "./fixtures";
import type { Page } from "@playwright/test";

/** Every page, as the person who uses it, scanned after hydration against WCAG 2.2 AA. */
const pages: { who: keyof typeof demo | null; paths: string[] }[] = [
  { who: null, paths: ["/", "/login", "/login/code"] },
  {
    who: "patient",
    paths: ["/my-care", "/my-care/notes", "/my-care/materials", "/my-care/family", "/my-care/appointments", "/my-care/details", "/book", "/account", "/notifications"],
  },
  { who: "family", paths: ["/family"] },
  { who: "specialist", paths: ["/specialist", "/calendar", "/availability", "/patients", "/templates", "/templates/new", "/materials", "/materials/new"] },
  {
    who: "admin",
    paths: ["/admin", "/admin/users", "/admin/users/new", "/admin/settings", "/admin/emergency-access", "/admin/family", "/admin/database", "/admin/audit", "/calendar", "/patients"],
  },
];

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"])
    .analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
}

for (const { who, paths } of pages) {
  test(`pages of ${who ?? "visitors"} have no serious accessibility violations`, async ({ page, browser }) => {
    // Each page loads, hydrates and is scanned: the time grows with the pages of the role.
    test.setTimeout(30_000 + paths.length * 15_000);
    const viewer = who ? await newSignedInPage(browser, demo[who], demoPassword) : page;
    if (who) await expect(viewer).not.toHaveURL(/\/login/);
    for (const path of paths) {
      await viewer.goto(path);
      await waitForHydration(viewer);
      expect(await seriousViolations(viewer), `${path} as ${who ?? "visitor"}`).toEqual([]);
    }
  });
}
