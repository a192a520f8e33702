"""Every rule is documented with a failing and a passing example, and the examples hold."""

from __future__ import annotations

import json

import pytest

from journeyctl.lint.rules import all_rules

RULES = list(all_rules().values())


def test_rule_codes_and_slugs_are_unique():
    assert len({r.code for r in RULES}) == len(RULES)
    assert len({r.slug for r in RULES}) == len(RULES)
    assert sum(r.code.startswith("JM1") for r in RULES) >= 15


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_documents_both_examples(rule):
    assert rule.summary
    assert rule.example("Failing")
    assert rule.example("Passing")


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_failing_example_fails_and_passing_example_passes(cli, tmp_path, rule):
    failing = rule.example("Failing")
    path = tmp_path / "example.yaml"
    if failing.startswith("("):  # described, not text: a file that is not UTF-8
        path.write_bytes("journeyctl: 1\nchannels: [{id: web, name: Café}]\n".encode("latin-1"))
    else:
        path.write_text(failing, encoding="utf-8")
    codes = {f["code"] for f in json.loads(cli("validate", path, "-f", "json").out)["findings"]}
    assert rule.code in codes
    path.write_text(rule.example("Passing"), encoding="utf-8")
    result = cli("validate", path, "-f", "json")
    assert json.loads(result.out)["findings"] == []
    assert result.code == 0


def test_rules_command_lists_and_explains(cli):
    listing = cli("rules")
    assert listing.code == 0
    for rule in RULES:
        assert rule.code in listing.out
    one = cli("rules", "JM109")
    assert one.code == 0 and "dead-end" in one.out and "Failing example" in one.out
    assert cli("rules", "JM999").code == 2
    data = json.loads(cli("rules", "--format", "json").out)
    assert [r["code"] for r in data if r["code"].startswith("JM")] == [r.code for r in RULES]
