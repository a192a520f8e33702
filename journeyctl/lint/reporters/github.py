"""GitHub Actions workflow commands: one `::error …::message` annotation line per finding.

Escaped as GitHub documents (`%`, CR and LF in data; also `:` and `,` in properties), so a
name cannot end the line or start another command; control characters in the message are
shown as `\\xNN`, as on a terminal.
"""

from __future__ import annotations

from typing import TextIO

from journeyctl.core.escape import printable
from journeyctl.core.findings import Finding, Severity
from journeyctl.lint.engine import LintReport
from journeyctl.lint.reporters import Reporter
from journeyctl.lint.reporters.location import repo_relative

COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


class GithubReporter(Reporter):
    def write(self, report: LintReport, out: TextIO) -> None:
        for f in report.findings:
            out.write(annotation(f) + "\n")


def annotation(f: Finding) -> str:
    """The workflow command for `f`, its file relative to the repository root."""
    s = f.span
    props = {
        "file": repo_relative(s.file) or s.file,
        "line": s.line,
        "col": s.col,
        "endLine": s.end_line,
        "endColumn": s.end_col,
        "title": f"{f.code} {f.slug}",
    }
    head = ",".join(f"{k}={escape_property(str(v))}" for k, v in props.items())
    message = f"{f.message}\n{f.hint}" if f.hint else f.message
    return f"::{COMMAND[f.severity]} {head}::{escape_data(printable(message))}"
