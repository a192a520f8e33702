"""`journeyctl render`: every view × format on real maps, parsed; determinism; bad input."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from test_render_mermaid import diagrams

from journeyctl.lint.load import load_map
from journeyctl.render.formats import SUPPORTED
from journeyctl.render.mermaid import journey_text, label_text

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "render"
MAPS = sorted((ROOT / "maps").glob("*.yaml"))
TRICKY = DATA / "tricky.yaml"
ALL_MAPS = [*MAPS, TRICKY]
SVG_NS = "{http://www.w3.org/2000/svg}"


def _ids(paths):
    return [p.stem for p in paths]


def svg_texts(svg: str) -> str:
    """All text of an SVG document, lines joined by spaces."""
    root = ET.fromstring(svg.encode("utf-8"))
    return " ".join(" ".join(t.itertext()) for t in root.iter(f"{SVG_NS}text"))


def test_maps_exist():
    assert len(MAPS) >= 4, "the example maps are missing"


@pytest.mark.parametrize("path", ALL_MAPS, ids=_ids(ALL_MAPS))
def test_flow_dot_has_every_touchpoint_and_a_cluster_per_stage(cli, path):
    jmap = load_map(path)
    r = cli("render", path, "--view", "flow", "--format", "dot")
    assert r.code == 0, r.err
    assert r.out.startswith("digraph flow {")
    for tp in jmap.touchpoints:
        assert re.search(rf'^\s*"?{re.escape(tp.id)}"? \[label=', r.out, re.M), tp.id
    clusters = re.findall(r"subgraph cluster_(\d+) \{", r.out)
    assert len(clusters) == len({t.stage for t in jmap.touchpoints})
    for stage in jmap.stages:
        if jmap.touchpoints_in(stage.id):
            assert f"<B>{stage.name}</B>" in r.out or "&" in stage.name


@pytest.mark.parametrize("path", ALL_MAPS, ids=_ids(ALL_MAPS))
def test_flow_svg_names_every_touchpoint(cli, path):
    jmap = load_map(path)
    r = cli("render", path, "--view", "flow", "--format", "svg")
    assert r.code == 0, r.err
    root = ET.fromstring(r.out.encode("utf-8"))
    nodes = {}
    for g in root.iter(f"{SVG_NS}g"):
        if g.get("class") == "node":
            title = g.find(f"{SVG_NS}title").text
            nodes[title] = " ".join(" ".join(t.itertext()) for t in g.iter(f"{SVG_NS}text"))
    for tp in jmap.touchpoints:
        assert tp.label in nodes[tp.id]
    clusters = [g for g in root.iter(f"{SVG_NS}g") if g.get("class") == "cluster"]
    assert len(clusters) == len({t.stage for t in jmap.touchpoints})


@pytest.mark.parametrize("path", ALL_MAPS, ids=_ids(ALL_MAPS))
def test_swimlane_svg_has_stages_channels_and_touchpoints(cli, path):
    jmap = load_map(path)
    r = cli("render", path, "--view", "swimlane", "--format", "svg")
    assert r.code == 0, r.err
    text = svg_texts(r.out)
    for tp in jmap.touchpoints:
        assert tp.label in text, tp.label
    for stage in jmap.stages:
        assert stage.name in text
    for cid in {t.channel for t in jmap.touchpoints}:
        assert jmap.channel[cid].name in text
    for tp in jmap.touchpoints:
        for pain in tp.pain_points:
            assert pain.split()[0] in text
    if jmap.personas:
        for p in jmap.personas:
            assert f"Emotion: {p.name}" in text


@pytest.mark.parametrize("path", ALL_MAPS, ids=_ids(ALL_MAPS))
def test_emotion_svg_has_a_line_per_persona(cli, path):
    jmap = load_map(path)
    r = cli("render", path, "--view", "emotion", "--format", "svg")
    assert r.code == 0, r.err
    root = ET.fromstring(r.out.encode("utf-8"))
    text = svg_texts(r.out)
    for tp in jmap.touchpoints:
        assert tp.label in text
    names = [p.name for p in jmap.personas] or ["Default"]
    for name in names:
        assert name in text
    assert len(list(root.iter(f"{SVG_NS}polyline"))) >= len(names)


@pytest.mark.parametrize("view", ["flow", "swimlane"])
@pytest.mark.parametrize("fmt,magic", [("png", b"\x89PNG\r\n\x1a\n"), ("pdf", b"%PDF-")])
def test_binary_formats(cli, tmp_path, view, fmt, magic):
    out = tmp_path / f"map.{fmt}"
    r = cli("render", MAPS[0], "--view", view, "--format", fmt, "-o", out)
    assert r.code == 0, r.err
    data = out.read_bytes()
    assert data.startswith(magic) and len(data) > 5000


def test_binary_to_a_pipe(tmp_path):
    r = subprocess.run(
        [sys.executable, "-m", "journeyctl", "render", str(TRICKY), "-f", "png"],
        capture_output=True,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(b"\x89PNG")


def test_binary_to_a_terminal_is_refused(cli, monkeypatch):
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    r = cli("render", TRICKY, "-f", "pdf")
    assert r.code == 2
    assert "-o FILE" in r.err


@pytest.mark.parametrize("path", ALL_MAPS, ids=_ids(ALL_MAPS))
def test_mermaid_flowchart(cli, path):
    jmap = load_map(path)
    r = cli("render", path, "--view", "flow", "--format", "mermaid")
    assert r.code == 0, r.err
    charts = [text for _, text in diagrams(r.out)]
    assert charts and all(text.startswith("flowchart TB\n") for text in charts)
    stages = {t.stage for t in jmap.touchpoints}
    assert sum(text.count("    subgraph ") for text in charts) >= len(stages)
    for tp in jmap.touchpoints:
        assert any(f"{label_text(tp.label)} (" in text for text in charts)
    assert any('-->|"' in text for text in charts)


@pytest.mark.parametrize("view", ["swimlane", "emotion"])
@pytest.mark.parametrize("path", ALL_MAPS, ids=_ids(ALL_MAPS))
def test_mermaid_journey(cli, path, view):
    jmap = load_map(path)
    r = cli("render", path, "--view", view, "--format", "mermaid")
    assert r.code == 0, r.err
    sections, tasks = [], []
    for _, text in diagrams(r.out):
        lines = text.split("\n---\n", 1)[-1].splitlines()  # after the config
        assert lines[0] == "journey"
        sections += [line.strip()[len("section ") :] for line in lines if "section " in line]
        tasks += [line.strip() for line in lines[1:] if not line.strip().startswith("section ")]
    named = [journey_text(s.name) for s in jmap.stages if jmap.touchpoints_in(s.id)]
    assert [s for i, s in enumerate(sections) if i == 0 or s != sections[i - 1]] == named
    for task in tasks:
        _name, score, actors = task.split(":")
        assert 1 <= int(score) <= 5 and actors.strip()
    for tp in jmap.touchpoints:
        assert any(t.startswith(journey_text(tp.label) + ":") for t in tasks)


def test_mermaid_journey_for_one_persona(cli):
    r = cli(
        "render",
        MAPS[0],
        "--view",
        "emotion",
        "--format",
        "mermaid",
        "--persona",
        load_map(MAPS[0]).personas[0].id,
    )
    assert r.code == 0, r.err
    actors = {line.rsplit(":", 1)[1].strip() for line in r.out.splitlines() if line.count(":") == 2}
    assert actors == {load_map(MAPS[0]).personas[0].name}


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


@pytest.mark.parametrize("path", ALL_MAPS, ids=_ids(ALL_MAPS))
def test_html_report_is_self_contained(cli, path):
    jmap = load_map(path)
    r = cli("render", path, "--format", "html")
    assert r.code == 0, r.err
    parser = _Tags()
    parser.feed(r.out)
    tags = [t for t, _ in parser.tags]
    assert not {"link", "img", "iframe", "object", "embed"} & set(tags)
    assert tags.count("script") == 1  # the report's own, inline
    for _, attrs in parser.tags:
        assert not {"src", "xlink:href"} & set(attrs), attrs
        assert attrs.get("href", "#").startswith("#"), attrs  # links within the page only
    assert "url(" not in r.out and "@import" not in r.out
    assert tags.count("svg") == 2 + len(jmap.personas)  # a flow per persona and Everyone, emotion
    assert 'class="swimlane"' in r.out
    for tp in jmap.touchpoints:
        assert tp.label.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in (
            r.out.replace("&quot;", '"').replace("&#x27;", "'")
        )


def test_html_report_with_simulation(cli):
    jmap = load_map(MAPS[0])
    r = cli("render", MAPS[0], "--format", "html", "--simulate")
    assert r.code == 0, r.err
    assert r.out.count('<section class="funnel">') == 1 + len(jmap.personas)
    assert "Conversion <b>" in r.out
    first = jmap.personas[0]
    r1 = cli("render", MAPS[0], "--format", "html", "--simulate", "--persona", first.id)
    shown = re.findall(r'<div class="pv scroll" data-view="[^"]*">(.*?)</div>', r1.out, re.S)
    assert len(shown) == 1 and f"<h3>{first.name}</h3>" in shown[0]  # the others are hidden


@pytest.mark.parametrize(
    "view,fmt", [(v, f) for v, fs in SUPPORTED.items() for f in fs if f not in ("png", "pdf")]
)
def test_deterministic(cli, view, fmt):
    args = ("render", MAPS[0], "--view", view, "--format", fmt)
    first, second = cli(*args), cli(*args)
    assert first.code == 0 and first.out == second.out


@pytest.mark.parametrize(
    "args", [("-f", "html", "--simulate"), ("--view", "swimlane", "-f", "dot"), ("-f", "mermaid")]
)
def test_deterministic_across_processes(args):
    """Different hash seeds (set and dict orders) give the same bytes."""
    outputs = set()
    for seed in ("1", "2"):
        r = subprocess.run(
            [sys.executable, "-m", "journeyctl", "render", str(MAPS[0]), *args],
            capture_output=True,
            check=False,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        assert r.returncode == 0, r.stderr
        outputs.add(r.stdout)
    assert len(outputs) == 1


def test_output_file_is_replaced(cli, tmp_path):
    out = tmp_path / "sub" / "flow.dot"
    assert cli("render", TRICKY, "-f", "dot", "-o", out).code == 0
    out.write_text("old", encoding="utf-8")
    r = cli("render", TRICKY, "-f", "dot", "-o", out)
    assert r.code == 0 and r.out == ""
    assert out.read_text(encoding="utf-8").startswith("digraph flow {")


def _penwidths(dot: str) -> dict[str, str]:
    return dict(re.findall(r"^\s*(\S+ -> \S+) \[.*?penwidth=([\d.]+)", dot, re.M))


def test_persona_overlay_changes_edge_widths(cli):
    jmap = load_map(MAPS[0])
    plain = cli("render", MAPS[0], "-f", "dot")
    assert _penwidths(plain.out) == {}
    widths = []
    for persona in jmap.personas[:2]:
        r = cli("render", MAPS[0], "-f", "dot", "--persona", persona.id)
        assert r.code == 0, r.err
        assert persona.name in r.out
        assert "drop " in r.out and 'COLOR="#CC3311"' in r.out
        widths.append(_penwidths(r.out))
    assert widths[0] and widths[0] != widths[1]
    assert len(set(widths[0].values())) > 2


def test_page_size(cli):
    a4 = cli("render", TRICKY, "-f", "dot", "--page", "a4").out
    a0 = cli("render", TRICKY, "-f", "dot", "--page", "a0").out
    assert 'size="11.69,8.27!"' in a4 and 'size="46.81,33.11!"' in a0
    emo = cli("render", TRICKY, "--view", "emotion", "--page", "a4").out
    assert 'width="297mm" height="210mm"' in emo


@pytest.mark.parametrize(
    "args,message",
    [
        (("--view", "poster"), "unknown view"),
        (("--format", "jpeg"), "unknown format"),
        (("--view", "emotion", "--format", "dot"), "cannot be drawn as dot"),
        (("--page", "letter"), "unknown page"),
        (("--format", "mermaid", "--page", "a4"), "--page does not apply"),
        (("--simulate",), "--simulate"),
        (("--format", "mermaid", "--persona", "x"), "persona overlay"),
        (("--persona", "nobody"), "unknown persona 'nobody'"),
    ],
)
def test_bad_options_exit_2(cli, args, message):
    r = cli("render", MAPS[0], *args)
    assert r.code == 2
    assert message in " ".join(r.err.split())
    assert r.out == ""


def test_missing_file_exit_2(cli, tmp_path):
    r = cli("render", tmp_path / "nope.yaml")
    assert r.code == 2 and "no such file" in r.err


def test_invalid_map_exit_1(cli):
    r = cli("render", DATA / "invalid.yaml", "-f", "dot")
    assert r.code == 1
    assert "JM105" in r.err and r.out == ""


def test_names_are_escaped_everywhere(cli):
    svg = cli("render", TRICKY, "-f", "svg").out
    assert 'Look: at "offers" #1; <now> & then' in svg_texts(svg)
    sw = cli("render", TRICKY, "--view", "swimlane", "-f", "svg").out
    assert "<now> & then" in svg_texts(sw)
    emo = cli("render", TRICKY, "--view", "emotion").out
    assert "<now> & then" in svg_texts(emo)
    html = cli("render", TRICKY, "-f", "html").out
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html


class TestWithoutGraphviz:
    """Where `dot` is missing, DOT, Mermaid, the emotion SVG and HTML still work."""

    @pytest.fixture(autouse=True)
    def no_dot(self, monkeypatch, tmp_path):
        monkeypatch.setenv("PATH", str(tmp_path))

    @pytest.mark.parametrize("fmt", ["svg", "png", "pdf"])
    def test_graphviz_formats_explain_how_to_install(self, cli, tmp_path, fmt):
        r = cli("render", TRICKY, "--view", "swimlane", "-f", fmt, "-o", tmp_path / "x")
        assert r.code == 2
        err = " ".join(r.err.split())
        assert "apt-get install graphviz" in err and "brew install graphviz" in err

    @pytest.mark.parametrize(
        "view,fmt", [("flow", "dot"), ("flow", "mermaid"), ("emotion", "svg"), ("swimlane", "dot")]
    )
    def test_text_formats_work(self, cli, view, fmt):
        r = cli("render", TRICKY, "--view", view, "-f", fmt)
        assert r.code == 0, r.err
        assert r.out

    def test_html_says_graphviz_is_missing(self, cli):
        r = cli("render", TRICKY, "-f", "html")
        assert r.code == 0, r.err
        assert "needs Graphviz, which is not installed" in r.out
        assert r.out.count("<svg") == 1  # the emotion chart only
        assert 'class="swimlane"' in r.out


def _chain_map(touchpoints: int, moves_each: int = 1) -> str:
    """A valid map: one stage, touchpoints t0..tN-1, each moving to the next `moves_each`."""
    lines = [
        "journeyctl: 1",
        "journey: {id: big, name: Big, goal: {touchpoints: [t0]}, entry: {t0: 1}}",
        "stages: [{id: s, name: S}]",
        "channels: [{id: web, name: Web, type: owned}]",
        "touchpoints:",
    ]
    for i in range(touchpoints):
        targets = [f"t{(i + k) % touchpoints}: 1" for k in range(1, moves_each + 1)]
        lines.append(
            f"  - {{id: t{i}, stage: s, channel: web, engagement: active, kpis: [k], "
            f"next: {{{', '.join(targets)}}}}}"
        )
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "touchpoints,moves_each,what", [(2_001, 1, "2,001 touchpoints"), (100, 81, "8,100 moves")]
)
def test_flow_too_big_for_graphviz_is_refused_quickly(tmp_path, touchpoints, moves_each, what):
    from conftest import run_limited

    path = tmp_path / "big.yaml"
    path.write_text(_chain_map(touchpoints, moves_each), encoding="utf-8")
    for fmt in ("svg", "png", "pdf"):
        r = run_limited("render", path, "-f", fmt, "-o", tmp_path / "out", cwd=tmp_path, cpu=10)
        assert r.code == 2 and what in r.err and "too big for Graphviz" in r.err
        assert "-f dot" in r.err and not (tmp_path / "out").exists()
    r = run_limited("render", path, "-f", "html", cwd=tmp_path, cpu=10)
    assert r.code == 0, r.err
    assert "The flow diagram is left out" in r.out and "<h2>Swimlane</h2>" in r.out
    r = run_limited("render", path, "-f", "dot", cwd=tmp_path, cpu=10)
    assert r.code == 0 and r.out.startswith("digraph flow {")
