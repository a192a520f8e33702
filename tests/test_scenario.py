"""What-if scenarios (`journeyctl compare MAP --scenario FILE`): applying one gives the map edited
by hand; a scenario that is invalid, or makes the map invalid, is refused with each error
located, exit 2. Cases: tests/data/scenario (see its README.md)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from pathlib import Path

import pytest
from conftest import DATA, ROOT
from jsonschema import Draft202012Validator

from journeyctl.core.errors import InvalidMapError
from journeyctl.core.span import Span
from journeyctl.lint.load import load_map
from journeyctl.lint.loader import load_bytes
from journeyctl.lint.schema import schema
from journeyctl.markov.exact import solve
from journeyctl.whatif.scenario import (
    InvalidScenarioError,
    apply_scenario,
    scenario_schema_text,
)

CASES = DATA / "scenario"
VALID = sorted((CASES / "valid").glob("*/expected.yaml"))
INVALID = sorted((CASES / "invalid").glob("*.yaml"))
EXAMPLES = sorted(
    p for p in (ROOT / "scenarios").glob("*.yaml") if "\njourneyctl-scenario:" in p.read_text()
)
"""The example scenarios (beside them: budgets that come with one)."""


def _header(path: Path, line: int, pattern: str) -> re.Match:
    text = path.read_text(encoding="utf-8").splitlines()[line]
    match = re.fullmatch(pattern, text)
    assert match, f"{path}: line {line + 1} must match {pattern}"
    return match


def _unplaced(value):
    """`value` with every place left out (spans, file names): what the model says, not where."""
    if isinstance(value, Span):
        return None
    if is_dataclass(value):
        return type(value).__name__, tuple(
            (f.name, _unplaced(getattr(value, f.name)))
            for f in fields(value)
            if f.name not in ("spans", "files")
        )
    if isinstance(value, tuple | list):
        return tuple(_unplaced(v) for v in value)
    if isinstance(value, Mapping):
        return {k: _unplaced(v) for k, v in value.items()}
    return value


# --- applying -------------------------------------------------------------------------------


@pytest.mark.parametrize("expected", VALID, ids=lambda p: p.parent.name)
def test_a_scenario_gives_the_map_edited_by_hand(expected):
    scenario, map_path = _header(expected, 0, r"# scenario: (\S+) on (\S+) .*").groups()
    patched = apply_scenario(ROOT / map_path, ROOT / scenario)
    by_hand = load_map(expected)
    assert _unplaced(patched.jmap) == _unplaced(by_hand)
    assert _unplaced(patched.jmap) != _unplaced(load_map(ROOT / map_path))
    for persona in by_hand.personas:
        assert solve(patched.jmap, persona.id).conversion == pytest.approx(
            solve(by_hand, persona.id).conversion, abs=1e-12
        )


def test_every_example_scenario_has_its_map_edited_by_hand():
    covered = {_header(e, 0, r"# scenario: (\S+) on .*").group(1) for e in VALID}
    assert {f"scenarios/{e.name}" for e in EXAMPLES} <= covered


def test_the_mobile_comparison_gives_the_issues_figures(cli):
    """Issue 14: a smartphone on the treadmill comparison tool raises the enthusiast's exact
    conversion from 9.95% to 11.97%."""
    result = cli(
        "compare", ROOT / "maps/treadmill.yaml", "--scenario",
        ROOT / "scenarios/mobile-comparison.yaml", "-n", "0",
    )  # fmt: skip
    assert result.code == 0, result.err
    enthusiast = result.out.split("(enthusiast)")[1].split("Persona:")[0]
    assert re.search(r"conversion\s*│\s*9\.95% │\s*11\.97% │", enthusiast), enthusiast


def test_what_the_scenario_wrote_is_located_in_it():
    scenario = ROOT / "scenarios/mobile-comparison.yaml"
    patched = apply_scenario(ROOT / "maps/treadmill.yaml", scenario)
    tp = patched.jmap.touchpoint["compare-models"]
    lines = scenario.read_text(encoding="utf-8").splitlines()
    screens = tp.at("screens:1")
    assert screens.file.endswith("scenarios/mobile-comparison.yaml")
    assert lines[screens.line - 1][screens.col - 1 :].startswith("smartphone")
    assert tp.at("stage").file.endswith("maps/treadmill.yaml")
    assert patched.label == "Model comparison on phones"


def test_the_sides_hold_each_file_before_and_after():
    patched = apply_scenario(
        ROOT / "maps/treadmill.yaml", ROOT / "scenarios/mobile-comparison.yaml"
    )
    old, new = patched.old.data, patched.new.data
    assert (
        set(old) == set(new) == {"treadmill.yaml", "catalog/channels.yaml", "catalog/screens.yaml"}
    )
    assert old["catalog/channels.yaml"] == new["catalog/channels.yaml"]
    changed = [
        (a["id"], b) for a, b in zip(old["treadmill.yaml"]["touchpoints"],
                                     new["treadmill.yaml"]["touchpoints"], strict=True) if a != b
    ]  # fmt: skip
    assert [(i, b["screens"], "pain_points" in b) for i, b in changed] == [
        ("compare-models", ["pc", "smartphone"], False)
    ]
    assert patched.old.findings == patched.new.findings == ()


def test_a_warning_the_scenario_brings_is_on_the_new_side():
    patched = apply_scenario(ROOT / "maps/mobile-network.yaml", ROOT / "scenarios/sms-opt-in.yaml")
    assert [f.code for f in patched.old.findings] == []
    assert [(f.code, f.span.file) for f in patched.new.findings] == [
        ("JM124", "mobile-network.yaml")
    ]


def test_an_invalid_map_is_refused_before_the_scenario(tmp_path):
    broken = tmp_path / "map.yaml"
    broken.write_text("journeyctl: 1\njourney: {id: x}\n", encoding="utf-8")
    with pytest.raises(InvalidMapError):
        apply_scenario(broken, ROOT / "scenarios/sms-opt-in.yaml")


# --- refusing -------------------------------------------------------------------------------

_LOCATED = re.compile(r"^\s*(\S+):(\d+):\d+: (JM\d{3}) \[error\]", re.MULTILINE)


def _expected(case: Path) -> set[tuple[str, str, int]]:
    items = _header(case, 0, r"# expect: (.+)").group(1).split()
    out = set()
    for item in items:
        code, _, where = item.partition("@")
        file, _, line = where.rpartition(":")
        out.add((code, file or case.name, int(line)))
    return out


@pytest.mark.parametrize("case", INVALID, ids=lambda p: p.stem)
def test_an_invalid_scenario_is_refused_with_each_error_located(cli, case):
    map_path = ROOT / _header(case, 1, r"# map: (\S+)").group(1)
    with pytest.raises(InvalidScenarioError) as raised:
        apply_scenario(map_path, case)
    errors = [f for f in raised.value.findings if f.severity.label == "error"]
    assert {(f.code, Path(f.span.file).name, f.span.line) for f in errors} == _expected(case)
    assert all(f.hint for f in errors)

    result = cli("compare", map_path, "--scenario", case, "-n", "0")
    assert result.code == 2
    shown = {
        (code, Path(file).name, int(line)) for file, line, code in _LOCATED.findall(result.err)
    }
    assert shown == _expected(case)


def test_a_huge_scenario_is_refused_unread(cli, tmp_path):
    huge = tmp_path / "huge.yaml"
    huge.write_text("journeyctl-scenario: 1\nname: x\n" + "#" * (2 * 1024 * 1024), encoding="utf-8")
    result = cli("compare", ROOT / "maps/treadmill.yaml", "--scenario", huge, "-n", "0")
    assert result.code == 2
    assert {(c, int(n)) for _, n, c in _LOCATED.findall(result.err)} == {("JM005", 1)}
    assert "larger than the limit" in result.err


def test_a_missing_scenario_is_unreadable_input(cli, tmp_path):
    result = cli("compare", ROOT / "maps/treadmill.yaml", "--scenario", tmp_path / "none.yaml")
    assert result.code == 2
    assert "none.yaml: no such file" in result.err


# --- the schema -----------------------------------------------------------------------------


def _data(path: Path):
    return load_bytes(path.read_bytes(), str(path)).document.data


@pytest.fixture(scope="module")
def validator():
    published = json.loads(scenario_schema_text())
    Draft202012Validator.check_schema(published)
    return Draft202012Validator(published)


def test_the_schema_takes_every_valid_scenario(validator):
    valid = [*EXAMPLES, *sorted((CASES / "valid").glob("*/scenario.yaml"))]
    for path in valid:
        assert list(validator.iter_errors(_data(path))) == [], path


@pytest.mark.parametrize(
    "case", [c for c in INVALID if c.stem.startswith("schema-")], ids=lambda p: p.stem
)
def test_the_schema_rejects_the_schema_cases(validator, case):
    assert not validator.is_valid(_data(case))


def test_the_schema_ids_are_the_maps(validator):
    assert validator.schema["$defs"]["id"] == schema()["$defs"]["id"]


def test_the_schema_command_prints_the_scenario_schema(cli):
    """Editors get the scenario schema as they get the map's: `journeyctl schema --scenario`."""
    shipped = (ROOT / "journeyctl/schema/scenario-v1.schema.json").read_text(encoding="utf-8")
    result = cli("schema", "--scenario")
    assert result.code == 0, result.err
    assert result.out == shipped
    assert cli("schema").out != shipped  # the map's, without the option
