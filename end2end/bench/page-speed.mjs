// Page-speed benchmark, run by `make bench` (.ci/make-bench.sh) against a release server.
//
//   SYEI_BASE_URL=http://127.0.0.1:3200 SYEI_DEMO_PASSWORD=... node end2end/bench/page-speed.mjs
//
// Three parts, each printed as Markdown on stdout (progress goes to stderr):
//   1. Cold and warm visits of four pages in Chromium, on Lighthouse's mobile profile
//      (slow 4G, 4x slower CPU, a phone screen): first paint, time until the WASM has
//      hydrated, and bytes over the wire; then the targets and whether they are met.
//   2. Server throughput: requests per second and latency with 16 connections and with 1.
//   3. Lighthouse 12 scores (performance, accessibility); skipped with SYEI_BENCH_LIGHTHOUSE=0.
//
// A benchmark, not a test: a missed target still exits 0. It exits 1 only when a page could
// not be loaded or hydrated at all, or a demo account could not sign in.
//
// Imports resolve from end2end/node_modules (the folder above this file), whatever the cwd.
import http from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { chromium } from "@playwright/test";

// --- Settings --------------------------------------------------------------------------------

const base = (process.env.SYEI_BASE_URL ?? "").replace(/\/+$/, "");
const password = process.env.SYEI_DEMO_PASSWORD ?? "";
const chromiumPath = process.env.SYEI_CHROMIUM ?? "/usr/bin/chromium";
const runLighthouse = process.env.SYEI_BENCH_LIGHTHOUSE !== "0";

const accounts = {
  patient: "ana.garcia@patients.example",
  specialist: "mei.chen@clinic.example",
};

// Who visits each page: nobody (signed out) or a demo account.
const pages = [
  { path: "/", account: null },
  { path: "/login", account: null },
  { path: "/book", account: "patient" },
  { path: "/calendar", account: "specialist" },
];

// The same flags as end2end/playwright.config.ts (Debian's Chromium, no sandbox as root).
const browserArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

// Lighthouse's mobile profile: a mid-range phone (Moto G Power) on slow 4G. The network and
// CPU throttling are applied through CDP on each page; the screen through the context.
const mobileContext = {
  viewport: { width: 412, height: 823 },
  deviceScaleFactor: 1.75,
  isMobile: true,
  hasTouch: true,
  userAgent:
    "Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 " +
    "(KHTML, like Gecko) Chrome/136.0.0.0 Mobile Safari/537.36",
};
const slow4g = {
  offline: false,
  latency: 150, // ms round trip
  downloadThroughput: (1.6 * 1024 * 1024) / 8, // 1.6 Mbit/s in bytes/s
  uploadThroughput: (750 * 1024) / 8, // 750 Kbit/s in bytes/s
};
const cpuSlowdown = 4;

const KB = 1024; // the tables' "KB"
const targets = [
  { page: "/book", visit: "cold", what: "hydrated", label: "cold /book hydrated", max: 4000, unit: "ms" },
  { page: "/book", visit: "cold", what: "bytes", label: "cold /book transferred", max: 450, unit: "KB" },
  { page: "/book", visit: "warm", what: "bytes", label: "warm /book transferred", max: 30, unit: "KB" },
];

const throughput = {
  paths: [
    { path: "/healthz", account: null },
    { path: "/", account: null },
    { path: "/book", account: "patient" },
  ],
  connections: [16, 1],
  warmUpMs: 1_000,
  measureMs: 10_000,
};

// --- Small helpers ---------------------------------------------------------------------------

const log = (message) => process.stderr.write(`[page-speed] ${message}\n`);

function markdownTable(headers, rows) {
  const line = (cells) => `| ${cells.join(" | ")} |`;
  return [line(headers), line(headers.map(() => "---")), ...rows.map(line)].join("\n");
}

const fmtMs = (ms) => (ms == null ? "n/a" : String(Math.round(ms)));
const fmtKB = (bytes) => (bytes == null ? "n/a" : (bytes / KB).toFixed(1));

/** `name=value; ...` for the site's cookies in a Playwright context (the session cookie). */
async function cookieHeader(context) {
  const cookies = await context.cookies(base);
  return cookies.map((c) => `${c.name}=${c.value}`).join("; ");
}

// --- Part 1: cold and warm visits in Chromium -------------------------------------------------

/**
 * Runs in the page before any of its own scripts: records `performance.now()` the moment the
 * app marks itself hydrated, so the time does not include the round trip of a check from Node.
 */
