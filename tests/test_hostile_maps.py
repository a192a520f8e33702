"""Hostile map files (issue 17): each is a located finding or a clear error in every command
that loads maps, never a traceback, within bounded CPU time and memory."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import numpy as np
import pytest
from conftest import GIB, run_limited

BASE = """\
journeyctl: 1
journey:
  id: demo
  name: Demo
  goal: {touchpoints: [buy]}
  entry: ENTRY
stages:
  - {id: purchase, name: Purchase}
channels:
  - {id: web, name: Website}
personas:
  - {id: p, name: P, channel_affinity: {web: AFFINITY}}
touchpoints:
  - id: browse
    stage: purchase
    channel: web
    engagement: passive
    description: DESCRIPTION
    emotion: EMOTION
    next: {buy: {weight: WEIGHT, handoff: HANDOFF}, exit: 1}
  - {id: buy, stage: purchase, channel: web, engagement: active}
"""
LINES = {
    key: n for n, line in enumerate(BASE.splitlines(), 1) for key in re.findall("[A-Z]{4,}", line)
}
DEFAULTS = {
    "ENTRY": "{browse: 1}",
    "AFFINITY": "1",
    "DESCRIPTION": "Looks around.",
    "EMOTION": "1",
    "WEIGHT": "1",
    "HANDOFF": "true",
}
BIG = "9" * 401


def map_text(**values: str) -> str:
    text = BASE
    for key, default in DEFAULTS.items():
        text = text.replace(key, values.get(key, default))
    return text


COMMANDS = ("validate", "simulate", "render", "gaps", "diff")
OPTIONS = {"validate": ("-f", "json"), "render": ("-f", "dot")}


def command_line(command: str, name: str) -> tuple[str, ...]:
    """`command` on the map `name`; diff compares a good map with it."""
    before = ("good.yaml",) if command == "diff" else ()
    return (command, *before, name, *OPTIONS.get(command, ()))


def assert_located_everywhere(
    tmp_path: Path, name: str, code: str, line: int, file: str | None = None
) -> None:
    """Every command that loads the map `name` reports `code` at `file` (default: `name`)
    line `line`, with no traceback."""
    file = file or name
    (tmp_path / "good.yaml").write_text(map_text(), encoding="utf-8")
    for command in COMMANDS:
        result = run_limited(*command_line(command, name), cwd=tmp_path, cpu=10)
        text = result.out + result.err
        if command == "validate":
            assert result.code == 1, text
            found = json.loads(result.out)["findings"]
            assert {(f["code"], f["file"], f["line"]) for f in found} >= {(code, file, line)}
        elif command == "diff":
            assert f"{file}:{line} error {code}" in text, text
        else:
            assert result.code == 1, text
            assert re.search(rf"{re.escape(file)}\n\s+{line}:\d+\s+error\s+{code}", text), text


# --- 1, 10: handoff and note values YAML reads as something else --------------------------


@pytest.mark.parametrize(
    ("handoff", "code"),
    [("", "JM012"), ("3", "JM003"), ("[a]", "JM012"), ("{}", "JM012"), ("2026-05-01", "JM003")],
)
def test_a_handoff_that_is_neither_a_flag_nor_text(tmp_path, handoff, code):
    (tmp_path / "map.yaml").write_text(map_text(HANDOFF=handoff), encoding="utf-8")
    assert_located_everywhere(tmp_path, "map.yaml", code, LINES["HANDOFF"])


def test_one_broken_file_keeps_the_other_files_findings(tmp_path):
    (tmp_path / "a.yaml").write_text(map_text(HANDOFF="[a]"), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(map_text(WEIGHT="1, wieght: 2"), encoding="utf-8")
    result = run_limited("validate", ".", "-f", "json", cwd=tmp_path)
    found = {(f["file"], f["code"]) for f in json.loads(result.out)["findings"]}
    assert found == {("a.yaml", "JM012"), ("b.yaml", "JM010")}


@pytest.mark.parametrize("where", ["WEIGHT", "ENTRY"])
@pytest.mark.parametrize("note", ["2026-05-01", "no"])
def test_a_note_read_as_a_date_or_flag_says_quote_it(tmp_path, where, note):
    values = {"WEIGHT": f"1, note: {note}"} if where == "WEIGHT" else {}
    if where == "ENTRY":
        values["ENTRY"] = f"{{browse: {{weight: 1, note: {note}}}}}"
    (tmp_path / "map.yaml").write_text(map_text(**values), encoding="utf-8")
    result = run_limited("validate", "map.yaml", cwd=tmp_path)
    assert result.code == 1
    assert re.search(rf"{LINES[where]}:\d+\s+error\s+JM003 .*`note`", result.out), result.out
    assert f'quote it: "{note}"' in result.out and "JM012" not in result.out
    assert_located_everywhere(tmp_path, "map.yaml", "JM003", LINES[where])


# --- 4, 8: numbers are finite and in range --------------------------------------------------


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", BIG])
@pytest.mark.parametrize("where", ["WEIGHT", "AFFINITY", "EMOTION"])
def test_numbers_are_finite_and_in_range(tmp_path, where, value):
    (tmp_path / "map.yaml").write_text(map_text(**{where: value}), encoding="utf-8")
    assert_located_everywhere(tmp_path, "map.yaml", "JM013", LINES[where])


@pytest.mark.parametrize(
    ("values", "code"),
    [({"WEIGHT": "1.0e-10"}, "JM110"), ({"AFFINITY": "1.0e-13"}, "JM121")],
    ids=["tiny-weight", "tiny-after-affinity"],
)
def test_moves_too_unlikely_to_compute_with_are_findings(tmp_path, values, code):
    """Probabilities under floating point's reach made the exact solve singular (exit 3)."""
    (tmp_path / "map.yaml").write_text(map_text(**values), encoding="utf-8")
    assert_located_everywhere(tmp_path, "map.yaml", code, LINES["WEIGHT"])


