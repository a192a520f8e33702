// Drives the workshop report (`journeyctl render MAP -f html`) in headless Chromium for
// tests/test_report.py, the way a facilitator would: switch persona, filter, click and hover a
// touchpoint, open it on a 390-px phone; prints what is visible as JSON.
//
//   node report_check.mjs FILE.html OUTDIR    (screenshots OUTDIR/wide.png and OUTDIR/phone.png)
//
// Uses the system Chromium (/usr/bin/chromium, or $CHROMIUM) through playwright-core; never
// downloads a browser.
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];
const [file, outdir] = process.argv.slice(2);
const url = pathToFileURL(resolve(file)).href;

// What the page shows now: visible cards, the chosen persona, gaps, flows, path classes.
function state() {
  const shown = (el) => el.checkVisibility();
  const ids = (selector) => Array.from(document.querySelectorAll(selector))
    .filter(shown).map((el) => el.dataset.id);
  const flow = Array.from(document.querySelectorAll("figure.flow")).find(shown);
  const nodes = (cls) => flow ? Array.from(flow.querySelectorAll(`g.node.${cls}`))
    .map((g) => g.querySelector("title").textContent) : [];
  return {
    view: document.getElementById("view").value,
    cards: ids(".tp"),
    personas: Array.from(document.querySelectorAll(".persona.active")).map((p) => p.dataset.key),
    emotions: Object.fromEntries(Array.from(document.querySelectorAll(".tp")).map((card) => [
      card.dataset.id,
      Array.from(card.querySelectorAll("dd.emotion .pv")).filter(shown).map((s) => s.textContent)[0],
    ])),
    gaps: Array.from(document.querySelectorAll(".gap")).filter(shown).map((g) => g.id),
    gapsFor: Array.from(document.querySelectorAll(".gap")).filter(shown).map((g) => g.dataset.for),
    flows: Array.from(document.querySelectorAll("figure.flow")).filter(shown).length,
    sel: ids(".tp.sel"),
    next: ids(".tp.next"),
    prev: ids(".tp.prev"),
    flowSel: nodes("sel"),
    flowNext: nodes("next"),
    flowPrev: nodes("prev"),
    paths: flow ? Array.from(flow.querySelectorAll("g.edge.path"))
      .map((g) => g.querySelector("title").textContent) : [],
    status: document.getElementById("status").textContent,
  };
}

// Where the phone layout spills: the page scrolls sideways, or text leaves its card.
function spills() {
  const doc = document.documentElement;
  const out = [];
  for (const box of document.querySelectorAll(".tp, .persona, .gap, .controls")) {
    if (!box.checkVisibility()) continue;
    const edge = box.getBoundingClientRect();
    if (box.scrollWidth > box.clientWidth + 1) out.push(`${box.className}: scrolls`);
    for (const el of box.querySelectorAll("*")) {
      const r = el.getBoundingClientRect();
      if (r.width && (r.right > edge.right + 1 || r.left < edge.left - 1)) {
        out.push(`${box.className} ${box.dataset.id ?? ""}: ${el.tagName} ${r.left}-${r.right} ` +
          `outside ${edge.left}-${edge.right}`);
      }
    }
  }
  const boxes = Array.from(document.querySelectorAll(".scroll")).filter((b) => b.checkVisibility());
  return {
    scrollWidth: doc.scrollWidth,
    clientWidth: doc.clientWidth,
    widestBox: Math.max(0, ...boxes.map((b) => b.getBoundingClientRect().right)),
    spills: out,
  };
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: FLAGS,
});
const result = { console: [], requests: [], pageErrors: [] };
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on("console", (m) => result.console.push({ type: m.type(), text: m.text() }));
  page.on("pageerror", (e) => result.pageErrors.push(String(e)));
  page.on("request", (r) => { if (r.url() !== url) result.requests.push(r.url()); });
  await page.goto(url, { waitUntil: "load" });
  await page.screenshot({ path: join(outdir, "wide.png"), fullPage: true });
  const read = () => page.evaluate(state);
  result.start = await read();
  const views = await page.$$eval("#view option", (os) => os.map((o) => o.value));
  result.views = {};
  for (const key of views) {
    await page.selectOption("#view", key);
    result.views[key] = await read();
  }
  await page.selectOption("#view", views[0]);
  result.channels = {};
  for (const key of await page.$$eval("#channel option", (os) => os.map((o) => o.value))) {
    await page.selectOption("#channel", key);
    result.channels[key] = (await read()).cards;
  }
  await page.selectOption("#channel", "");
  result.stages = {};
  for (const key of await page.$$eval("#stage option", (os) => os.map((o) => o.value))) {
    await page.selectOption("#stage", key);
    result.stages[key] = (await read()).cards;
  }
  await page.selectOption("#stage", "");
  result.clicks = {};
  for (const id of result.start.cards) {
    await page.click(`[id="tp-${id}"] .pick`);
    const pinned = await read();
    await page.mouse.move(1, 1); // hovering elsewhere keeps the pinned path
    const kept = (await read()).sel;
    await page.click(`[id="tp-${id}"] .pick`);
    result.clicks[id] = { ...pinned, kept, after: (await read()).sel };
  }
  let node = null;
  let id = null;
  for (const g of await page.$$("figure.flow:not([hidden]) g.node")) {
    id = await g.$eval("title", (t) => t.textContent);
    if (result.start.cards.includes(id)) {
      node = g;
      break;
    }
  }
  if (node) {
    await node.hover();
    const hovered = (await read()).sel;
    await page.mouse.move(1, 1);
    const left = (await read()).sel;
    await node.click();
    result.flowClick = { id, hovered, left, sel: (await read()).sel };
  }
  const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
  phone.on("pageerror", (e) => result.pageErrors.push(String(e)));
  await phone.goto(url, { waitUntil: "load" });
  result.phone = await phone.evaluate(spills);
  await phone.screenshot({ path: join(outdir, "phone.png"), fullPage: true });
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(result));
