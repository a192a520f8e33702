"""JSON output: stable and sorted, for machines."""

from __future__ import annotations

import json
from typing import TextIO

from journeyctl.core.findings import Severity
from journeyctl.lint.engine import LintReport
from journeyctl.lint.reporters import Reporter


class JsonReporter(Reporter):
    def write(self, report: LintReport, out: TextIO) -> None:
        doc = {
            "version": 1,
            "files": report.files,
            "summary": {s.label: report.count(s) for s in reversed(Severity)},
            "findings": [f.as_dict() for f in report.findings],
            "skipped": report.skipped,
        }
        out.write(json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
