"""Project configuration for validate: discovery, keys, command-line overrides, bad files."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import ROOT

from journeyctl.lint.config import Config, discover

DATA = ROOT / "tests" / "data" / "ci"


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project folder with the CI fixtures under maps/, as the working directory."""
    shutil.copytree(DATA, tmp_path / "maps")
    (tmp_path / "maps" / "broken.yaml").unlink()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def codes(cli, *args) -> tuple[int, set[str]]:
    r = cli("validate", *args, "--format", "json")
    assert r.code in (0, 1), r.err
    return r.code, {f["code"] for f in json.loads(r.out)["findings"]}


def severities(cli, *args) -> dict[str, str]:
    r = cli("validate", *args, "--format", "json")
    return {f["code"]: f["severity"] for f in json.loads(r.out)["findings"]}


def test_defaults_without_a_config(cli, project):
    assert discover() is None
    assert codes(cli, "maps/bad.yaml") == (1, {"JM101", "JM107", "JM109", "JM119"})


def test_pyproject_select_ignore_and_severity(cli, project):
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.journeyctl]\nselect = ["JM1"]\nignore = ["JM109", "JM11"]\n'
        'severity = {JM107 = "error"}\n',
        encoding="utf-8",
    )
    assert codes(cli, "maps/bad.yaml") == (1, {"JM101", "JM107"})
    assert severities(cli, "maps/bad.yaml")["JM107"] == "error"


def test_more_specific_select_beats_a_prefix_ignore(cli, project):
    (project / ".journeyctl.yaml").write_text("ignore: [JM1]\nselect: [JM107]\n", encoding="utf-8")
    assert codes(cli, "maps/bad.yaml") == (0, {"JM107"})


def test_yaml_config_with_subtables_fail_level_and_per_file_ignores(cli, project):
    (project / ".journeyctl.yaml").write_text(
        "fail-level: warning\n"
        "severity:\n  JM119: warning\n"
        "per-file-ignores:\n  'maps/bad.yaml': [JM101, JM109]\n  '**/warn*.yaml': JM107\n",
        encoding="utf-8",
    )
    assert codes(cli, "maps/bad.yaml") == (1, {"JM107", "JM119"})
    assert codes(cli, "maps/warning.yaml") == (1, {"JM119"})  # JM119 is now a warning
    assert codes(cli, "maps/good.yaml") == (0, set())


def test_exclude_globs_skip_files_and_folders(cli, project):
    (project / "maps" / "drafts").mkdir()
    shutil.copy(DATA / "bad.yaml", project / "maps" / "drafts" / "wip.yaml")
    (project / ".journeyctl.yaml").write_text("exclude: [drafts, bad.yaml]\n", encoding="utf-8")
    r = cli("validate", "maps", "--format", "json")
    assert json.loads(r.out)["files"] == ["maps/good.yaml", "maps/warning.yaml"]
    assert r.code == 0


def test_the_config_file_itself_is_not_linted(cli, project):
    (project / ".journeyctl.yaml").write_text("ignore: [JM119]\n", encoding="utf-8")
    shutil.rmtree(project / "maps")
    shutil.copy(DATA / "good.yaml", project / "good.yaml")
    r = cli("validate", ".", "--format", "json")
    assert json.loads(r.out)["files"] == ["good.yaml"]


def test_nearest_config_wins_and_yaml_beats_pyproject(cli, project, monkeypatch):
    (project / "pyproject.toml").write_text(
        '[tool.journeyctl]\nignore = ["JM101"]\n', encoding="utf-8"
    )
    sub = project / "maps"
    assert discover(sub) == project / "pyproject.toml"
    (sub / "pyproject.toml").write_text('[project]\nname = "no-table"\n', encoding="utf-8")
    assert discover(sub) == project / "pyproject.toml"  # no [tool.journeyctl]: skipped
    (sub / ".journeyctl.yaml").write_text("ignore: [JM109]\n", encoding="utf-8")
    assert discover(sub) == sub / ".journeyctl.yaml"
    (project / ".journeyctl.yaml").write_text("ignore: [JM107]\n", encoding="utf-8")
    assert discover(project) == project / ".journeyctl.yaml"

    assert "JM107" not in codes(cli, "maps/bad.yaml")[1]
    monkeypatch.chdir(sub)
    assert codes(cli, "bad.yaml")[1] == {"JM101", "JM107", "JM119"}


