// The report's controls: persona switcher, channel and stage filters, and the path of a
// touchpoint (its moves in and out) highlighted in the cards and the flow figure on hover,
// pinned on click. Reads everything from the page; changes classes and `hidden` only.
"use strict";
(() => {
  const all = (selector, root = document) => Array.from(root.querySelectorAll(selector));
  const view = document.getElementById("view");
  const channel = document.getElementById("channel");
  const stage = document.getElementById("stage");
  const clear = document.getElementById("clear");
  const status = document.getElementById("status");
  const cards = new Map(all(".tp").map((card) => [card.dataset.id, card]));
  const next = new Map();
  const prev = new Map();
  for (const [id, card] of cards) {
    const targets = all("li[data-target]", card).map((li) => li.dataset.target);
    next.set(id, new Set(targets.filter((t) => cards.has(t))));
    prev.set(id, new Set());
  }
  for (const [id, targets] of next) for (const t of targets) prev.get(t).add(id);
  // Graphviz names each node, and each edge as "source->target", in its <title>. A move may
  // be drawn as a chain through helper nodes (e.g. one holding its label): an edge belongs to
  // the move from the touchpoint before the chain to the one after it.
  const nodes = [];
  const helpers = [];
  const edges = [];
  for (const figure of all("figure.flow")) {
    const named = new Map();
    for (const g of all("g.node", figure)) {
      const id = g.querySelector("title")?.textContent ?? "";
      (cards.has(id) ? nodes : helpers).push([id, g]);
      named.set(id, g);
    }
    const drawn = [];
    const into = new Map();
    const outOf = new Map();
    for (const g of all("g.edge", figure)) {
      const title = g.querySelector("title")?.textContent ?? "";
      const arrow = title.indexOf("->");
      if (arrow <= 0) continue;
      const end = (name) => name.split(":")[0]; // "id:port": ids hold no ":" (the schema)
      const edge = [end(title.slice(0, arrow)), end(title.slice(arrow + 2)), g];
      drawn.push(edge);
      into.set(edge[1], [...(into.get(edge[1]) ?? []), edge]);
      outOf.set(edge[0], [...(outOf.get(edge[0]) ?? []), edge]);
    }
    const follow = (name, links, end) => {
      for (let hops = 0; !cards.has(name) && links.get(name)?.length === 1 && hops < 64; hops++) {
        name = links.get(name)[0][end];
      }
      return name;
    };
    for (const [source, target, g] of drawn) {
      const chain = [source, target].filter((n) => !cards.has(n) && named.has(n));
      const on = chain.map((n) => named.get(n));
      edges.push([follow(source, into, 0), follow(target, outOf, 1), g, on]);
    }
  }
  let pinned = null;

  const visible = (card) =>
    (!channel.value || card.dataset.channel === channel.value) &&
    (!stage.value || card.dataset.stage === stage.value);

  function applyView() {
    const key = view.value;
    for (const el of all(".pv")) el.hidden = el.dataset.view !== key;
    for (const el of all("[data-for]")) {
      el.hidden = !(key === "" || el.dataset.for === "" || el.dataset.for === key);
    }
    for (const el of all(".persona")) el.classList.toggle("active", el.dataset.key === key);
    applyFilters();
  }

  function applyFilters() {
    for (const card of cards.values()) card.classList.toggle("off", !visible(card));
    for (const column of all(".stage")) {
      column.classList.toggle("off", !column.querySelector(".tp:not(.off)"));
    }
    for (const [id, g] of nodes) g.classList.toggle("filtered", !visible(cards.get(id)));
    for (const gap of all(".gap")) {
      const ids = gap.dataset.touchpoints.split(" ").filter((t) => cards.has(t));
      const offStage = stage.value && gap.dataset.stage && gap.dataset.stage !== stage.value;
      const offCards = ids.length > 0 && !ids.some((t) => visible(cards.get(t)));
      gap.classList.toggle("off", Boolean(offStage || offCards));
    }
    highlight(pinned);
  }

  function names(ids) {
    return Array.from(ids, (t) => cards.get(t).querySelector(".pick").textContent).join(", ");
  }

  function highlight(id) {
    const on = id !== null;
    const outs = on ? next.get(id) : new Set();
    const ins = on ? prev.get(id) : new Set();
    document.body.classList.toggle("tracing", on);
    for (const [tid, card] of cards) {
      card.classList.toggle("sel", tid === id);
      card.classList.toggle("next", outs.has(tid));
      card.classList.toggle("prev", ins.has(tid));
      card.querySelector(".pick").setAttribute("aria-pressed", String(tid === pinned));
    }
    for (const [tid, g] of nodes) {
      g.classList.toggle("sel", tid === id);
      g.classList.toggle("next", outs.has(tid));
      g.classList.toggle("prev", ins.has(tid));
    }
    for (const [, g] of helpers) g.classList.remove("path");
    for (const [source, target, g, chain] of edges) {
      const lit = on && (source === id || target === id);
      g.classList.toggle("path", lit);
      if (lit) for (const helper of chain) helper.classList.add("path");
    }
    clear.hidden = pinned === null;
    status.textContent = on
      ? `${names([id])}: comes from ${names(ins) || "the start"}; goes next to ${
          names(outs) || "nowhere but exit"
        }.`
      : "";
  }

  function pick(id) {
    pinned = pinned === id ? null : id;
    highlight(pinned);
  }

  for (const [id, card] of cards) {
    card.querySelector(".pick").addEventListener("click", () => pick(id));
    card.addEventListener("mouseenter", () => highlight(id));
    card.addEventListener("mouseleave", () => highlight(pinned));
  }
  for (const [id, g] of nodes) {
    g.addEventListener("click", (event) => {
      event.preventDefault();
      pick(id);
    });
    g.addEventListener("mouseenter", () => highlight(id));
    g.addEventListener("mouseleave", () => highlight(pinned));
  }
  view.addEventListener("change", applyView);
  channel.addEventListener("change", applyFilters);
  stage.addEventListener("change", applyFilters);
  clear.addEventListener("click", () => pick(pinned));
  applyView();
})();
