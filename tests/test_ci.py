"""validate's CI output formats (SARIF, GitHub annotations, JUnit) and exit control."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from xml.etree import ElementTree as ET

import pytest
from conftest import DATA as TESTDATA
from conftest import ROOT

from journeyctl.lint.reporters.github import escape_data, escape_property
from journeyctl.lint.rules import all_rules

DATA = ROOT / "tests" / "data" / "ci"
SARIF_SCHEMA = TESTDATA / "schemas" / "sarif-schema-2.1.0.json"
ANNOTATION = re.compile(
    r"^::(?P<cmd>error|warning|notice) file=(?P<file>[^,]+),line=(?P<line>\d+),col=(?P<col>\d+),"
    r"endLine=(?P<end_line>\d+),endColumn=(?P<end_col>\d+),"
    r"title=(?P<code>JM\d{3}) (?P<slug>[a-z0-9-]+)::(?P<message>[^\r\n]*)$"
)


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A git repository holding the CI fixtures under maps/, as the working directory."""
    shutil.copytree(DATA, tmp_path / "maps")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_sarif_validates_against_the_sarif_schema(cli, repo):
    import jsonschema

    r = cli("validate", "maps", "--format", "sarif")
    assert r.code == 1
    doc = json.loads(r.out)
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(doc)

    run = doc["runs"][0]
    assert doc["version"] == "2.1.0"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.resolve().as_uri() + "/"
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(all_rules())
    jm101 = rules[[r["id"] for r in rules].index("JM101")]
    assert jm101["name"] == "unknown-stage"
    assert jm101["defaultConfiguration"] == {"level": "error"}
    assert "Failing example" in jm101["fullDescription"]["text"]
    assert "```yaml" in jm101["help"]["markdown"]

    levels = {}
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        loc = result["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert loc["artifactLocation"]["uri"].startswith("maps/")
        levels.setdefault(result["ruleId"], result["level"])
    assert levels["JM101"] == "error" and levels["JM107"] == "warning"
    assert levels["JM119"] == "note" and levels["JM001"] == "error"
    bad = next(r for r in run["results"] if r["ruleId"] == "JM101")
    assert bad["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "maps/bad.yaml", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 16, "startColumn": 22, "endLine": 16, "endColumn": 29},
    }


def test_sarif_paths_are_relative_to_the_repository_root_from_a_subfolder(cli, repo, monkeypatch):
    monkeypatch.chdir(repo / "maps")
    r = cli("validate", "bad.yaml", "--format", "sarif")
    uris = {
        res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for res in json.loads(r.out)["runs"][0]["results"]
    }
    assert uris == {"maps/bad.yaml"}


def test_github_annotations(cli, repo):
    r = cli("validate", "maps", "--format", "github")
    assert r.code == 1
    lines = r.out.splitlines()
    matches = [ANNOTATION.match(line) for line in lines]
    assert all(matches), [line for line, m in zip(lines, matches, strict=True) if not m]
    by_code = {m["code"]: m for m in matches}
    jm101 = by_code["JM101"]
    assert (jm101["cmd"], jm101["file"], jm101["line"], jm101["col"]) == (
        "error",
        "maps/bad.yaml",
        "16",
        "22",
    )
    assert jm101["message"] == (
        "touchpoint `buy` names unknown stage `purchse`%0Adid you mean `purchase`?"
    )
    assert by_code["JM107"]["cmd"] == "warning"
    assert by_code["JM119"]["cmd"] == "notice"


def test_github_escaping():
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("a,b: 5%") == "a%2Cb%3A 5%25"


def test_github_escapes_file_names(cli, repo):
    odd = repo / "maps" / "odd, name: 100%.yaml"
    shutil.copy(DATA / "warning.yaml", odd)
    r = cli("validate", odd, "--format", "github")
    assert "file=maps/odd%2C name%3A 100%25.yaml," in r.out


def test_auto_format_follows_github_actions(cli, repo, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    r = cli("validate", "maps/bad.yaml", "--format", "auto")
    assert r.out.startswith("::") and r.err == ""
    monkeypatch.setenv("GITHUB_ACTIONS", "false")
    r = cli("validate", "maps/bad.yaml", "--format", "auto")
    assert r.err == "" and "JM101 unknown-stage" in r.out


def test_junit_xml(cli, repo):
    r = cli("validate", "maps", "--format", "junit")
    assert r.code == 1
    root = ET.fromstring(r.out)
    assert root.tag == "testsuites"
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {f"maps/{p.name}" for p in DATA.glob("*.yaml")}

    good = suites["maps/good.yaml"]
    assert good.get("failures") == "0"
    [case] = good.findall("testcase")
    assert case.find("failure") is None

    bad = suites["maps/bad.yaml"]
    cases = bad.findall("testcase")
    failures = [c.find("failure") for c in cases if c.find("failure") is not None]
    assert bad.get("tests") == str(len(cases)) == "5"
    assert bad.get("failures") == str(len(failures)) == "2"  # the errors: the fail level
    assert {f.get("type") for f in failures} == {"JM101 unknown-stage", "JM109 dead-end"}
    jm107 = next(c for c in cases if c.get("name").startswith("JM107"))
    assert "warning JM107 unreachable-touchpoint" in jm107.find("system-out").text
    jm101 = next(f for f in failures if f.get("type") == "JM101 unknown-stage")
    assert jm101.get("message") == "touchpoint `buy` names unknown stage `purchse`"
    assert "maps/bad.yaml:16:22: error JM101" in jm101.text
    assert root.get("failures") == str(sum(int(s.get("failures")) for s in suites.values()))


def test_outputs_are_deterministic_and_written_to_a_file(cli, repo):
    for fmt in ("sarif", "github", "junit", "json"):
        target = repo / f"report.{fmt}"
        r = cli("validate", "maps", "--format", fmt, "--output", target)
        assert r.code == 1 and r.out == ""
        again = cli("validate", "maps", "--format", fmt)
        assert target.read_text(encoding="utf-8") == again.out


def test_unknown_format_is_a_usage_error(cli, repo):
    r = cli("validate", "maps", "--format", "xml")
    assert r.code == 2 and "unknown format" in r.err


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["maps/good.yaml"], 0),
        (["maps/bad.yaml"], 1),
        (["maps/warning.yaml"], 0),
        (["maps/warning.yaml", "--strict"], 1),
        (["maps/warning.yaml", "--fail-level", "warning"], 1),
        (["maps/warning.yaml", "--fail-level", "info"], 1),
        (["maps/good.yaml", "--fail-level", "info"], 0),
        (["maps/bad.yaml", "--exit-zero"], 0),
        (["maps/warning.yaml", "--fail-level", "info", "--exit-zero"], 0),
        (["maps/broken.yaml"], 1),
        (["maps/missing.yaml"], 2),
        (["maps/good.yaml", "--fail-level", "fatal"], 2),
        (["maps/good.yaml", "--strict", "--fail-level", "info"], 2),
        (["maps/good.yaml", "--select", "JM9"], 2),
        (["maps/good.yaml", "--config", "nowhere.toml"], 2),
    ],
)
def test_exit_codes(cli, repo, args, code):
    assert cli("validate", *args).code == code


