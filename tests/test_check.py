"""`journeyctl check`: budgets from the configuration checked on real files, in every CI format.

Each folder of tests/data/check is a case: a configuration (.journeyctl.yaml or pyproject.toml),
a map, and `expect.yaml` with the exit code and the concise lines (or the located error) it
must produce (and `args`, more arguments, if any). The map is after.yaml of tests/data/simulate,
solved by hand (its header); the negative-experience estimate is `journeyctl simulate`'s, run
separately.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import DATA
from test_ci_formats import SCHEMAS, _format_checker, _junit

CASES = sorted(p for p in (DATA / "check").iterdir() if p.is_dir())
HAND = {
    ("min-conversion", "plain", None): 1 / 2,
    ("min-conversion", "returning", None): 3 / 8,
    ("max-drop-off", "plain", "d"): 3 / 10,
    ("max-drop-off", "returning", "d"): 13 / 40,
}
"""The exact figures of the cases' map, solved by hand (tests/data/check/*/map.yaml)."""


def _case(name: str, into: Path) -> Path:
    """Case `name` copied into `into`, a fresh git repository (paths are relative to it)."""
    shutil.copytree(DATA / "check" / name, into, dirs_exist_ok=True)
    subprocess.run(["git", "init", "-q", str(into)], check=True)
    return into


@pytest.fixture
def in_case(tmp_path, monkeypatch):
    """`in_case(name)`: work in a copy of case `name`."""

    def enter(name: str) -> Path:
        monkeypatch.chdir(_case(name, tmp_path))
        return tmp_path

    return enter


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_case(cli, in_case, case):
    expect = yaml.safe_load((case / "expect.yaml").read_text(encoding="utf-8"))
    in_case(case.name)
    r = cli("check", "-f", "concise", *expect.get("args", []))
    assert r.code == expect["exit"], r.err
    assert "Traceback" not in r.err and "internal error" not in r.err
    if "error" in expect:
        assert r.out == ""
        assert f"error: {expect['error']}" in r.err
    else:
        assert r.out.splitlines() == expect["concise"]
        assert ("✗" if expect["concise"] else "✓ all") in r.err


def _figures(cli, *args: str) -> list[dict]:
    r = cli("check", "-f", "json", *args)
    assert r.code in (0, 1), r.err
    return json.loads(r.out)["budgets"]


def test_exact_figures_are_the_hand_solved_ones_and_simulate_exacts(cli, in_case):
    in_case("pyproject")
    (Path("pyproject.toml")).write_text(
        '[tool.journeyctl.budgets."map.yaml"]\nmin-conversion = 0\nmax-drop-off = 1\n',
        encoding="utf-8",
    )
    figures = _figures(cli)
    simulated = json.loads(cli("simulate", "map.yaml", "--exact", "-f", "json", "-n", "1").out)
    exact = {p["persona"]: p["exact"] for p in simulated["personas"]}
    assert len(figures) == len(HAND)
    for f in figures:
        key = (f["budget"], f["persona"], f["subject"])
        assert f["value"] == pytest.approx(HAND[key], abs=1e-6)
        by_simulate = exact[f["persona"]]
        other = (
            by_simulate["conversion"]
            if f["subject"] is None
            else by_simulate["exit_probability"]["d"]
        )
        assert f["value"] == pytest.approx(other, abs=1e-6)
        assert f["met"] and f["margin"] == pytest.approx(
            f["value"] - f["bound"] if f["subject"] is None else f["bound"] - f["value"], abs=1e-6
        )


def test_negative_experience_is_simulates_seeded_estimate(cli, in_case):
    in_case("negative-experience-held")
    figures = _figures(cli)
    for f in figures:
        report = json.loads(
            cli(
                "simulate",
                "map.yaml",
                "-p",
                f["persona"],
                "-n",
                "2000",
                "--seed",
                "1",
                "-f",
                "json",
            ).out
        )
        negative = report["personas"][0]["experience"]["negative"]
        assert f["value"] == negative["share"]
        assert f["interval"] == [negative["low"], negative["high"]]
        assert f["interval"][0] <= 0.5 <= f["interval"][1] or f["persona"] != "plain"
    assert {f["persona"] for f in figures} == {"plain", "returning"}


def test_text_lists_every_budget_with_its_figure_and_margin(cli, in_case):
    in_case("pyproject")
    r = cli("check")
    assert r.code == 1
    rows = [line.split("│")[1:-1] for line in r.out.splitlines() if line.startswith("│")]
    cells = [[c.strip() for c in row] for row in rows]
    assert [
        "map.yaml",
        "min-conversion",
        "plain",
        "",
        "50.00%",
        "≥ 55.00%",
        "−5.00 pts",
        "✗",
    ] in cells
    assert [
        "map.yaml",
        "max-drop-off",
        "plain",
        "d",
        "30.00%",
        "≤ 31.00%",
        "+1.00 pts",
        "✓",
    ] in cells
    assert [
        "map.yaml",
        "max-drop-off",
        "returning",
        "d",
        "32.50%",
        "≤ 31.00%",
        "−1.50 pts",
        "✗",
    ] in cells
    assert "B101 conversion-below-budget" in r.out and "pyproject.toml:5:" in r.out
    assert r.out.rstrip().endswith("✗ 2 of 3 budgets breached")


