"""GitLab Code Quality: the subset of the Code Climate issue format that GitLab reads.

A JSON array of issues with `description`, `check_name`, `fingerprint`, `severity` and
`location` (`path` relative to the repository root, `lines.begin`); see docs/ci.md.
"""

from __future__ import annotations

import json
from typing import TextIO

from journeyctl.core.findings import Finding, Severity
from journeyctl.lint.engine import LintReport
from journeyctl.lint.project import repo_root
from journeyctl.lint.reporters import Reporter
from journeyctl.lint.reporters.fingerprint import fingerprints
from journeyctl.lint.reporters.location import repo_relative

SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}
"""GitLab's scale is info, minor, major, critical, blocker; major is what ruff gives a violation."""


class GitlabReporter(Reporter):
    def write(self, report: LintReport, out: TextIO) -> None:
        root = repo_root()
        paths = [repo_relative(f.span.file, root) or f.span.file for f in report.findings]
        issues = [
            _issue(f, path, fp)
            for f, path, fp in zip(
                report.findings, paths, fingerprints(report.findings, paths), strict=True
            )
        ]
        out.write(json.dumps(issues, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


def _issue(f: Finding, path: str, fingerprint: str) -> dict:
    """`f` as an issue; the description starts with the rule, as GitLab shows no check name."""
    hint = f" (hint: {f.hint})" if f.hint else ""
    return {
        "check_name": f.code,
        "description": f"{f.code} {f.slug}: {f.message}{hint}",
        "fingerprint": fingerprint,
        "severity": SEVERITY[f.severity],
        "location": {"path": path, "lines": {"begin": f.span.line}},
    }
