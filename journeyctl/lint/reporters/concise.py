"""One line per finding, `path:line:col: CODE [severity] message`, and nothing else."""

from __future__ import annotations

from typing import TextIO

from journeyctl.core.findings import concise
from journeyctl.lint.engine import LintReport
from journeyctl.lint.reporters import Reporter


class ConciseReporter(Reporter):
    def write(self, report: LintReport, out: TextIO) -> None:
        for f in report.findings:
            out.write(concise(f.code, f.severity, f.message, f.span) + "\n")
