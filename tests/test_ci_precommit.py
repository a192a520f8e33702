"""The pre-commit hook, run for real with `pre-commit try-repo` in a temporary git repository.

pre-commit installs journeyctl from source into its own environment (PyPI must be reachable).
try-repo's shadow commit of a dirty repository leaves untracked files out, so the test hands
it a committed snapshot of this working tree (tracked and untracked, not ignored, files).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

DATA = ROOT / "tests" / "data" / "ci"
PROJECT = ROOT / "tests" / "data" / "project"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.invalid",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.invalid",
}


def git(*args: str, cwd: Path) -> str:
    env = {**os.environ, **GIT_ENV}
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True
    ).stdout


def commit(repo: Path, message: str) -> None:
    git("add", "-A", cwd=repo)
    git("commit", "-q", "-m", message, cwd=repo)


def snapshot(target: Path) -> Path:
    """A git repository at `target` with this working tree's package files, committed."""
    listed = git("ls-files", "--cached", "--others", "--exclude-standard", "-z", cwd=ROOT)
    wanted = ("journeyctl/", "pyproject.toml", "README.md", "LICENSE", ".pre-commit-hooks.yaml")
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if name.startswith(wanted) and source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    git("init", "-q", cwd=target)
    commit(target, "snapshot")
    return target


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory):
    return snapshot(tmp_path_factory.mktemp("hook-repo"))


@pytest.fixture
def user_repo(tmp_path):
    repo = tmp_path / "user"
    (repo / "maps").mkdir(parents=True)
    shutil.copy(DATA / "good.yaml", repo / "maps" / "good.yaml")
    shutil.copy(DATA / "bad.yaml", repo / "maps" / "bad.yaml")
    (repo / "notes.yml").write_text("not: a map\n", encoding="utf-8")
    git("init", "-q", cwd=repo)
    commit(repo, "maps")
    return repo


@pytest.fixture
def catalogue_repo(tmp_path):
    """tests/data/project committed: maps/shop.yaml includes catalog/channels.yaml (through
    catalog/bundle.yaml), beside docker-compose.yml and .yamllint.yml."""
    repo = shutil.copytree(PROJECT, tmp_path / "project")
    git("init", "-q", cwd=repo)
    commit(repo, "maps")
    return repo


def try_repo(hook_repo: Path, user_repo: Path, *files: str) -> subprocess.CompletedProcess:
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_COLOR": "never"}
    env.pop("GITHUB_ACTIONS", None)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pre_commit",
            "try-repo",
            str(hook_repo),
            "journeyctl-validate",
            "--files",
            *files,
        ],
        cwd=user_repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_hook_passes_a_good_map_and_fails_a_bad_one(hook_repo, user_repo):
    good = try_repo(hook_repo, user_repo, "maps/good.yaml")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "journeyctl validate" in good.stdout and "Passed" in good.stdout

    bad = try_repo(hook_repo, user_repo, "maps/good.yaml", "maps/bad.yaml")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "Failed" in bad.stdout
    assert "JM101 unknown-stage" in bad.stdout
    assert "maps/bad.yaml" in bad.stdout


def test_hook_skips_yaml_files_that_are_not_maps(hook_repo, catalogue_repo):
    r = try_repo(hook_repo, catalogue_repo, "docker-compose.yml", ".yamllint.yml")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Passed" in r.stdout


def test_hook_checks_the_maps_that_include_a_changed_catalogue(hook_repo, catalogue_repo):
    passed = try_repo(hook_repo, catalogue_repo, "catalog/channels.yaml")
    assert passed.returncode == 0, passed.stdout + passed.stderr

    channels = catalogue_repo / "catalog" / "channels.yaml"
    channels.write_text("journeyctl: 1\nchannels:\n  - {id: app, name: App}\n", encoding="utf-8")
    commit(catalogue_repo, "drop the web channel")
    failed = try_repo(hook_repo, catalogue_repo, "catalog/channels.yaml")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "Failed" in failed.stdout and "JM102 unknown-channel" in failed.stdout
    assert "maps/shop.yaml" in failed.stdout


def test_hook_manifest_matches_the_brief():
    import yaml

    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "journeyctl-validate"
    assert hook["entry"] == "journeyctl validate --skip-non-maps"
    assert hook["language"] == "python" and hook["pass_filenames"] is True
    import re

    assert re.search(hook["files"], "maps/a.yaml") and re.search(hook["files"], "b.yml")
    assert re.search(hook["exclude"], ".pre-commit-config.yaml")
    assert not re.search(hook["exclude"], "maps/a.yaml")
