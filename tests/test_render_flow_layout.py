"""The flow view's layout as the browser draws it: no text overprints another text, a node,
an arrowhead or a line (every example map, a 40-touchpoint map and a one-stage draft, with and
without a persona overlay); each move's probability is written where its arrow leaves its
touchpoint; steps read in map order; a long stage wraps; the overlay's widths stay in range;
the legend names what the view encodes; a map too big for A3 at 9 pt goes on a larger page.

Boxes are measured in headless Chromium by tests/js/layout_check.mjs (what
scripts/setup.d/render.sh installs: Chromium, Node and tests/js/node_modules).
"""

from __future__ import annotations

import itertools
import math
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import in_chromium
from test_render_paper import MIN_PT, _iso_name, _long_map, page_of, printed_text_sizes

from journeyctl.lint.load import load_map

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "render"
MAPS = [
    *sorted((ROOT / "maps").glob("*.yaml")),
    DATA / "forty.yaml",
    DATA / "draft-one-stage.yaml",
]
DRAWINGS = [(m, p) for m in MAPS for p in (None, *[x.id for x in load_map(m).personas[:1]])]
SVG_NS = "{http://www.w3.org/2000/svg}"


def _name(path: Path, persona: str | None) -> str:
    return f"{path.stem}-{persona}" if persona else path.stem


def _check(*files: Path) -> list[dict]:
    return in_chromium("layout_check.mjs", *files, timeout=600)


