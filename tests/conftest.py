"""Shared test fixtures: run the CLI in-process the way a user would, on real files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from journeyctl.cli import run

ROOT = Path(__file__).resolve().parent.parent
MAPS = ROOT / "maps"
DATA = ROOT / "tests" / "data"
"""Test data, all inside the repository: the suite reads nothing beside it."""


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys, monkeypatch):
    """`cli("validate", "maps/")` runs journeyctl and returns its exit code, stdout and stderr."""
    monkeypatch.setenv("COLUMNS", "200")

    def invoke(*args: str | Path) -> Result:
        capsys.readouterr()
        code = run([str(a) for a in args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke
