"""Inline `# journeyctl: disable…` comments, and JM030 unused-disable."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT

from journeyctl.lint.suppressions import directives

BAD = (ROOT / "tests" / "data" / "ci" / "bad.yaml").read_text(encoding="utf-8")
LINES = BAD.splitlines()
BUY, ORPHAN, NOTE = 15, 16, 17  # 0-based line indexes in bad.yaml
assert "id: buy" in LINES[BUY] and "id: orphan" in LINES[ORPHAN] and "id: note" in LINES[NOTE]


def lint_text(cli, tmp_path, lines: list[str]) -> list[tuple[str, int, str]]:
    path = tmp_path / "map.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = cli("validate", path, "--format", "json")
    assert r.code in (0, 1), r.err
    return [(f["code"], f["line"], f["message"]) for f in json.loads(r.out)["findings"]]


def edited(**changes: str) -> list[str]:
    """bad.yaml with lines replaced or (key `before_N`) inserted before line index N."""
    out = []
    for i, line in enumerate(LINES):
        if f"before_{i}" in changes:
            out.append(changes[f"before_{i}"])
        out.append(changes.get(f"line_{i}", line))
    return out


def found_codes(findings) -> list[str]:
    return sorted(code for code, _, _ in findings)


def test_baseline(cli, tmp_path):
    assert found_codes(lint_text(cli, tmp_path, LINES)) == [
        "JM101",
        "JM107",
        "JM107",
        "JM109",
        "JM119",
    ]


def test_disable_line_at_the_end_of_a_line(cli, tmp_path):
    lines = edited(**{f"line_{BUY}": LINES[BUY] + "  # journeyctl: disable-line=JM101"})
    assert "JM101" not in found_codes(lint_text(cli, tmp_path, lines))


def test_disable_line_with_several_codes_on_its_own_line_covers_the_next(cli, tmp_path):
    lines = edited(**{f"before_{ORPHAN}": "  # journeyctl: disable-line=JM107, jm109"})
    assert found_codes(lint_text(cli, tmp_path, lines)) == ["JM101", "JM107", "JM119"]


def test_disable_line_without_codes_covers_every_rule(cli, tmp_path):
    lines = edited(**{f"line_{ORPHAN}": LINES[ORPHAN] + "  #journeyctl: disable-line"})
    assert found_codes(lint_text(cli, tmp_path, lines)) == ["JM101", "JM107", "JM119"]


def test_disable_enable_range(cli, tmp_path):
    lines = edited(
        **{
            f"before_{BUY}": "  # journeyctl: disable=JM107",
            f"before_{NOTE}": "  # journeyctl: enable=JM107",
        }
    )
    # `orphan` is inside the range; `note` after it.
    findings = lint_text(cli, tmp_path, lines)
    assert found_codes(findings) == ["JM101", "JM107", "JM109", "JM119"]
    assert [m for c, _, m in findings if c == "JM107"] == [
        "touchpoint `note` cannot be reached from any entry"
    ]


def test_disable_without_enable_runs_to_the_end(cli, tmp_path):
    lines = edited(**{f"before_{ORPHAN}": "# journeyctl: disable=JM107"})
    assert found_codes(lint_text(cli, tmp_path, lines)) == ["JM101", "JM109", "JM119"]


def test_disable_file(cli, tmp_path):
    assert lint_text(cli, tmp_path, ["# journeyctl: disable-file", *LINES]) == []
    lines = ["# journeyctl: disable-file=JM107,JM119", *LINES]
    assert found_codes(lint_text(cli, tmp_path, lines)) == ["JM101", "JM109"]


def test_disable_silences_source_rule_findings_too(cli, tmp_path):
    lines = edited(
        **{
            f"line_{BUY}": LINES[BUY].replace("}", ", colour: red}")
            + "  # journeyctl: disable-line=JM010"
        }
    )
    findings = lint_text(cli, tmp_path, lines)
    assert "JM010" not in found_codes(findings) and "JM030" not in found_codes(findings)


@pytest.mark.parametrize(
    ("comment", "message"),
    [
        ("# journeyctl: disable-line=JM102", "`disable-line=JM102` suppresses nothing"),
        ("# journeyctl: disable-line", "`disable-line` suppresses nothing"),
        ("# journeyctl: disable-line=JM999", "`disable-line=JM999` names no journeyctl rule"),
        ("# journeyctl: enable=JM101", "`enable=JM101` closes no `disable`"),
    ],
)
def test_unused_disable_is_reported_where_the_comment_stands(cli, tmp_path, comment, message):
    lines = edited(**{f"line_{BUY - 1}": LINES[BUY - 1] + "  " + comment})
    findings = lint_text(cli, tmp_path, lines)
    unused = [(line, m) for code, line, m in findings if code == "JM030"]
    assert unused == [(BUY, message)]
    assert "JM101" in found_codes(findings)


def test_a_used_and_an_unused_code_in_one_comment(cli, tmp_path):
    lines = edited(**{f"line_{BUY}": LINES[BUY] + "  # journeyctl: disable-line=JM101,JM105"})
    findings = lint_text(cli, tmp_path, lines)
    assert [(c, m) for c, _, m in findings if c in ("JM101", "JM030")] == [
        ("JM030", "`disable-line=JM105` suppresses nothing")
    ]


def test_unused_disable_can_be_ignored_by_configuration(cli, tmp_path):
    lines = edited(**{f"line_{BUY}": LINES[BUY] + "  # journeyctl: disable-line=JM102"})
    path = tmp_path / "map.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = cli("validate", path, "--format", "json", "--ignore", "JM030")
    assert "JM030" not in {f["code"] for f in json.loads(r.out)["findings"]}


def test_logic_disables_are_not_called_unused_when_logic_rules_did_not_run(cli, tmp_path):
    lines = edited(
        **{
            f"line_{ORPHAN}": LINES[ORPHAN] + "  # journeyctl: disable-line=JM109",
            f"line_{NOTE}": LINES[NOTE].replace("passive", "pasive"),  # a schema error
        }
    )
    assert found_codes(lint_text(cli, tmp_path, lines)) == ["JM013"]


def test_comment_parsing_ignores_quoted_hashes():
    text = (
        'name: "a # journeyctl: disable-file"\n'
        "note: 'x' # journeyctl: disable-line=JM101\n"
        "url: http://x#journeyctl:disable-file\n"
        "# journeyctl: disable=JM1O1,JM102 because legacy\n"
    )
    found = [(d.kind, d.codes, d.span.line, d.span.col) for d in directives("f", text)]
    assert found == [
        ("disable-line", ("JM101",), 2, 11),
        ("disable", ("JM1O1", "JM102"), 4, 1),
    ]