function recordHydrationTime() {
  const mark = () => {
    if (window.__syeiHydratedAt === undefined && document.querySelector('[data-hydrated="true"]')) {
      window.__syeiHydratedAt = performance.now();
      observer.disconnect();
    }
  };
  const observer = new MutationObserver(mark);
  observer.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-hydrated"] });
}

/** Signs the context in through the API, so its cookie jar holds a session. */
async function signIn(context, account) {
  const email = accounts[account];
  const response = await context.request.post(`${base}/api/auth/login`, {
    form: { email, password },
    // The server refuses cross-site writes; a request from Node must name our origin.
    headers: { Origin: base },
  });
  if (!response.ok()) {
    const body = (await response.text()).slice(0, 200);
    throw new Error(`sign-in as ${email} failed: HTTP ${response.status()} ${body}`);
  }
}

/**
 * Opens a tab with the mobile throttling on and counts the bytes its requests transfer.
 * `inFlight` lets a visit wait until the page has stopped fetching before reading the total.
 */
async function openThrottledPage(context) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  const traffic = { bytes: 0, inFlight: new Set(), lastActivity: Date.now() };
  cdp.on("Network.requestWillBeSent", ({ requestId }) => {
    traffic.inFlight.add(requestId);
    traffic.lastActivity = Date.now();
  });
  cdp.on("Network.loadingFinished", ({ requestId, encodedDataLength }) => {
    traffic.bytes += encodedDataLength;
    traffic.inFlight.delete(requestId);
    traffic.lastActivity = Date.now();
  });
  cdp.on("Network.loadingFailed", ({ requestId }) => {
    traffic.inFlight.delete(requestId);
    traffic.lastActivity = Date.now();
  });
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", slow4g);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: cpuSlowdown });
  return { page, traffic };
}

/** Waits until no request has been in flight for `quietMs` (requests made after hydration count too). */
async function waitForNetworkQuiet(traffic, quietMs = 1_000, maxMs = 15_000) {
  const deadline = Date.now() + maxMs;
  while (Date.now() < deadline) {
    if (traffic.inFlight.size === 0 && Date.now() - traffic.lastActivity >= quietMs) return;
    await sleep(100);
  }
}

/** First contentful paint in ms; paint entries can land a moment after hydration. */
async function firstContentfulPaint(page) {
  for (let tries = 0; tries < 50; tries++) {
    const fcp = await page.evaluate(() => performance.getEntriesByName("first-contentful-paint")[0]?.startTime);
    if (fcp !== undefined) return fcp;
    await sleep(100);
  }
  return null;
}

/** One visit of `path` in a new tab of `context`: status, first paint, hydrated, bytes. */
async function visit(context, path) {
  const { page, traffic } = await openThrottledPage(context);
  try {
    const response = await page.goto(base + path, { waitUntil: "domcontentloaded", timeout: 90_000 });
    const status = response?.status() ?? null;
    const landedOn = new URL(page.url()).pathname;
    if (landedOn !== path) throw new Error(`${path} redirected to ${landedOn} (HTTP ${status})`);
    if (status === null || status < 200 || status > 299) throw new Error(`${path} answered HTTP ${status}`);
    await page.waitForSelector("[data-hydrated=true]", { state: "attached", timeout: 90_000 });
    const hydrated = await page.evaluate(() => window.__syeiHydratedAt ?? performance.now());
    const firstPaint = await firstContentfulPaint(page);
    await waitForNetworkQuiet(traffic);
    return { status, firstPaint, hydrated, bytes: traffic.bytes };
  } finally {
    await page.close();
  }
}

/** A cold visit (fresh context: empty cache, signed in if needed) then a warm one (cache kept). */
async function measurePage(browser, { path, account }) {
  const context = await browser.newContext(mobileContext);
  try {
    await context.addInitScript(recordHydrationTime);
    if (account) await signIn(context, account);
    log(`${path}: cold visit`);
    const cold = await visit(context, path);
    // The HTTP cache is written in the background; give it a moment before the warm visit.
    await sleep(500);
    log(`${path}: warm visit`);
    const warm = await visit(context, path);
    const cookie = account ? await cookieHeader(context) : "";
    return { visits: { cold, warm }, cookie };
  } finally {
    await context.close();
  }
}