def test_clean_run_says_every_budget_holds(cli, in_case):
    in_case("drop-off-held")
    r = cli("check")
    assert r.code == 0
    assert r.out.rstrip().endswith("✓ all 2 budgets hold")


def _breached(cli, fmt: str) -> str:
    r = cli("check", "-f", fmt)
    assert r.code == 1, r.err
    return r.out


@pytest.fixture
def breached(in_case):
    """The pyproject case (B101 at map.yaml:20:5, B102 at 30:5) plus a forbidden gap."""
    root = in_case("pyproject")
    with open(root / "pyproject.toml", "a", encoding="utf-8") as out:
        out.write("forbidden-gaps = ['G203']\n")
    return root


def test_sarif_validates_and_declares_the_budget_codes(cli, breached):
    import jsonschema

    doc = json.loads(_breached(cli, "sarif"))
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema, format_checker=_format_checker()).validate(doc)
    run = doc["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["B101", "B102", "B103", "B104"]
    got = [
        (r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
        for r in run["results"]
    ]
    assert got == [("B101", 20), ("B102", 30), ("B103", 30)]
    assert all(r["level"] == "error" for r in run["results"])
    location = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "map.yaml", "uriBaseId": "%SRCROOT%"}


def test_github_annotations(cli, breached):
    lines = _breached(cli, "github").splitlines()
    assert lines[0] == (
        "::error file=map.yaml,line=20,col=5,endLine=20,endColumn=6,"
        "title=B101 conversion-below-budget::exact conversion 50.00%25 is below the budget "
        "55.00%25 for persona plain%0Abudget `min-conversion` set at pyproject.toml:5:19"
    )
    assert [line.split("title=")[1].split("::")[0] for line in lines] == [
        "B101 conversion-below-budget",
        "B102 drop-off-over-budget",
        "B103 forbidden-gap",
    ]


def test_gitlab_code_quality(cli, breached):
    import jsonschema

    issues = json.loads(_breached(cli, "gitlab"))
    schema = json.loads((SCHEMAS / "gitlab-codequality.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(issues)
    assert [(i["check_name"], i["location"]) for i in issues] == [
        ("B101", {"path": "map.yaml", "lines": {"begin": 20}}),
        ("B102", {"path": "map.yaml", "lines": {"begin": 30}}),
        ("B103", {"path": "map.yaml", "lines": {"begin": 30}}),
    ]
    assert len({i["fingerprint"] for i in issues}) == 3


def test_junit_has_a_failure_per_breach(cli, breached):
    root = _junit(_breached(cli, "junit"))
    assert root.get("name") == "journeyctl check"
    assert root.get("failures") == "3"
    failures = [c.find("failure").get("type") for c in root.iter("testcase")]
    assert failures == [
        "B101 conversion-below-budget",
        "B102 drop-off-over-budget",
        "B103 forbidden-gap",
    ]


def test_junit_of_a_clean_run_passes(cli, in_case):
    in_case("conversion-held")
    r = cli("check", "-f", "junit")
    assert r.code == 0
    root = _junit(r.out)
    assert root.get("failures") == "0" and root.get("tests") == "1"


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_machine_output_is_byte_identical_across_runs(cli, in_case, fmt):
    in_case("negative-experience-breached")
    first, second = cli("check", "-f", fmt), cli("check", "-f", fmt, "-o", "out")
    assert first.code == second.code == 1
    assert Path("out").read_text(encoding="utf-8") == first.out


def test_yaml_config_wins_over_pyproject_in_one_folder(cli, in_case):
    in_case("conversion-breached")
    Path("pyproject.toml").write_text(
        '[tool.journeyctl.budgets."map.yaml"]\nmin-conversion = 0.1\n', encoding="utf-8"
    )
    assert cli("check").code == 1
    assert cli("check", "--config", "pyproject.toml").code == 0


def test_a_map_argument_must_have_budgets(cli, in_case):
    in_case("conversion-held")
    assert cli("check", "map.yaml").code == 0
    Path("other.yaml").write_text(Path("map.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    r = cli("check", "other.yaml")
    assert r.code == 2 and "other.yaml: no budget names this map" in r.err


def test_no_budgets_is_a_usage_error(cli, in_case):
    in_case("conversion-held")
    Path(".journeyctl.yaml").write_text("select: [JM]\n", encoding="utf-8")
    r = cli("check")
    assert r.code == 2 and "no budgets to check" in r.err


def test_an_invalid_map_shows_its_findings(cli, in_case):
    in_case("conversion-held")
    Path("map.yaml").write_text(
        Path("map.yaml").read_text(encoding="utf-8").replace("stage: buy", "stage: bye"),
        encoding="utf-8",
    )
    r = cli("check")
    assert r.code == 1
    assert "JM101" in r.err and "Traceback" not in r.err


def test_rules_lists_and_explains_the_budget_codes(cli):
    r = cli("rules", "B")
    assert [line.split()[0] for line in r.out.splitlines()[1:]] == ["B101", "B102", "B103", "B104"]
    r = cli("rules", "B102")
    assert r.out.startswith("B102 drop-off-over-budget (error)\n\n")
    assert "exit_probability" in r.out
