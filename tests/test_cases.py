"""Acceptance cases: tests/cases/valid must be clean; each invalid case produces exactly what its
first line states (see tests/cases/README.md)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

CASES = Path(__file__).parent / "cases"


def _main(case: Path) -> Path:
    return case / "main.yaml" if case.is_dir() else case


def _cases(kind: str) -> list[Path]:
    return sorted(p for p in (CASES / kind).iterdir() if p.suffix == ".yaml" or p.is_dir())


def _expected(main: Path) -> set[tuple[str, str, int]]:
    first = main.read_text(encoding="utf-8").splitlines()[0]
    match = re.fullmatch(r"# expect: (.+)", first)
    assert match, f"{main}: first line must be '# expect: CODE@LINE ...'"
    out = set()
    for item in match.group(1).split():
        code, _, where = item.partition("@")
        file, _, line = where.rpartition(":")
        out.add((code, file or main.name, int(line)))
    return out


@pytest.mark.parametrize("case", _cases("valid"), ids=lambda p: p.name)
def test_valid_case_has_no_findings(cli, case):
    result = cli("validate", _main(case), "--format", "json")
    assert result.code == 0, result.out
    assert json.loads(result.out)["findings"] == []


@pytest.mark.parametrize("case", _cases("invalid"), ids=lambda p: p.name)
def test_invalid_case_produces_exactly_what_it_states(cli, case):
    main = _main(case)
    result = cli("validate", main, "--format", "json")
    findings = json.loads(result.out)["findings"]
    got = {(f["code"], Path(f["file"]).name, f["line"]) for f in findings}
    assert got == _expected(main)
    worst_is_error = any(f["severity"] == "error" for f in findings)
    assert result.code == (1 if worst_is_error else 0)


def test_text_output_groups_by_file_with_locations(cli):
    case = CASES / "invalid" / "duplicate-across-files" / "main.yaml"
    result = cli("validate", case)
    assert result.code == 1
    lines = result.out.splitlines()
    catalogue = next(i for i, line in enumerate(lines) if line.endswith("catalogue.yaml"))
    assert "3:" in lines[catalogue + 1] and "JM106 duplicate-id" in lines[catalogue + 1]
    assert "already defined at" in lines[catalogue + 1]
    assert "1 error, 0 warnings, 1 info" in result.out