function visitRows(results) {
  const rows = [];
  for (const { path, visits, error } of results) {
    if (error) {
      rows.push([path, "-", "failed", "-", "-", error.replaceAll("|", "\\|").replaceAll("\n", " ")]);
      continue;
    }
    for (const [name, v] of Object.entries(visits)) {
      rows.push([path, name, String(v.status), fmtMs(v.firstPaint), fmtMs(v.hydrated), fmtKB(v.bytes)]);
    }
  }
  return rows;
}

function targetRows(results) {
  return targets.map((target) => {
    const visitResult = results.find((r) => r.path === target.page)?.visits?.[target.visit];
    const value = visitResult?.[target.what];
    const shown = value == null ? null : target.unit === "KB" ? value / KB : value;
    const verdict = shown == null ? "not measured" : shown <= target.max ? "met" : "MISSED";
    const actual = shown == null ? "n/a" : `${target.unit === "KB" ? shown.toFixed(1) : Math.round(shown)} ${target.unit}`;
    return [target.label, `≤ ${target.max} ${target.unit}`, actual, verdict];
  });
}

async function pageSpeed() {
  const browser = await chromium.launch({ executablePath: chromiumPath, args: browserArgs });
  const results = [];
  const cookies = {}; // account -> session cookie header, for the other parts
  try {
    for (const spec of pages) {
      try {
        const { visits, cookie } = await measurePage(browser, spec);
        results.push({ path: spec.path, visits });
        if (spec.account) cookies[spec.account] = cookie;
      } catch (error) {
        log(`${spec.path}: ${error.message}`);
        results.push({ path: spec.path, error: error.message.split("\n")[0] });
      }
    }
  } finally {
    await browser.close();
  }

  console.log("## Page speed (Chromium, Lighthouse mobile profile)\n");
  console.log(
    `Slow 4G through CDP (${slow4g.latency} ms, 1.6 Mbit/s down, 750 Kbit/s up), CPU ${cpuSlowdown}x slower, ` +
      `${mobileContext.viewport.width}x${mobileContext.viewport.height} touch screen. Cold: a fresh context ` +
      "(empty cache, already signed in); warm: the same page again in that context. Times are ms since " +
      `navigation start; 1 KB = ${KB} bytes.\n`,
  );
  console.log(markdownTable(["page", "visit", "status", "first paint ms", "hydrated ms", "bytes KB"], visitRows(results)));
  console.log("\n### Targets\n");
  console.log(markdownTable(["target", "limit", "measured", "verdict"], targetRows(results)));
  console.log();
  return { failures: results.filter((r) => r.error), cookies };
}

// --- Part 2: server throughput ----------------------------------------------------------------

