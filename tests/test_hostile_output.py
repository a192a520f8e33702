"""Names and ids that try to break an output format: each command and format, run as a real
process under CPU and memory limits, writes output that still parses in its format, with the
names shown as text (no raw escape sequence, no formula, no lost or split Mermaid label)."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from pathlib import Path

import defusedxml.ElementTree as ET
import pytest
from conftest import run_limited

ESC = "\x1b"
MAP = r"""journeyctl: 1
journey:
  id: j
  name: "Evil \e[2J\e]0;pwned\a map \\"
  description: "<script>alert(1)</script> & more"
  kind: linear
  goal: {touchpoints: [buy]}
  entry: {ad: 1}
stages:
  - {id: s1, name: "=HYPERLINK(\"http://x\",\"y\") \e[31m"}
  - {id: s2, name: "Stage \\"}
  - {id: s3, name: "Line\nbreak \"q\" ::warning::x"}
channels:
  - {id: web, name: "Web \x01\x7f\\", type: owned, team: "t::x,y"}
personas:
  - {id: p1, name: "Student, app: first"}
  - {id: p2, name: "\e]0;title\a%%{init: {}}%%"}
touchpoints:
  - id: ad
    name: "%%% launch"
    stage: s1
    channel: web
    engagement: passive
    emotion: 1
    pain_points: ["=1+2 \e[2J"]
    next: {page: 1, exit: 1}
  - id: page
    name: "Page \\"
    description: "desc \x08 \"quoted\" \\"
    stage: s2
    channel: web
    engagement: active
    emotion: -1
    next: {buy: 1, exit: 2}
  - id: buy
    name: "Buy; now #1 :: a\e[2Jb\x0c"
    stage: s3
    channel: web
    engagement: active
    emotion: 2
    kpis: [x]
    next: {exit: 1}
