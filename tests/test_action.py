"""The GitHub Action (`action.yml`): its shell steps run as a runner would run them.

A small stand-in for the Actions runner evaluates the `${{ … }}` expressions the steps use,
runs each `run:` step with bash in a user's repository, and skips the `uses:` steps
(setup-python, upload-sarif) and the install step: journeyctl is already installed here.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

DATA = ROOT / "tests" / "data" / "ci"
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
EXPRESSION = re.compile(r"\$\{\{\s*([\w.-]+)\s*\}\}")
BIN = {"PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
"""This venv's journeyctl first on PATH, as the install step would put it."""


def run_action(repo: Path, tmp: Path, **inputs: str) -> dict:
    """Run the action's shell steps in `repo`; the outputs of the `validate` step and the
    exit code and output of the last step that ran."""
    values = {f"inputs.{k}": v.get("default", "") for k, v in ACTION["inputs"].items()}
    values |= {f"inputs.{k}": v for k, v in inputs.items()}
    values["github.action_path"] = str(ROOT)
    out_file = tmp / "github_output"
    env = {
        **os.environ,
        **BIN,
        "RUNNER_TEMP": str(tmp),
        "GITHUB_PATH": str(tmp / "github_path"),
    }
    last = None
    for step in ACTION["runs"]["steps"]:
        if "run" not in step or step["name"].startswith("Install"):
            continue
        out_file.write_text("", encoding="utf-8")
        step_env = {k: EXPRESSION.sub(lambda m: values[m.group(1)], str(v))
                    for k, v in step.get("env", {}).items()}  # fmt: skip
        last = subprocess.run(
            ["bash", "-e", "-c", step["run"]],
            cwd=repo,
            env={**env, **step_env, "GITHUB_OUTPUT": str(out_file)},
            capture_output=True,
            text=True,
            timeout=120,
        )
        for line in out_file.read_text(encoding="utf-8").splitlines():
            name, _, value = line.partition("=")
            values[f"steps.{step.get('id')}.outputs.{name}"] = value
    assert last is not None
    return {"code": last.returncode, "values": values, "last": last}


@pytest.fixture
def repo(tmp_path):
    repo = tmp_path / "repo"
    (repo / "maps").mkdir(parents=True)
    shutil.copy(DATA / "good.yaml", repo / "maps" / "good.yaml")
    return repo


def test_the_action_is_composite_and_installs_from_its_own_checkout():
    assert ACTION["runs"]["using"] == "composite"
    install = next(s for s in ACTION["runs"]["steps"] if s.get("name", "").startswith("Install"))
    assert install["env"]["ACTION_PATH"] == "${{ github.action_path }}"
    assert "constraints.txt" in install["run"]
    uses = [s["uses"] for s in ACTION["runs"]["steps"] if "uses" in s]
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)


def test_clean_maps_pass_and_leave_sarif(repo, tmp_path):
    result = run_action(repo, tmp_path)
    assert result["code"] == 0
    assert result["values"]["steps.validate.outputs.exit-code"] == "0"
    sarif = json.loads((repo / "journeyctl.sarif").read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"] == []


def test_findings_fail_the_job_after_annotating(repo, tmp_path):
    shutil.copy(DATA / "bad.yaml", repo / "maps" / "bad.yaml")
    validate = next(s for s in ACTION["runs"]["steps"] if s.get("id") == "validate")
    step = subprocess.run(
        ["bash", "-c", validate["run"]],
        cwd=repo,
        env={
            **os.environ,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
            "PATHS": "maps/",
            "ARGS": "",
            "GITHUB_OUTPUT": str(tmp_path / "o"),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "::error file=maps/bad.yaml" in step.stdout
    result = run_action(repo, tmp_path)
    assert result["values"]["steps.validate.outputs.exit-code"] == "1"
    assert result["code"] == 1
    sarif = json.loads((repo / "journeyctl.sarif").read_text(encoding="utf-8"))
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} >= {"JM101"}


def test_inputs_reach_journeyctl(repo, tmp_path):
    shutil.copy(DATA / "warning.yaml", repo / "maps" / "warning.yaml")
    assert run_action(repo, tmp_path)["code"] == 0  # warnings pass by default
    assert run_action(repo, tmp_path, args="--strict")["code"] == 1
    assert run_action(repo, tmp_path, paths="maps/good.yaml", args="--strict")["code"] == 0
