"""One registry of codes: every code declared once, documented, listed in the docs and by
`journeyctl rules`."""

from __future__ import annotations

import importlib
import json
import pkgutil
import re

from conftest import ROOT

from journeyctl.budgets import codes as budget_codes
from journeyctl.gaps import GAP_TYPES, observed
from journeyctl.gaps.model import GapType
from journeyctl.lint import rules
from journeyctl.lint.rules import all_rules, logic_rules
from journeyctl.registry import all_codes

CODES = all_codes()
CODE = re.compile(r"(JM|G|B)\d{3}")
LISTED = re.compile(r"(?:JM|G|B)\d{3} ")


def _docs_tables() -> list[tuple[str, str, str, str]]:
    """(file, code, slug, severity cell) for each row of a docs table with code, slug and
    severity columns."""
    rows = []
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        header: list[str] = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.startswith("|"):
                header = []
                continue
            cells = [c.strip().strip("`") for c in line.strip("|").split("|")]
            if not header:
                header = cells
            elif {"code", "slug", "severity"} <= set(header):
                row = dict(zip(header, cells, strict=False))
                if CODE.fullmatch(row["code"]):
                    rows.append((path.name, row["code"], row["slug"], row["severity"]))
    return rows


def test_every_code_is_declared_once_and_sorted():
    declared = [*all_rules(), *(t.code for t in (*GAP_TYPES, *observed.TYPES, *budget_codes.RULES))]
    assert sorted(declared) == list(CODES)
    assert len({c.slug for c in CODES.values()}) == len(CODES)
    assert all(isinstance(CODES[t.code], GapType) for t in observed.TYPES)


def test_rule_modules_are_named_after_their_code_and_slug():
    for info in pkgutil.iter_modules(rules.__path__):
        if info.name.startswith("jm"):
            rule = importlib.import_module(f"{rules.__name__}.{info.name}").RULE
            assert info.name == f"{rule.code.lower()}_{rule.slug.replace('-', '_')}"
    checked = [r.rule.code for r in logic_rules()]
    assert checked == [c for c in all_rules() if c.startswith("JM1")]


def test_gap_types_are_documented_beyond_their_summary():
    for t in (*GAP_TYPES, *observed.TYPES):
        summary, _, rest = t.description.partition("\n\n")
        assert summary.endswith(".") and rest, t.code


def test_docs_tables_list_every_code_once_with_its_slug_and_severity():
    rows = _docs_tables()
    listed = [code for _, code, _, _ in rows]
    assert len(listed) == len(set(listed)), "a code is listed in two tables"
    assert set(listed) - set(CODES) == set(), "docs list codes journeyctl does not have"
    assert set(CODES) - set(listed) == set(), "codes missing from the docs' tables"
    for file, code, slug, severity in rows:
        assert slug == CODES[code].slug, (file, code)
        assert severity.split()[0] == CODES[code].severity.label, (file, code)


def test_rules_lists_a_prefix(cli):
    r = cli("rules", "G")
    assert r.code == 0
    listed = [line.split()[0] for line in r.out.splitlines() if LISTED.match(line)]
    assert listed == [c for c in CODES if c.startswith("G")]
    r = cli("rules", "jm1", "--format", "json")
    assert [e["code"] for e in json.loads(r.out)] == [c for c in CODES if c.startswith("JM1")]


def test_rules_explains_a_gap_code(cli):
    r = cli("rules", "G501")
    assert r.code == 0
    assert r.out.startswith("G501 silo-move (warning, family: silos)\n\n")
    assert CODES["G501"].description in r.out and "handoff:" in r.out


def test_rules_json_holds_every_code_and_the_family_of_gaps(cli):
    data = json.loads(cli("rules", "--format", "json").out)
    assert [e["code"] for e in data] == list(CODES)
    by_code = {e["code"]: e for e in data}
    assert by_code["G701"]["family"] == "observed"
    assert "family" not in by_code["JM101"]
    assert by_code["G501"]["summary"] == CODES["G501"].summary


def test_rules_refuses_an_unknown_code_or_prefix(cli):
    for arg in ("G9", "X", "JM999"):
        r = cli("rules", arg)
        assert r.code == 2
        assert f"no code, slug or prefix {arg!r}" in r.err
