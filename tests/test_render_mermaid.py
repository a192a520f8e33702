"""`journeyctl render -f mermaid` as GitHub shows it: Markdown whose diagrams the real Mermaid
draws in Chromium no wider than GitHub's content column, with every name drawn as written.

The width, 890 px, is GitHub's Markdown column: 980 px less 45 px padding on each side
(github-markdown-css, which copies github.com's style: "GitHub uses 980px width and 45px
padding"). A diagram wider than that is shrunk to fit, text and all.
"""

from __future__ import annotations

import html
import sys
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from test_render_browser import browser  # noqa: F401  (the fixture)

from journeyctl.core.escape import printable
from journeyctl.lint.load import load_map
from journeyctl.render.mermaid import caption_text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from mapgen import big_map_text, map_text  # noqa: E402

GITHUB_WIDTH = 980 - 2 * 45
EXAMPLES = [*sorted((ROOT / "maps").glob("*.yaml")), ROOT / "tests/data/render/tricky.yaml"]

NAMES = r"""journeyctl: 1
journey:
  id: names
  name: 'Names: 100%% <b>sure</b> & "so" #1; a, b ] --> `c`'
  goal: {touchpoints: [pay]}
  entry: {launch: 1}
stages:
  - {id: find, name: 'Find: "step" #1; a, b ] --> `x` <b> & c %% d'}
  - {id: buy, name: 'Buy; then pay'}
channels:
  - {id: web, name: 'Web & "app" <1>', team: digital}
personas:
  - {id: student, name: 'Student, app: first'}
  - {id: pct, name: '%% not, a: comment & <i>'}
touchpoints:
  - id: launch
    name: '%%% launch'
    stage: find
    channel: web
    engagement: passive
    emotion: 1
    next: {look: 1}
  - id: look
    name: 'Look: a, b ] --> `tick` "q" #1; <i>x</i> & y &amp; z'
    stage: find
    channel: web
    engagement: mini
    emotion: 1
    next: {pay: 1}
  - id: pay
    name: '``` fence'
    stage: buy
    channel: web
    engagement: active
"""
"""Each name holds the characters that mean something to Mermaid or Markdown; personas feel
the same everywhere, so the journey is one diagram with both actors on every task."""


def diagrams(markdown: str) -> list[tuple[str, str]]:
    """(caption as drawn, Mermaid text) of each ```mermaid block, read by a CommonMark parser."""
    tokens = MarkdownIt().parse(markdown)
    found, caption = [], None
    for tok in tokens:
        if tok.type == "inline":
            caption = "".join(c.content for c in tok.children if c.type == "text")
        elif tok.type == "fence":
            assert tok.info == "mermaid"
            found.append((caption, tok.content))
    return found


def _blocks(cli, tmp_path, path: Path, view: str, *more: str) -> list[Path]:
    """Each diagram of `render PATH --view VIEW -f mermaid MORE` in a file of its own."""
    r = cli("render", path, "--view", view, "-f", "mermaid", *more)
    assert r.code == 0, r.err
    files = []
    for k, (_, text) in enumerate(diagrams(r.out)):
        files.append(tmp_path / f"{path.stem}-{view}-{k}.mmd")
        files[-1].write_text(text, encoding="utf-8")
    return files


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> list[Path]:
    """A 40-touchpoint map (3 stages of 13 and a goal) and bench's 300-touchpoint map."""
    folder = tmp_path_factory.mktemp("maps")
    forty, three_hundred = folder / "forty.yaml", folder / "three-hundred.yaml"
    forty.write_text(map_text(1, stages=3, touchpoints=39), encoding="utf-8")
    three_hundred.write_text(big_map_text(300), encoding="utf-8")
    assert [len(load_map(p).touchpoints) for p in (forty, three_hundred)] == [40, 300]
    return [forty, three_hundred]