def test_a_chain_too_extreme_for_floating_point_is_a_request_error():
    from scipy import sparse

    from journeyctl.core.errors import RequestError
    from journeyctl.markov.absorbing import Solver

    loop = sparse.csr_array([[1 - 1e-20]])  # left with probability 1e-20: rounds to never
    with pytest.raises(RequestError, match="too small for floating point"):
        Solver(loop, np.array([True]))


def test_durations_are_finite_and_in_range(tmp_path):
    duration = "{hours: .inf, distribution: lognormal, sigma: 1000.0}"
    (tmp_path / "map.yaml").write_text(map_text(HANDOFF=f"true, duration: {duration}"))
    result = run_limited("validate", "map.yaml", cwd=tmp_path)
    assert result.code == 1
    assert "`hours` of touchpoint `browse` must be a finite number" in result.out
    assert "`sigma` of touchpoint `browse` must be at most 10" in result.out


# --- 2, 3: depth through aliases, chains of includes ----------------------------------------


def test_aliases_count_their_anchors_depth_where_used(tmp_path):
    anchors = [f"&a{i} {'[' * 58}{f'*a{i - 1}' if i else 'x'}{']' * 58}" for i in range(40)]
    text = map_text().replace(
        "  - {id: buy,",
        "    pain_points:\n" + "".join(f"      - {a}\n" for a in anchors) + "  - {id: buy,",
    )
    (tmp_path / "map.yaml").write_text(text, encoding="utf-8")
    assert len(text) < 6000
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "*a0" in t)
    assert_located_everywhere(tmp_path, "map.yaml", "JM005", line)


def test_a_chain_of_a_thousand_includes_stops_at_the_depth_limit(tmp_path):
    (tmp_path / "map.yaml").write_text("journeyctl: 1\ninclude: [c0.yaml]\n" + map_text()[14:])
    for i in range(1000):
        include = f"include: [c{i + 1}.yaml]\n" if i < 999 else ""
        (tmp_path / f"c{i}.yaml").write_text(f"journeyctl: 1\n{include}", encoding="utf-8")
    assert_located_everywhere(tmp_path, "map.yaml", "JM005", 2, file="c31.yaml")


