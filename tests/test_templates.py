"""Every starter template is clean right after `journeyctl init`: it validates with no findings,
has no gap at error level, and simulates without notes, for every persona.

The templates are the ones the package ships (`journeyctl templates`), not a list written here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from journeyctl.lint.load import load_map
from journeyctl.templates import templates

NAMES = sorted(templates())


def test_the_package_ships_templates():
    assert NAMES


@pytest.fixture(params=NAMES)
def fresh(request, cli, tmp_path) -> Path:
    """The template, as `journeyctl init` writes it into a new folder."""
    name = request.param
    r = cli("init", tmp_path / "new", "--template", name)
    assert r.code == 0, r.err
    return tmp_path / "new" / f"{name}.yaml"


def test_validates_with_no_findings(cli, fresh):
    r = cli("validate", fresh, "--format", "json")
    report = json.loads(r.out)
    assert report["findings"] == []
    assert report["summary"] == {"error": 0, "warning": 0, "info": 0}
    assert r.code == 0


def test_has_no_gap_at_error_level(cli, fresh):
    r = cli("gaps", fresh, "--fail-on", "error", "--format", "json")
    assert r.code in (0, 1), r.err
    errors = [g["message"] for g in json.loads(r.out)["gaps"] if g["severity"] == "error"]
    assert errors == []
    assert r.code == 0


def test_simulates_without_notes(cli, fresh):
    r = cli("simulate", fresh, "--format", "json", "--exact")
    assert r.code == 0, r.err
    reports = json.loads(r.out)["personas"]
    assert [p["persona"] for p in reports] == [p.id for p in load_map(fresh).personas]
    assert {p["persona"]: p["reasons"] for p in reports} == {p["persona"]: [] for p in reports}

    r = cli("simulate", fresh)
    assert r.code == 0, r.err
    assert "note:" not in r.out + r.err
