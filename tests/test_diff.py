"""`journeyctl diff`: semantic differences between map versions, in text, JSON and Markdown."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest
from conftest import ROOT

from journeyctl.diff.compare import FieldChange, Side, compare

DATA = ROOT / "tests" / "data" / "ci"
GOOD = (DATA / "good.yaml").read_text(encoding="utf-8")


def changed_map(text: str) -> str:
    """good.yaml with a renamed stage, a new channel, a changed weight, an emotion, a new
    persona with affinities, a removed touchpoint field and a new error (unknown stage)."""
    text = text.replace("{id: consider, name: Consider}", "{id: consider, name: Research}")
    text = text.replace("next: {buy: 3, exit: 1}", "next: {buy: 2, exit: 1}, emotion: -1")
    text = text.replace(
        "  - {id: web, name: Website}",
        "  - {id: web, name: Website}\n  - {id: app, name: App}",
    )
    text = text.replace(
        "  - {id: buy, stage: purchase, channel: web, engagement: active}",
        "  - {id: buy, stage: checkout, channel: app, engagement: active}\n"
        "personas:\n  - {id: pat, name: Pat, channel_affinity: {web: 0.5, app: 1}}",
    )
    return text


@pytest.fixture
def pair(tmp_path):
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(GOOD, encoding="utf-8")
    new.write_text(changed_map(GOOD), encoding="utf-8")
    return old, new


def test_json_diff_of_two_files(cli, pair):
    r = cli("diff", *pair, "--format", "json")
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    changes = {(e["kind"], e["id"]): e for e in doc["entities"]}
    assert changes[("channel", "app")]["status"] == "added"
    assert changes[("persona", "pat")]["status"] == "added"
    stage = changes[("stage", "consider")]
    assert stage["status"] == "changed"
    assert stage["fields"] == [
        {"path": "name", "old": "Consider", "new": "Research", "category": "field"}
    ]
    browse = {f["path"]: f for f in changes[("touchpoint", "browse")]["fields"]}
    assert browse["next.buy.weight"] == {
        "path": "next.buy.weight",
        "old": 3,
        "new": 2,
        "category": "weight",
    }
    assert browse["emotion.default"]["old"] is None and browse["emotion.default"]["new"] == -1
    buy = {f["path"]: (f["old"], f["new"]) for f in changes[("touchpoint", "buy")]["fields"]}
    assert buy == {"stage": ("purchase", "checkout"), "channel": ("web", "app")}
    assert ("stage", "purchase") not in changes

    findings = {(f["status"], f["code"], f["file"]) for f in doc["findings"]}
    assert ("new", "JM101", "new.yaml") in findings
    assert all(status == "new" for status, _, _ in findings)


def test_resolved_findings_and_reverse_direction(cli, pair):
    old, new = pair
    doc = json.loads(cli("diff", new, old, "--format", "json").out)
    assert {(f["status"], f["code"]) for f in doc["findings"]} >= {("resolved", "JM101")}
    persona = next(e for e in doc["entities"] if e["kind"] == "persona")
    assert persona["status"] == "removed"


def test_text_diff(cli, pair):
    r = cli("diff", *pair)
    assert r.code == 0 and r.err == ""
    assert "~ stage consider" in r.out
    assert 'name: "Consider" → "Research"' in r.out
    assert "next.buy.weight: 3 → 2 (-1)" in r.out
    assert "+ persona pat" in r.out
    assert "new.yaml:16 error JM101 unknown-stage" in r.out


def test_markdown_diff_for_a_pull_request(cli, pair, tmp_path):
    target = tmp_path / "comment.md"
    r = cli("diff", *pair, "--format", "markdown", "-o", target)
    assert r.code == 0 and r.out == ""
    md = target.read_text(encoding="utf-8")
    assert md.startswith("## Journey map changes:")
    assert '| changed | stage | `consider` | `new.yaml` | name: "Consider" → "Research" |' in md
    assert "### Weights, emotions and affinities" in md
    assert "| touchpoint | `browse` | `next.buy.weight` | 3 | 2 | -1 |" in md
    assert "### New findings" in md and "| error | JM101 unknown-stage |" in md
    assert "Resolved findings" not in md
    rows = [line for line in md.splitlines() if line.startswith("|")]
    assert all(line.count("|") - line.count("\\|") == rows[0].count("|") for line in rows[:2])


def test_no_differences(cli, pair):
    old, _ = pair
    r = cli("diff", old, old, "--format", "markdown")
    assert r.code == 0 and "No differences." in r.out
    assert json.loads(cli("diff", old, old, "--format", "json").out)["entities"] == []


def test_moved_lines_change_no_findings(cli, tmp_path):
    bad = (DATA / "bad.yaml").read_text(encoding="utf-8")
    old, new = tmp_path / "a.yaml", tmp_path / "b.yaml"
    old.write_text(bad, encoding="utf-8")
    new.write_text("# a comment that moves every line\n\n" + bad, encoding="utf-8")
    doc = json.loads(cli("diff", old, new, "--format", "json").out)
    assert doc["findings"] == [] and doc["entities"] == []


def test_two_folders(cli, tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    for side in (old, new):
        (side / "sub").mkdir(parents=True)
    (old / "sub" / "shop.yaml").write_text(GOOD, encoding="utf-8")
    (old / "gone.yaml").write_text(GOOD, encoding="utf-8")
    (new / "sub" / "shop.yaml").write_text(changed_map(GOOD), encoding="utf-8")
    shutil.copy(DATA / "broken.yaml", new / "broken.yaml")
    doc = json.loads(cli("diff", old, new, "--format", "json").out)
    assert doc["files"] == {"added": ["broken.yaml"], "removed": ["gone.yaml"], "unreadable": []}
    assert {e["file"] for e in doc["entities"]} == {"sub/shop.yaml"}
    assert ("new", "JM001", "broken.yaml") in {
        (f["status"], f["code"], f["file"]) for f in doc["findings"]
    }


def test_unreadable_input_exits_2(cli, pair, tmp_path):
    old, _ = pair
    assert cli("diff", old, tmp_path / "missing.yaml").code == 2
    assert cli("diff", old, tmp_path).code == 2
    assert cli("diff", old).code == 2
    assert cli("diff", old, old, "--format", "html").code == 2


def git(*args, cwd):
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path, monkeypatch):
    (tmp_path / "maps").mkdir()
    (tmp_path / "maps" / "shop.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "maps" / "old.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "other.yaml").write_text(GOOD, encoding="utf-8")
    git("init", "-q", cwd=tmp_path)
    git("add", "-A", cwd=tmp_path)
    git("commit", "-q", "-m", "v1", cwd=tmp_path)
    (tmp_path / "maps" / "shop.yaml").write_text(changed_map(GOOD), encoding="utf-8")
    (tmp_path / "maps" / "old.yaml").unlink()
    (tmp_path / "other.yaml").write_text(changed_map(GOOD), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_git_mode_against_a_revision(cli, repo):
    r = cli("diff", "--git", "HEAD", "maps", "--format", "json")
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    assert doc["old"] == "HEAD" and doc["new"] == "working tree"
    assert doc["files"]["removed"] == ["maps/old.yaml"]
    assert {e["file"] for e in doc["entities"]} == {"maps/shop.yaml"}  # not other.yaml
    assert ("new", "JM101") in {(f["status"], f["code"]) for f in doc["findings"]}

    md = cli("diff", "--git", "HEAD", "--format", "markdown").out
    assert "`other.yaml`" in md and "`maps/shop.yaml`" in md

    (repo / "maps" / "shop.yaml").write_text(GOOD, encoding="utf-8")
    text = cli("diff", "--git", "HEAD", "maps/shop.yaml").out
    assert "no differences" in text


def test_git_mode_skips_ignored_files_and_shows_deleted_paths(cli, repo):
    (repo / ".gitignore").write_text("out/\n", encoding="utf-8")
    (repo / "out").mkdir()
    (repo / "out" / "copy.yaml").write_text(GOOD, encoding="utf-8")
    doc = json.loads(cli("diff", "--git", "HEAD", "--format", "json").out)
    assert doc["files"]["added"] == []
    doc = json.loads(cli("diff", "--git", "HEAD", "maps/old.yaml", "--format", "json").out)
    assert doc["files"]["removed"] == ["maps/old.yaml"] and doc["entities"] == []


def test_git_mode_from_a_subfolder_and_bad_revision(cli, repo, monkeypatch):
    monkeypatch.chdir(repo / "maps")
    doc = json.loads(cli("diff", "--git", "HEAD", "--format", "json").out)
    assert {e["file"] for e in doc["entities"]} == {"maps/shop.yaml"}
    r = cli("diff", "--git", "no-such-rev")
    assert r.code == 2 and "no such revision" in r.err


def test_weights_given_bare_or_as_mappings_compare_alike():
    a = {"touchpoints": [{"id": "t", "next": {"x": 2}, "emotion": 1}]}
    b = {"touchpoints": [{"id": "t", "next": {"x": {"weight": 2.0}}, "emotion": {"default": 1}}]}
    assert compare(Side("a", {"f": a}, ()), Side("b", {"f": b}, ())).entities == []


def test_field_change_categories():
    assert FieldChange("next.buy.weight", 1, 2).category == "weight"
    assert FieldChange("next.buy.note", "a", "b").category == "field"
    assert FieldChange("emotion.pat", 1, -1).delta == -2
    assert FieldChange("screen_affinity.tv", None, 1).category == "affinity"
    assert FieldChange("two_way", False, True).delta is None
