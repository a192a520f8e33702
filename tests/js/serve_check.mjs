// Live reload in a real browser, for tests/test_serve.py and bench/bench_serve.py.
//
//   node serve_check.mjs PLAN.json
//
// PLAN: {url, file, steps: [{find, replace, expect, selector?}]}. Opens `url` (a running
// `journeyctl serve`), then for each step replaces the first `find` in `file` with `replace`
// and waits, without reloading the page itself, until the page's visible text holds `expect`.
// Prints {steps: [{ok, ms, loads, selectorCount}], pageErrors, consoleErrors, requests}: `ms`
// from just before the write to the text in the DOM, `loads` the page loads the step caused,
// `selectorCount` how many elements match the step's `selector` then.
//
// Uses the system Chromium (/usr/bin/chromium, or $CHROMIUM) through playwright-core.
import { readFileSync, writeFileSync } from "node:fs";
import { chromium } from "playwright-core";

const FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];
const TIMEOUT_MS = 30000;

const plan = JSON.parse(readFileSync(process.argv[2], "utf8"));
const origin = new URL(plan.url).origin;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: FLAGS,
});
const out = { steps: [], pageErrors: [], consoleErrors: [], requests: [] };
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  let loads = 0;
  page.on("load", () => { loads += 1; });
  page.on("pageerror", (e) => out.pageErrors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") out.consoleErrors.push(m.text()); });
  page.on("request", (r) => { if (new URL(r.url()).origin !== origin) out.requests.push(r.url()); });
  await page.goto(plan.url, { waitUntil: "load" });
  await page.waitForTimeout(300); // the event stream opens (a save before it is seen anyway)
  for (const step of plan.steps) {
    const before = loads;
    const text = readFileSync(plan.file, "utf8");
    if (!text.includes(step.find)) throw new Error(`not in ${plan.file}: ${step.find}`);
    const start = performance.now();
    writeFileSync(plan.file, text.replace(step.find, step.replace));
    const ok = await waitFor(page, (body) => body.includes(step.expect));
    const ms = performance.now() - start;
    await page.waitForLoadState("load"); // the text shows before the load event fires
    const selectorCount = step.selector ? await page.locator(step.selector).count() : 0;
    out.steps.push({ ok, ms, loads: loads - before, selectorCount });
    if (!ok) break;
    await page.waitForTimeout(300); // let the page settle before the next save
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(out));

// Poll the visible text until `test(text)` holds; false after TIMEOUT_MS.
async function waitFor(page, test) {
  const end = performance.now() + TIMEOUT_MS;
  while (performance.now() < end) {
    const body = await page.evaluate(() => document.body ? document.body.innerText : null)
      .catch(() => null); // the page is reloading
    if (body !== null && test(body)) return true;
    await new Promise((r) => setTimeout(r, 5));
  }
  return false;
}
