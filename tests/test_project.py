"""Only maps are maps, and dependents are checked: other YAML files are skipped in folders and
JM008 when named; a named catalogue also checks the project's maps that include it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import DATA

PROJECT = DATA / "project"
SHOP = (PROJECT / "maps" / "shop.yaml").read_text(encoding="utf-8")


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


@pytest.fixture
def project(tmp_path, monkeypatch):
    """tests/data/project with a `.journeyctl.yaml`, as the working directory: its map reaches
    `catalog/channels.yaml` through `catalog/bundle.yaml`, beside two YAML files not maps."""
    root = shutil.copytree(PROJECT, tmp_path / "project")
    write(root, {".journeyctl.yaml": ""})
    monkeypatch.chdir(root)
    return root


def drop_web(root: Path) -> None:
    path = root / "catalog" / "channels.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  - {id: web, name: Website}\n", ""), encoding="utf-8")


def report(cli, *args) -> tuple[int, dict]:
    r = cli("validate", *args, "--format", "json")
    return r.code, json.loads(r.out)


def test_a_folder_skips_and_counts_other_yaml_files(cli, project):
    r = cli("validate", ".")
    assert r.code == 0
    assert "3 files checked: 0 errors, 0 warnings, 0 info; 2 other YAML files skipped" in (
        r.out + r.err
    )
    code, doc = report(cli, ".")
    assert code == 0 and doc["findings"] == []
    assert doc["skipped"] == [".yamllint.yml", "docker-compose.yml"]
    assert "docker-compose.yml" not in doc["files"]


def test_a_named_non_map_is_jm008_at_1_1_unless_skip_non_maps(cli, project):
    code, doc = report(cli, "docker-compose.yml", "maps/shop.yaml")
    assert code == 1
    [finding] = doc["findings"]
    assert (finding["code"], finding["file"], finding["line"], finding["column"]) == (
        "JM008",
        "docker-compose.yml",
        1,
        1,
    )
    assert "add `journeyctl: 1` at the top, or leave this file out" in finding["hint"]

    code, doc = report(cli, "docker-compose.yml", "maps/shop.yaml", "--skip-non-maps")
    assert code == 0 and doc["findings"] == []
    assert doc["skipped"] == ["docker-compose.yml"]


def test_a_broken_file_is_reported_only_when_a_line_starts_with_journeyctl(cli, project):
    write(project, {"broken.yaml": "journeyctl: 1\nchannels: [{id: web\n", "junk.yml": "a: [\n"})
    code, doc = report(cli, ".")
    assert code == 1
    assert {(f["code"], f["file"]) for f in doc["findings"]} == {("JM001", "broken.yaml")}
    assert "junk.yml" in doc["skipped"]
    code, doc = report(cli, "junk.yml", "--skip-non-maps")
    assert code == 0 and doc["skipped"] == ["junk.yml"]


def test_a_catalogue_change_checks_the_maps_that_include_it(cli, project):
    drop_web(project)
    code, doc = report(cli, "catalog/channels.yaml")
    assert code == 1
    assert doc["files"] == ["catalog/bundle.yaml", "catalog/channels.yaml", "maps/shop.yaml"]
    assert [(f["code"], f["file"]) for f in doc["findings"]] == [("JM102", "maps/shop.yaml")]
    r = cli("validate", "catalog/channels.yaml")
    assert "also checked 2 files that include catalog/channels.yaml" in r.out + r.err


def test_no_dependents_checks_the_named_files_only(cli, project):
    drop_web(project)
    code, doc = report(cli, "catalog/channels.yaml", "--no-dependents")
    assert code == 0 and doc["files"] == ["catalog/channels.yaml"]


def test_maps_outside_the_project_or_excluded_are_not_walked(cli, project):
    outside = SHOP.replace("../catalog/bundle.yaml", "project/catalog/bundle.yaml")
    write(project.parent, {"outside.yaml": outside})
    write(project, {"legacy/old.yaml": SHOP, ".journeyctl.yaml": "exclude: [legacy]\n"})
    drop_web(project)
    code, doc = report(cli, "catalog/channels.yaml")
    assert code == 1
    assert doc["files"] == ["catalog/bundle.yaml", "catalog/channels.yaml", "maps/shop.yaml"]


def test_an_included_file_needs_the_key_too(cli, project):
    write(project, {"catalog/extra.yaml": "channels:\n  - {id: sms, name: SMS}\n"})
    include = "[../catalog/bundle.yaml, ../catalog/extra.yaml]"
    write(project, {"maps/shop.yaml": SHOP.replace("[../catalog/bundle.yaml]", include)})
    code, doc = report(cli, ".")
    assert code == 1
    assert [(f["code"], f["file"], f["line"]) for f in doc["findings"]] == [
        ("JM008", "catalog/extra.yaml", 1)
    ]
    assert doc["skipped"] == [".yamllint.yml", "docker-compose.yml"]
