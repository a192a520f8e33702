// Browser checks for `journeyctl render`, run by tests/test_render_browser.py.
//
//   node browser_check.mjs mermaid FILE...   parse and render each Mermaid file with the real
//                                            Mermaid library into a page as GitHub does; prints
//                                            [{file, ok, svg, error, width, texts, outside}]:
//                                            width the SVG's natural width in px (Mermaid's
//                                            max-width), texts the drawn text by role (actors
//                                            are their legend lines joined), outside the texts
//                                            that reach beyond the SVG
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

// What a Mermaid diagram draws, by role: CSS selectors into the SVG.
const ROLES = {
  section: "text.journey-section",
  task: "text.task",
  cluster: ".cluster-label .nodeLabel",
  node: "g.node .nodeLabel",
  edge: "span.edgeLabel",
};

async function checkMermaid(files) {
  return withPage(async (page) => {
    await page.setContent("<!DOCTYPE html><html><body><div id='shown'></div></body></html>");
    await page.addScriptTag({ path: join(here, "node_modules/mermaid/dist/mermaid.min.js") });
    const results = [];
    for (const [i, file] of files.entries()) {
      const text = readFileSync(file, "utf8");
      results.push({
        file,
        ...(await page.evaluate(async ([id, text, roles]) => {
          mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });
          try {
            await mermaid.parse(text);
            const { svg } = await mermaid.render(id, text);
            const shown = document.getElementById("shown");
            shown.innerHTML = svg; // as GitHub shows it: markup in the page, at natural width
            const root = shown.querySelector("svg");
            const box = root.getBoundingClientRect();
            const texts = {};
            for (const [role, selector] of Object.entries(roles)) {
              texts[role] = [...root.querySelectorAll(selector)].map((e) => e.textContent);
            }
            // The actor legend: a circle per actor (x 20), its name in lines below it.
            const circles = [...root.querySelectorAll("circle")].filter((c) => c.getAttribute("cx") === "20");
            const lines = [...root.querySelectorAll("text.legend")];
            texts.actor = circles.map((c, k) => {
              const top = Number(c.getAttribute("cy"));
              const next = k + 1 < circles.length ? Number(circles[k + 1].getAttribute("cy")) : Infinity;
              return lines
                .filter((t) => Number(t.getAttribute("y")) > top && Number(t.getAttribute("y")) < next)
                .map((t) => t.textContent)
                .join(" ");
            });
            const outside = [...root.querySelectorAll("text, foreignObject")]
              .filter((e) => e.textContent.trim())
              .filter((e) => {
                const r = e.getBoundingClientRect();
                const drawn = r.width > 0 || r.height > 0; // not a hidden copy
                return drawn && (r.left < box.left - 1 || r.right > box.right + 1);
              })
              .map((e) => e.textContent);
            return {
              ok: svg.startsWith("<svg"), svg, error: null,
              width: parseFloat(root.style.maxWidth) || box.width, texts, outside,
            };
          } catch (e) {
            return { ok: false, svg: "", error: String(e && e.message ? e.message : e) };
          }
        }, [`d${i}`, text, ROLES])),
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