def test_command_line_overrides(cli, project):
    (project / ".journeyctl.yaml").write_text(
        "select: [JM101]\nfail-level: info\n", encoding="utf-8"
    )
    assert codes(cli, "maps/bad.yaml") == (1, {"JM101"})
    assert codes(cli, "maps/bad.yaml", "--select", "JM107,JM119") == (1, {"JM107", "JM119"})
    assert codes(cli, "maps/bad.yaml", "--select", "JM1", "--ignore", "JM10") == (1, {"JM119"})
    assert codes(cli, "maps/bad.yaml", "--select", "JM119", "--fail-level", "warning") == (
        0,
        {"JM119"},
    )


def test_explicit_config_file(cli, project, tmp_path):
    other = tmp_path / "elsewhere.toml"
    other.write_text('[tool.journeyctl]\nselect = ["JM109"]\n', encoding="utf-8")
    (project / ".journeyctl.yaml").write_text("select: [JM101]\n", encoding="utf-8")
    assert codes(cli, "maps/bad.yaml", "--config", other) == (1, {"JM109"})


@pytest.mark.parametrize(
    ("name", "text", "where", "message"),
    [
        (
            "pyproject.toml",
            "[tool.journeyctl]\nselect = []\nfial-level = 'error'\n",
            ":3:1:",
            "unknown key `fial-level`; did you mean `fail-level`?",
        ),
        (
            "pyproject.toml",
            "[tool.journeyctl]\nignore = ['JM999']\n",
            ":2:1:",
            "`JM999` is not a rule code",
        ),
        (
            "pyproject.toml",
            "[tool.journeyctl.severity]\nJM107 = 'fatal'\n",
            ":2:1:",
            "unknown severity 'fatal'",
        ),
        (
            "pyproject.toml",
            "[tool.journeyctl]\nseverity = {JM107 = 3}\n",
            ":2:13:",
            "must be error, warning or info",
        ),
        ("pyproject.toml", "[tool.journeyctl]\nselect = 'JM1\n", ":2:14:", "invalid TOML"),
        ("pyproject.toml", "[tool.journeyctl]\nselect = [JM1]\n", ":2:11:", "invalid TOML"),
        ("pyproject.toml", "[tool.journeyctl]\nexclude = 3\n", ":2:1:", "must be a list of globs"),
        (
            ".journeyctl.yaml",
            "select: [JM1]\nper-file-ignores:\n  x.yaml: [JM77]\n",
            ":3:3:",
            "`JM77` is not a rule code",
        ),
        (".journeyctl.yaml", "select: [JM1\n", ":2:1:", "yaml"),
        (
            ".journeyctl.yaml",
            "select: JM1\nfail_level: error\n",
            ":2:1:",
            "unknown key `fail_level`",
        ),
        (".journeyctl.yaml", "- select\n", ":1:1:", "must be a mapping"),
        (".journeyctl.yaml", "severity: [JM101]\n", ":1:1:", "must be a table"),
    ],
)
def test_bad_config_is_a_located_usage_error(cli, project, name, text, where, message):
    (project / name).write_text(text, encoding="utf-8")
    r = cli("validate", "maps/good.yaml")
    assert r.code == 2
    err = " ".join(r.err.split())
    assert f"{name}{where}" in err, err
    assert message.lower() in err.lower(), err


def test_selection_and_globs(tmp_path):
    config = Config(root=tmp_path, select=("JM1",), ignore=("JM11",), exclude=("drafts", "**/x-*"))
    assert config.enabled("JM101") and not config.enabled("JM110") and not config.enabled("JM001")
    assert config.with_overrides(select=["JM110"]).enabled("JM110")
    assert not config.with_overrides(ignore=["jm101"]).enabled("JM101")
    assert config.excluded(tmp_path / "maps" / "drafts" / "a.yaml")
    assert config.excluded(tmp_path / "deep" / "er" / "x-1.yaml")
    assert not config.excluded(tmp_path / "maps" / "draftsman.yaml")
    assert not Config(root=tmp_path).excluded(tmp_path / "drafts" / "a.yaml")


@pytest.mark.parametrize("text", ["", "# journeyctl settings go here\n\n"])
def test_an_empty_yaml_config_means_the_defaults(cli, project, text):
    (project / ".journeyctl.yaml").write_text(text, encoding="utf-8")
    assert codes(cli, "maps/bad.yaml") == (1, {"JM101", "JM107", "JM109", "JM119"})