# --- 9: directives come from comments only -------------------------------------------------


def test_a_directive_inside_a_block_scalar_is_text(tmp_path):
    block = "|\n      # journeyctl: disable-file\n      Looks around."
    (tmp_path / "map.yaml").write_text(map_text(DESCRIPTION=block, WEIGHT="1, bogus: 1"))
    result = run_limited("validate", "map.yaml", "-f", "json", cwd=tmp_path)
    assert result.code == 1
    assert [f["code"] for f in json.loads(result.out)["findings"]] == ["JM010"]


# --- 13, 18: what is read, and how much ----------------------------------------------------


def test_an_oversized_file_is_refused_without_reading_it_all(tmp_path):
    path = tmp_path / "huge.yaml"
    with path.open("wb") as f:
        f.write(b"journeyctl: 1\n")
        f.truncate(512 * 1024 * 1024)  # sparse: 512 MiB of zero bytes
    result = run_limited(
        "validate", "huge.yaml", "-f", "json", cwd=tmp_path, cpu=5, memory=GIB // 2
    )
    assert result.code == 1
    finding = json.loads(result.out)["findings"][0]
    assert (finding["code"], finding["line"]) == ("JM005", 1)
    assert "larger than the limit" in finding["message"]


@pytest.mark.parametrize("command", COMMANDS)
def test_a_named_pipe_or_device_says_what_it_is(tmp_path, command):
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "good.yaml").write_text(map_text(), encoding="utf-8")
    for target, kind in (("pipe.yaml", "a named pipe"), ("/dev/zero", "a character device")):
        result = run_limited(*command_line(command, target), cwd=tmp_path, cpu=5)
        assert result.code == 2, result.err
        assert f"{target}: is {kind}, not a regular file" in result.err


def test_an_included_pipe_is_a_located_finding(tmp_path):
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "map.yaml").write_text("journeyctl: 1\ninclude: [pipe.yaml]\n" + map_text()[14:])
    result = run_limited("validate", "map.yaml", cwd=tmp_path, cpu=5)
    assert result.code == 1
    assert re.search(r"2:11\s+error\s+JM020 .*`pipe.yaml` is a named pipe", result.out)
    assert_located_everywhere(tmp_path, "map.yaml", "JM020", 2)


# --- 17: includes stay in the project unless opted in --------------------------------------


def test_includes_outside_the_project_are_refused_unread(tmp_path):
    project, shared = tmp_path / "project", tmp_path / "shared"
    project.mkdir()
    shared.mkdir()
    (shared / "cat.yaml").write_text("journeyctl: 1\nsecret-key-in-shared: 1\n")
    text = "journeyctl: 1\ninclude: [../shared/cat.yaml, /etc/passwd]\n" + map_text()[14:]
    (project / "map.yaml").write_text(text, encoding="utf-8")
    result = run_limited("validate", "map.yaml", cwd=project)
    assert result.code == 1
    assert "secret-key-in-shared" not in result.out and "root:" not in result.out
    assert re.search(
        r"2:11\s+error\s+JM022 .*`../shared/cat.yaml` is outside the project", result.out
    )
    assert re.search(r"2:31\s+error\s+JM022 .*`/etc/passwd`", result.out)
    assert 'include-roots = ["../shared"]' in result.out
    assert_located_everywhere(project, "map.yaml", "JM022", 2)

    (project / ".journeyctl.yaml").write_text("include-roots: [../shared]\n", encoding="utf-8")
    opted = run_limited("validate", "map.yaml", cwd=project)
    assert "secret-key-in-shared" in opted.out  # read now: an unknown key in it
    assert "`../shared/cat.yaml`" not in opted.out


# --- 5: --seed -------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", ["-1", str(2**63)])
def test_a_seed_out_of_range_is_a_usage_error(tmp_path, seed):
    (tmp_path / "map.yaml").write_text(map_text(), encoding="utf-8")
    result = run_limited("simulate", "map.yaml", "--seed", seed, cwd=tmp_path)
    assert result.code == 2
    assert "--seed" in result.err and "9223372036854775807" in result.err  # the range