/** One GET on a keep-alive agent; resolves with the status and the time to the last byte. */
function timedGet(agent, url, headers) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const request = http.get(url, { agent, headers }, (response) => {
      response.resume(); // the body is read and dropped: we time it, not keep it
      response.on("end", () =>
        resolve({ status: response.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 }),
      );
      response.on("error", () => resolve({ status: 0, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    });
    request.on("error", () => resolve({ status: 0, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
  });
}

/** The p-th percentile (0..1) of sorted numbers, nearest rank. */
function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

/**
 * `connections` loops, each sending its next request as soon as the last one is answered, over
 * as many keep-alive sockets. The warm-up (connections opened, caches filled) is not counted.
 */
async function load(path, connections, headers) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const url = base + path;
  const measureFrom = Date.now() + throughput.warmUpMs;
  const stopAt = measureFrom + throughput.measureMs;
  const latencies = [];
  let failed = 0;
  const loop = async () => {
    while (Date.now() < stopAt) {
      const sentAt = Date.now();
      const { status, ms } = await timedGet(agent, url, headers);
      if (sentAt < measureFrom) continue;
      latencies.push(ms);
      // A network error (status 0) counts as a failed request too.
      if (status < 200 || status > 299) failed++;
      if (status === 0) await sleep(10); // do not spin on a refused connection
    }
  };
  await Promise.all(Array.from({ length: connections }, loop));
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    perSecond: latencies.length / (throughput.measureMs / 1000),
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    failed,
  };
}

async function serverThroughput(cookies) {
  const rows = [];
  for (const { path, account } of throughput.paths) {
    // What a browser sends for a page, so compression and the session check are counted.
    const headers = { Accept: "text/html", "Accept-Encoding": "gzip, deflate, br" };
    if (account) {
      if (!cookies[account]) {
        rows.push([path, "-", "skipped: no session (sign-in failed above)", "-", "-", "-"]);
        continue;
      }
      headers.Cookie = cookies[account];
    }
    for (const connections of throughput.connections) {
      log(`throughput: ${path} with ${connections} connection(s)`);
      const r = await load(path, connections, headers);
      rows.push([path, String(connections), r.perSecond.toFixed(0), r.p50?.toFixed(2) ?? "n/a", r.p99?.toFixed(2) ?? "n/a", String(r.failed)]);
    }
  }
  console.log("## Server throughput\n");
  console.log(
    `Each connection sends its next GET as soon as the last is answered (keep-alive), ` +
      `${throughput.warmUpMs / 1000} s warm-up then ${throughput.measureMs / 1000} s measured. The load ` +
      "comes from this Node process on the same machine, so it shares the CPU with the server.\n",
  );
  console.log(markdownTable(["path", "connections", "requests/s", "p50 ms", "p99 ms", "non-2xx count"], rows));
  console.log();
}

// --- Part 3: Lighthouse -----------------------------------------------------------------------

const score = (category) => (category?.score == null ? "n/a" : String(Math.round(category.score * 100)));

/** Lighthouse's default (mobile) run on one page, in a Chrome of its own. */
async function lighthouseScores(lighthouse, chromeLauncher, url, cookie) {
  const chrome = await chromeLauncher.launch({
    chromePath: chromiumPath,
    chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu"],
  });
  try {
    const result = await lighthouse(url, {
      port: chrome.port,
      output: "json",
      logLevel: "error",
      onlyCategories: ["performance", "accessibility"],
      // Lighthouse's own Chrome has no session; the cookie rides on every request instead.
      ...(cookie ? { extraHeaders: { Cookie: cookie } } : {}),
    });
    const lhr = result?.lhr;
    if (!lhr) throw new Error("Lighthouse returned no result");
    if (lhr.runtimeError) throw new Error(`${lhr.runtimeError.code}: ${lhr.runtimeError.message}`);
    // A lost session sends a signed-in page to /login: scores for the wrong page.
    const landedOn = new URL(lhr.finalDisplayedUrl).pathname;
    if (landedOn !== new URL(url).pathname) throw new Error(`redirected to ${landedOn}`);
    return [score(lhr.categories.performance), score(lhr.categories.accessibility)];
  } finally {
    await chrome.kill();
  }
}

async function lighthouseSection(cookies) {
  console.log("## Lighthouse\n");
  if (!runLighthouse) {
    console.log("Skipped (SYEI_BENCH_LIGHTHOUSE=0).\n");
    return;
  }
  // Loaded only when wanted, so a skipped run does not need the package at all.
  const { default: lighthouse } = await import("lighthouse");
  const chromeLauncher = await import("chrome-launcher");
  const rows = [];
  for (const { path, account } of pages) {
    log(`lighthouse: ${path}`);
    try {
      if (account && !cookies[account]) throw new Error("no session (sign-in failed above)");
      const [performance, accessibility] = await lighthouseScores(lighthouse, chromeLauncher, base + path, cookies[account]);
      rows.push([path, performance, accessibility]);
    } catch (error) {
      const message = String(error?.message ?? error).split("\n")[0].replaceAll("|", "\\|");
      rows.push([path, `error: ${message}`, "-"]);
    }
  }
  console.log("Lighthouse 12, default mobile config (simulated slow 4G), scores out of 100.\n");
  console.log(markdownTable(["page", "performance", "accessibility"], rows));
  console.log();
}

// --- Main -------------------------------------------------------------------------------------

async function main() {
  if (!base) throw new Error("SYEI_BASE_URL is not set (e.g. http://127.0.0.1:3200)");
  if (!password) throw new Error("SYEI_DEMO_PASSWORD is not set (the demo accounts' password)");

  const { failures, cookies } = await pageSpeed();
  await serverThroughput(cookies);
  await lighthouseSection(cookies);

  if (failures.length > 0) {
    for (const { path, error } of failures) console.error(`[page-speed] FAILED ${path}: ${error}`);
    process.exitCode = 1;
  }
}

// Ctrl-C stops the whole run. Playwright's own handler only closes the browser, and the run
// would go on without it; on exit Playwright still kills the browser it launched.
process.once("SIGINT", () => process.exit(130));

main().catch((error) => {
  console.error(`[page-speed] ${error.stack ?? error}`);
  process.exitCode = 1;
});