def test_fail_level_does_not_filter_the_report(cli, repo):
    r = cli("validate", "maps/warning.yaml", "--format", "json")
    assert r.code == 0
    assert {f["code"] for f in json.loads(r.out)["findings"]} == {"JM107", "JM119"}


def test_init_writes_the_editor_schema_once(cli, tmp_path):
    target = tmp_path / "new-maps"
    r = cli("init", target)
    assert r.code == 0, r.err
    schema_file = target / "journeyctl.schema.json"
    assert schema_file.read_text(encoding="utf-8") == cli("schema").out
    [template] = [p for p in target.glob("*.yaml")]
    first = template.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=./journeyctl.schema.json"
    assert cli("validate", target).code == 0

    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "journeyctl.schema.json").write_text("{}", encoding="utf-8")  # the user's: kept
    assert cli("init", mine).code == 0
    assert (mine / "journeyctl.schema.json").read_text(encoding="utf-8") == "{}"
    assert cli("init", mine, "--force").code == 0
    assert (mine / "journeyctl.schema.json").read_text(encoding="utf-8") == cli("schema").out


def test_example_workflow_uses_the_action_and_may_upload_sarif():
    import yaml

    workflow = yaml.safe_load((ROOT / "docs" / "github-actions.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["validate"]["steps"]
    action = next(s for s in steps if s.get("uses", "").startswith("your-org/journeyctl@"))
    assert action["uses"].endswith("@v0.2.0") and action["with"]["paths"] == "maps/"
    assert workflow["permissions"]["security-events"] == "write"  # the action uploads SARIF