@pytest.fixture(scope="module")
def measured(tmp_path_factory) -> dict[str, dict]:
    """Each drawing rendered by a `journeyctl render` process, measured in Chromium."""
    folder = tmp_path_factory.mktemp("flow")
    files = []
    for path, persona in DRAWINGS:
        out = folder / f"{_name(path, persona)}.svg"
        args = ["render", path, "-f", "svg", "--page", "a3", "-o", out]
        args += ["--persona", persona] if persona else []
        r = subprocess.run(
            [sys.executable, "-m", "journeyctl", *map(str, args)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert r.returncode == 0, r.stderr
        files.append(out)
    return {Path(r["file"]).stem: {**r, "svg": Path(r["file"])} for r in _check(*files)}


@pytest.mark.parametrize(
    "name", [_name(m, p) for m, p in DRAWINGS], ids=[_name(m, p) for m, p in DRAWINGS]
)
def test_no_label_overprints_anything(measured, name):
    result = measured[name]
    assert result["texts"] > 20 and result["arrows"] > 10 and result["lines"] > 10
    assert result["overlaps"] == []


def test_the_check_finds_each_kind_of_overprint(tmp_path):
    """A hand-made SVG in Graphviz's structure with one overprint of each kind."""
    svg = tmp_path / "bad.svg"
    svg.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200">'
        '<g class="graph"><title>g</title>'
        '<g class="node"><title>a</title><polygon points="10,10 110,10 110,50 10,50"/>'
        '<text x="20" y="35" font-size="12">Node A</text></g>'
        '<g class="node"><title>b</title><text x="40" y="35" font-size="12">over A</text></g>'
        '<g class="edge"><title>a-&gt;c</title><path d="M200,100 L300,100" stroke="black"/>'
        '<polygon points="300,95 310,100 300,105"/>'
        '<text x="295" y="104" font-size="12">0.50</text></g>'
        '<g class="edge"><title>d-&gt;e</title><path d="M150,150 L260,150" stroke="black"/>'
        '<text x="190" y="154" font-size="12">0.25</text></g>'
        '<g class="node"><title>f</title><text x="220" y="104" font-size="12">crossed</text></g>'
        "</g></svg>",
        encoding="utf-8",
    )
    (result,) = _check(svg)
    found = {(o["kind"], o["a"]) for o in result["overlaps"]}
    assert ("text/node", "over A") in found
    assert ("text/text", "Node A") in found
    assert ("text/arrowhead", "0.50") in found
    assert ("text/line", "crossed") in found
    assert all(o["a"] != "0.25" for o in result["overlaps"])  # its own line may cross it


@pytest.mark.parametrize("path", MAPS, ids=[p.stem for p in MAPS])
def test_steps_read_down_each_column_then_right(measured, path):
    """Within a stage, each touchpoint in map order is below the one before it, or starts the
    next column to its right; stages run left to right."""
    nodes = measured[path.stem]["nodes"]
    jmap = load_map(path)
    for stage in jmap.stages:
        steps = [nodes[t.id] for t in jmap.touchpoints_in(stage.id)]
        for before, after in itertools.pairwise(steps):
            assert after["y"] > before["y"] or after["x"] > before["x"] + 50, stage.id
    firsts = [nodes[tps[0].id] for s in jmap.stages if (tps := jmap.touchpoints_in(s.id))]
    assert [f["x"] for f in firsts] == sorted(f["x"] for f in firsts)


def test_a_long_stage_wraps_into_columns(measured):
    """The one-stage draft (46 touchpoints) is drawn as several columns read in map order,
    not one tall one: landscape, like the A3 page it is drawn for."""
    result = measured["draft-one-stage"]
    jmap = load_map(DATA / "draft-one-stage.yaml")
    steps = [result["nodes"][t.id] for t in jmap.touchpoints]
    starts = [a for a, b in itertools.pairwise(steps) if b["y"] < a["y"]]  # a new column
    assert all(b["x"] > a["x"] for a, b in itertools.pairwise(steps) if b["y"] < a["y"])
    assert len(starts) >= 2
    width, height = result["size"]
    assert width > height


def test_overlay_widths_stay_in_a_small_range(measured):
    """Arrow widths of the overlay from 1 to 4 pt; each touchpoint customers leave from names
    the share who leave in red, on white (the persona's figures: docs/render.md)."""
    jmap = load_map(ROOT / "maps" / "treadmill.yaml")
    root = ET.parse(measured[f"treadmill-{jmap.personas[0].id}"]["svg"]).getroot()
    edges = [g for g in root.iter(f"{SVG_NS}g") if g.get("class") == "edge"]
    widths = [float(p.get("stroke-width", "1")) for g in edges for p in g.iter(f"{SVG_NS}path")]
    assert len(widths) > 30
    assert min(widths) >= 1.0 and 3.5 < max(widths) <= 4.0
    drops = [
        t
        for g in root.iter(f"{SVG_NS}g")
        if g.get("class") == "node"
        for t in g.iter(f"{SVG_NS}text")
        if re.fullmatch(r"drop \d+\.\d% \(\d\.\d\d\)", t.text or "")
    ]
    leaving = [t for t in jmap.touchpoints if any(m.target == "exit" for m in t.next)]
    assert len(drops) == len(leaving) >= 10
    assert {(t.get("fill") or "").upper() for t in drops} == {"#CC3311"}


@pytest.mark.parametrize("path", MAPS, ids=[p.stem for p in MAPS])
def test_each_arrow_starts_at_its_probability(measured, path):
    """The text of the source touchpoint nearest where an arrow begins is that move's
    probability: its weight over the sum of the touchpoint's weights (the map's own numbers)."""
    result = measured[path.stem]
    jmap = load_map(path)
    weights = {t.id: {m.target: m.weight for m in t.next} for t in jmap.touchpoints}
    arrows = 0
    for title, start in result["starts"].items():
        found = re.fullmatch(r"([^:]+):[^>]*->([^:]+)(?::\w+)?", title)
        if not found:
            continue  # the hidden edges that keep the columns in order
        src, dst = found.groups()
        total = sum(weights[src].values())
        nearest = min(
            result["figures"][src],
            key=lambda f: math.dist(
                (start["x"], start["y"]),
                (
                    min(max(start["x"], f["box"]["x0"]), f["box"]["x1"]),
                    min(max(start["y"], f["box"]["y0"]), f["box"]["y1"]),
                ),
            ),
        )
        assert nearest["text"] == f"{weights[src][dst] / total:.2f}", (title, nearest)
        arrows += 1
    assert arrows == sum(len(w) - ("exit" in w) for w in weights.values())


def test_a_map_too_big_for_a3_goes_on_a_larger_page(cli, tmp_path):
    """120 touchpoints do not fit A3 at 9 pt: the page chosen is larger, and said on stderr;
    a page asked for is kept, with a warning."""
    path = tmp_path / "long.yaml"
    path.write_text(_long_map(120), encoding="utf-8")
    auto = cli("render", path, "-f", "svg")
    assert auto.code == 0, auto.err
    name = _iso_name(page_of(auto.out))
    assert name in ("a2", "a1", "a0")
    assert f"note: drawn on {name.upper()}" in auto.err
    assert min(printed_text_sizes(auto.out)) >= MIN_PT - 0.01
    forced = cli("render", path, "-f", "svg", "--page", "a3")
    assert forced.code == 0, forced.err
    assert _iso_name(page_of(forced.out)) == "a3"
    assert min(printed_text_sizes(forced.out)) < MIN_PT
    assert "warning: the smallest text on A3" in " ".join(forced.err.split())


@pytest.mark.parametrize("persona", [None, "rehab-walker"])
def test_legend_names_every_encoding(cli, persona):
    args = ["render", ROOT / "maps" / "treadmill.yaml", "-f", "svg"]
    r = cli(*args, *(["--persona", persona] if persona else []))
    assert r.code == 0, r.err
    texts = " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", r.out))
    for words in ("Channel", "Call centre", "passive", "active", "mini", "★ moment of truth"):
        assert words in texts
    assert "GOAL: goal touchpoint" in texts
    if persona:
        assert "conversion 29.3%" in texts  # docs/render.md: Rehab walker converts 29.3%
        assert "width 1 to 4 pt" in texts and "drop 5.0% (0.25)" in texts
    else:
        assert "the probability of that next step" in texts and "exit 0.25" in texts
        assert "start 0.25" in texts