@pytest.mark.parametrize("view", ["flow", "swimlane"])
def test_every_diagram_fits_githubs_width(cli, browser, tmp_path, generated, view):  # noqa: F811
    for path in [*EXAMPLES, *generated]:
        jmap = load_map(path)
        results = browser("mermaid", *_blocks(cli, tmp_path, path, view))
        for r in results:
            name = Path(r["file"]).name
            assert r["ok"], f"{name}: {r['error']}"
            assert r["width"] <= GITHUB_WIDTH, f"{name} is {r['width']:.0f} px wide"
            assert r["outside"] == [], name
        drawn = {t.removeprefix("★ ") for r in results for t in r["texts"]["node"]}
        drawn |= {t for r in results for t in r["texts"]["task"]}
        for tp in jmap.touchpoints:  # split, nothing lost
            assert any(
                t in {tp.label, f"{tp.label} ({tp.channel})"} or t.startswith(f"{tp.label} (")
                for t in drawn
            ), tp.label


def test_a_broken_diagram_fails_the_check(browser, tmp_path):  # noqa: F811
    broken = tmp_path / "broken.mmd"
    broken.write_text("journey\n    section A: b\n      Task: not-a-score: Me\n", "utf-8")
    (result,) = browser("mermaid", broken)
    assert not result["ok"] and result["error"]


def test_one_personas_journey(cli, browser, tmp_path):  # noqa: F811
    path = ROOT / "maps" / "treadmill.yaml"
    results = browser(
        "mermaid", *_blocks(cli, tmp_path, path, "emotion", "--persona", "enthusiast")
    )
    assert len(results) > 1
    assert all(r["ok"] and r["texts"]["actor"] == ["Exercise enthusiast"] for r in results)


def test_a_large_map_is_split_by_stage(cli, generated):
    r = cli("render", generated[1], "--view", "flow", "-f", "mermaid")
    captions = [caption for caption, _ in diagrams(r.out)]
    assert captions[:2] == ["Generated 300: S0 (1 of 8)", "Generated 300: S0 (2 of 8)"]
    assert all(text.startswith("flowchart TB\n") for _, text in diagrams(r.out))


def test_names_are_drawn_as_written(cli, browser, tmp_path):  # noqa: F811
    path = tmp_path / "names.yaml"
    path.write_text(NAMES, encoding="utf-8")
    jmap = load_map(path)
    (journey,) = browser("mermaid", *_blocks(cli, tmp_path, path, "swimlane"))
    assert journey["texts"]["actor"] == ["Student, app: first", "%% not, a: comment & <i>"]
    assert sorted(journey["texts"]["section"]) == sorted(
        [
            'Find: "step" #1; a, b ] --> `x` <b> & c %% d',
            "Buy; then pay",
        ]
    )
    assert sorted(journey["texts"]["task"]) == [
        "%%% launch",
        'Look: a, b ] --> `tick` "q" #1; <i>x</i> & y &amp; z',
        "``` fence",
    ]
    (flow,) = browser("mermaid", *_blocks(cli, tmp_path, path, "flow"))
    assert sorted(flow["texts"]["cluster"]) == sorted(s.name for s in jmap.stages)
    channel = 'Web & "app" <1>'
    assert sorted(flow["texts"]["node"]) == sorted(
        ["start", *(f"{tp.label} ({channel})" for tp in jmap.touchpoints)]
    )
    r = cli("render", path, "-f", "mermaid")
    assert [c for c, _ in diagrams(r.out)] == ['Names: 100%% <b>sure</b> & "so" #1; a, b ] --> `c`']


@given(st.text())
@example("<b>x</b> &amp; `code` [a](b) *c* _d_ \\ 100%")
@example("a  \nb ![i](j) <http://x> ~~s~~")
def test_captions_read_as_written(text):
    rendered = MarkdownIt().renderInline(caption_text(text))
    assert html.unescape(rendered) == (printable(" ".join(text.split())) or "-")
