"""SARIF 2.1.0 output, for GitHub code scanning and other SARIF viewers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TextIO

from journeyctl.core.codes import Rule
from journeyctl.core.findings import Finding, Severity
from journeyctl.core.span import Span
from journeyctl.lint.engine import LintReport
from journeyctl.lint.project import repo_root
from journeyctl.lint.reporters import Reporter
from journeyctl.lint.reporters.fingerprint import fingerprints
from journeyctl.lint.reporters.location import repo_relative, uri_reference

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


class SarifReporter(Reporter):
    def write(self, report: LintReport, out: TextIO) -> None:
        from journeyctl import __version__
        from journeyctl.lint.rules import all_rules

        rules = list((self.rules or all_rules()).values())
        index = {r.code: i for i, r in enumerate(rules)}
        root = repo_root()
        rels = [repo_relative(f.span.file, root) for f in report.findings]
        names = [rel or f.span.file for rel, f in zip(rels, report.findings, strict=True)]
        prints = fingerprints(report.findings, names)
        run = {
            "tool": {
                "driver": {
                    "name": "journeyctl",
                    "version": __version__,
                    "rules": [_rule(r) for r in rules],
                }
            },
            "originalUriBaseIds": {"%SRCROOT%": {"uri": root.as_uri() + "/"}},
            "columnKind": "unicodeCodePoints",
            "results": [
                _result(f, index[f.code], rel, fp)
                for f, rel, fp in zip(report.findings, rels, prints, strict=True)
            ],
        }
        doc = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
        out.write(json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


def _rule(rule: Rule) -> dict:
    return {
        "id": rule.code,
        "name": rule.slug,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.description},
        "help": {"text": rule.description, "markdown": _markdown(rule)},
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {"tags": ["journeyctl"]},
    }


def _markdown(rule: Rule) -> str:
    """The rule's docs with each `::` example as a YAML code block."""
    out: list[str] = []
    in_code = False
    for line in rule.description.splitlines():
        if in_code and line and not line.startswith(" "):
            _close(out)
            in_code = False
        if line.endswith("::"):
            out += [line[:-1], "", "```yaml"]
            in_code = True
        elif in_code:
            if line or out[-1] != "```yaml":
                out.append(line[4:])
        else:
            out.append(line)
    if in_code:
        _close(out)
    return "\n".join(out).strip()


def _close(out: list[str]) -> None:
    while out and not out[-1]:
        out.pop()
    out += ["```", ""]


def _result(f: Finding, rule_index: int, rel: str | None, fingerprint: str) -> dict:
    """`f` as a result; `rel` is its file relative to the repository root (None outside it)."""
    s = f.span
    artifact = (
        {"uri": uri_reference(rel), "uriBaseId": "%SRCROOT%"}
        if rel
        else {"uri": Path(s.file).resolve().as_uri()}
    )
    message = f"{f.message} (hint: {f.hint})" if f.hint else f.message
    return {
        "ruleId": f.code,
        "ruleIndex": rule_index,
        "level": LEVEL[f.severity],
        "message": {"text": message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": artifact,
                    "region": _region(s),
                }
            }
        ],
        "partialFingerprints": {"journeyctl/v1": fingerprint},
    }


def _region(s: Span) -> dict:
    end = (
        (s.end_line, s.end_col)
        if (s.end_line, s.end_col) > (s.line, s.col)
        else (s.line, s.col + 1)
    )
    return {"startLine": s.line, "startColumn": s.col, "endLine": end[0], "endColumn": end[1]}