"""
BAD_IDS = MAP.replace("  - id: page\n", '  - id: "page\\e[2J\\e]0;t\\a\\\\"\n').replace(
    "{page: 1, exit: 1}", '{"x\\e[2J\\n::error::fake,=HYPERLINK(1)": 1, exit: 1}'
)


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.yaml"
    path.write_text(MAP, encoding="utf-8")
    return path


@pytest.fixture
def bad_ids(tmp_path: Path) -> Path:
    path = tmp_path / "bad-ids.yaml"
    path.write_text(BAD_IDS, encoding="utf-8")
    return path


def run(*args, cwd: Path, code: int = 0):
    result = run_limited(*args, cwd=cwd)
    assert result.code == code, result.err
    return result


# --- terminal and text reports -------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "concise", "github"])
def test_validate_text_formats_show_escapes_as_text(bad_ids, fmt):
    r = run("validate", bad_ids, "-f", fmt, cwd=bad_ids.parent, code=1)
    assert ESC not in r.out and "\\x1b[2J" in r.out
    assert "bad-ids.yaml" in r.out and re.search(r"\b27:9\b|line=27,col=9", r.out)
    findings = [line for line in r.out.splitlines() if "JM013" in line]
    assert len(findings) == 2  # each finding on one line: a name cannot start another
    assert not any(line.startswith("::error::fake") for line in r.out.splitlines())


def test_github_annotations_cannot_be_split_or_extended(bad_ids):
    r = run("validate", bad_ids, "-f", "github", cwd=bad_ids.parent, code=1)
    lines = r.out.splitlines()
    assert len(lines) == 2 and all(line.startswith("::error file=") for line in lines)
    assert "%0A::error::fake" in lines[0]  # the newline is data, not a new command


def test_colour_on_a_pipe_is_rich_s_own_and_names_stay_text(bad_ids, monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")
    r = run("validate", bad_ids, cwd=bad_ids.parent, code=1)
    assert "\x1b[1;31m" in r.out  # rich's colour for errors still reaches the terminal
    assert "\x1b[2J" not in r.out and "\x1b]0;" not in r.out
    assert "\\x1b[2J" in r.out


def test_junit_parses_with_the_names_in_it(bad_ids):
    r = run("validate", bad_ids, "-f", "junit", cwd=bad_ids.parent, code=1)
    root = ET.fromstring(r.out.encode())
    messages = [f.get("message") for f in root.iter("failure")]
    assert len(messages) == 2 and any("\\x1b[2J" in m for m in messages)


@pytest.mark.parametrize("fmt", ["json", "sarif", "gitlab"])
def test_json_formats_stay_json(bad_ids, fmt):
    import json

    r = run("validate", bad_ids, "-f", fmt, cwd=bad_ids.parent, code=1)
    assert ESC not in r.out
    assert "\\u001b[2J" in r.out and json.loads(r.out)


@pytest.mark.parametrize("fmt", ["text", "markdown", "concise"])
def test_gaps_reports_show_escapes_as_text(hostile, fmt):
    r = run("gaps", hostile, "-f", fmt, cwd=hostile.parent)
    assert ESC not in r.out and "\\x1b[31m" in r.out


def test_simulate_text_shows_escapes_as_text(hostile):
    r = run("simulate", hostile, "-n", "200", cwd=hostile.parent)
    assert ESC not in r.out and "Evil \\x1b[2J" in r.out


def test_diff_text_shows_escapes_as_text(hostile, bad_ids, tmp_path):
    for fmt in ("text", "markdown"):
        r = run("diff", hostile, bad_ids, "-f", fmt, cwd=tmp_path)
        assert ESC not in r.out and "JM013" in r.out and "\\x1b[2J" in r.out


# --- spreadsheets ---------------------------------------------------------------------------


FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_gaps_csv_cells_never_start_a_formula(hostile):
    r = run("gaps", hostile, "-f", "csv", cwd=hostile.parent)
    rows = _cells(r.out)
    assert ESC not in r.out
    assert all(not cell.startswith(FORMULA) for row in rows for cell in row)
    assert any(cell.startswith("'=HYPERLINK(") for row in rows for cell in row)


def test_simulate_csv_cells_never_start_a_formula(hostile):
    r = run("simulate", hostile, "-n", "200", "-f", "csv", cwd=hostile.parent)
    rows = _cells(r.out)
    assert all(not cell.startswith(FORMULA) or _number(cell) for row in rows for cell in row)


def _number(cell: str) -> bool:
    return re.fullmatch(r"-?\d+(\.\d+)?", cell) is not None


# --- diagrams -------------------------------------------------------------------------------


DOT = shutil.which("dot")
needs_dot = pytest.mark.skipif(DOT is None, reason="Graphviz's dot is not installed")


@needs_dot
@pytest.mark.parametrize("view", ["flow", "swimlane"])
def test_dot_parses_with_graphviz(hostile, view):
    r = run("render", hostile, "--view", view, "-f", "dot", cwd=hostile.parent)
    assert "Warning" not in r.err
    drawn = subprocess.run([DOT, "-Tsvg"], input=r.out.encode(), capture_output=True, timeout=60)
    assert drawn.returncode == 0 and drawn.stderr == b"", drawn.stderr
    svg = ET.fromstring(drawn.stdout)
    text = "".join(svg.itertext())
    assert "Page \\" in text and "\\x1b[2J" in text


@needs_dot
@pytest.mark.parametrize(
    "view,fmt",
    [("flow", "svg"), ("swimlane", "svg"), ("flow", "png"), ("swimlane", "pdf")],
)
def test_graphviz_formats_draw(hostile, view, fmt):
    out = hostile.parent / f"out.{fmt}"
    run("render", hostile, "--view", view, "-f", fmt, "-o", out, cwd=hostile.parent)
    if fmt == "svg":
        ET.parse(out)
    else:
        assert out.stat().st_size > 1000


def test_emotion_svg_is_xml(hostile):
    r = run("render", hostile, "--view", "emotion", "-f", "svg", cwd=hostile.parent)
    text = "".join(ET.fromstring(r.out.encode()).itertext())
    assert "\\x1b]0;title\\x07%%{init: {}}%%" in text and "Student, app: first" in text


def test_html_report_escapes_names(hostile):
    r = run("render", hostile, "-f", "html", cwd=hostile.parent)
    assert "<script>alert" not in r.out and "&lt;script&gt;alert(1)&lt;/script&gt;" in r.out
    assert "=HYPERLINK(&quot;http://x&quot;" in r.out


def _drawn(text: str) -> str:
    """Mermaid's entity codes (`#44;`) as the characters Mermaid draws."""
    return re.sub(r"#(\d+);", lambda m: chr(int(m[1])), text)


def test_mermaid_journey_keeps_every_task_and_actor(hostile):
    r = run("render", hostile, "--view", "swimlane", "-f", "mermaid", cwd=hostile.parent)
    assert "%" not in r.out and ESC not in r.out
    tasks = [line.strip() for line in r.out.splitlines() if line.startswith("      ")]
    assert len(tasks) == 3
    for task in tasks:
        _, score, actors = task.split(":")  # nothing else splits a task
        assert 1 <= int(score) <= 5
        assert [_drawn(a.strip()) for a in actors.split(",")] == [
            "Student, app: first",
            "\\x1b]0;title\\x07%%{init: {}}%%",
        ]
    assert _drawn(tasks[0].split(":")[0]) == "%%% launch"


def test_mermaid_flowchart_labels_stay_in_their_quotes(hostile):
    r = run("render", hostile, "--view", "flow", "-f", "mermaid", cwd=hostile.parent)
    labels = re.findall(r'\["([^"]*)"\]', r.out)
    drawn = [_drawn(label) for label in labels]
    assert '=HYPERLINK("http://x","y") \\x1b[31m' in drawn
    assert "%%% launch (Web \\x01\\x7f\\)" in drawn
    assert "%" not in r.out and ESC not in r.out
