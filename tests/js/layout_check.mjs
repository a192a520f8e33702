// Overprint check for Graphviz SVGs, run by tests/test_render_flow_layout.py.
//
//   node layout_check.mjs FILE.svg...   prints [{file, texts, shapes, arrows, lines, size,
//                                        nodes: {id: {x, y}}, overlaps: [{kind, a, b}],
//                                        figures: {node id: [{text, box}]},
//                                        starts: {edge title: {x, y}}}]
//
// Opens each SVG in the system Chromium (/usr/bin/chromium, or $CHROMIUM) through
// playwright-core and measures, as the browser draws them, the boxes of every <text>, every
// node's shape and every edge's arrowhead, and points along every edge's line. An overlap is
// a text whose box meets (by more than TOLERANCE px both ways) the box of a text of another
// node, edge or cluster, a shape of another node, any arrowhead, or a point of any edge line
// other than its own edge's. The lines of one node's or one edge's label may touch each other.
// `figures` are the texts of each node with their boxes, `starts` where each edge's line
// begins (its first point), both in page pixels.
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";
import { chromium } from "playwright-core";

const FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

function measure(tolerance) {
  const owner = (el) => el.closest("g.node, g.edge, g.cluster, g.graph");
  const name = (g) => `${g.getAttribute("class")} ${g.querySelector(":scope > title")?.textContent ?? ""}`;
  const box = (el) => {
    const r = el.getBoundingClientRect();
    return { x0: r.left, y0: r.top, x1: r.right, y1: r.bottom };
  };
  const meets = (a, b) =>
    Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0) > tolerance &&
    Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0) > tolerance;
  const inside = (p, b) =>
    p.x > b.x0 + tolerance && p.x < b.x1 - tolerance && p.y > b.y0 + tolerance && p.y < b.y1 - tolerance;

  const texts = [...document.querySelectorAll("text")]
    .filter((t) => t.textContent.trim() !== "")
    .map((t) => ({ g: owner(t), text: t.textContent.trim(), box: box(t) }));
  const shapes = [...document.querySelectorAll("g.node > polygon, g.node > ellipse, g.node > path, g.node > polyline, g.node > g > polygon")]
    .map((s) => ({ g: owner(s), box: box(s) }));
  const arrows = [...document.querySelectorAll("g.edge > polygon, g.edge > g > polygon")]
    .map((s) => ({ g: owner(s), box: box(s) }));
  const lines = [...document.querySelectorAll("g.edge > path, g.edge > g > path")].map((p) => {
    const ctm = p.getScreenCTM();
    const length = p.getTotalLength();
    const points = [];
    for (let d = 0; d <= length; d += 1) {
      const q = p.getPointAtLength(d).matrixTransform(ctm);
      points.push({ x: q.x, y: q.y });
    }
    const xs = points.map((q) => q.x);
    const ys = points.map((q) => q.y);
    const bounds = { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
    return { g: owner(p), points, bounds };
  });

  const overlaps = [];
  for (const [i, t] of texts.entries()) {
    for (const u of texts.slice(i + 1)) {
      if (u.g !== t.g && meets(t.box, u.box)) overlaps.push({ kind: "text/text", a: t.text, b: u.text });
    }
    for (const s of shapes) {
      if (s.g !== t.g && meets(t.box, s.box)) overlaps.push({ kind: "text/node", a: t.text, b: name(s.g) });
    }
    for (const s of arrows) {
      if (meets(t.box, s.box)) overlaps.push({ kind: "text/arrowhead", a: t.text, b: name(s.g) });
    }
    for (const l of lines) {
      const near = l.bounds.x1 >= t.box.x0 && l.bounds.x0 <= t.box.x1 && l.bounds.y1 >= t.box.y0 && l.bounds.y0 <= t.box.y1;
      if (l.g !== t.g && near && l.points.some((p) => inside(p, t.box))) {
        overlaps.push({ kind: "text/line", a: t.text, b: name(l.g) });
      }
    }
  }
  const nodes = Object.fromEntries(
    [...document.querySelectorAll("g.node")].map((g) => {
      const b = box(g);
      return [g.querySelector(":scope > title").textContent, { x: (b.x0 + b.x1) / 2, y: (b.y0 + b.y1) / 2 }];
    }),
  );
  const figures = {};
  for (const t of texts) {
    if (t.g?.getAttribute("class") !== "node") continue;
    const id = t.g.querySelector(":scope > title").textContent;
    (figures[id] ??= []).push({ text: t.text, box: t.box });
  }
  const starts = Object.fromEntries(
    lines.map((l) => [l.g.querySelector(":scope > title").textContent, l.points[0]]),
  );
  const svg = document.querySelector("svg").getBoundingClientRect();
  return {
    texts: texts.length, shapes: shapes.length, arrows: arrows.length, lines: lines.length,
    size: [svg.width, svg.height], nodes, overlaps, figures, starts,
  };
}

const TOLERANCE = 0.5;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: FLAGS,
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const results = [];
  for (const file of process.argv.slice(2)) {
    await page.goto(pathToFileURL(resolve(file)).href, { waitUntil: "load" });
    results.push({ file, ...(await page.evaluate(measure, TOLERANCE)) });
  }
  process.stdout.write(JSON.stringify(results));
} finally {
  await browser.close();
}
