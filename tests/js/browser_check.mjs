// Browser checks for `journeyctl render`, run by tests/test_render_browser.py.
//
//   node browser_check.mjs mermaid FILE...   parse and render each Mermaid file with the real
//                                            Mermaid library; prints [{file, ok, svg, error}]
//   node browser_check.mjs html FILE PNG     open an HTML file; prints {console, requests,
//                                            pageErrors} and saves a full-page screenshot
//
// Uses the system Chromium (/usr/bin/chromium, or $CHROMIUM) through playwright-core; never
// downloads a browser.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

async function withPage(fn) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: FLAGS,
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    return await fn(page);
  } finally {
    await browser.close();
  }
}

async function checkMermaid(files) {
  return withPage(async (page) => {
    await page.setContent("<!DOCTYPE html><html><body></body></html>");
    await page.addScriptTag({ path: join(here, "node_modules/mermaid/dist/mermaid.min.js") });
    const results = [];
    for (const [i, file] of files.entries()) {
      const text = readFileSync(file, "utf8");
      results.push({
        file,
        ...(await page.evaluate(async ([id, text]) => {
          mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });
          try {
            await mermaid.parse(text);
            const { svg } = await mermaid.render(id, text);
            return { ok: svg.startsWith("<svg"), svg, error: null };
          } catch (e) {
            return { ok: false, svg: "", error: String(e && e.message ? e.message : e) };
          }
        }, [`d${i}`, text])),
      });
    }
    return results;
  });
}

async function checkHtml(file, png) {
  return withPage(async (page) => {
    const url = pathToFileURL(resolve(file)).href;
    const consoleMessages = [];
    const requests = [];
    const pageErrors = [];
    page.on("console", (m) => consoleMessages.push({ type: m.type(), text: m.text() }));
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    page.on("request", (r) => { if (r.url() !== url) requests.push(r.url()); });
    await page.goto(url, { waitUntil: "load" });
    await page.screenshot({ path: png, fullPage: true });
    return { console: consoleMessages, requests, pageErrors };
  });
}

const [mode, ...args] = process.argv.slice(2);
const out = mode === "mermaid" ? await checkMermaid(args) : await checkHtml(args[0], args[1]);
process.stdout.write(JSON.stringify(out));
