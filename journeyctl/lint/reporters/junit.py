"""JUnit XML: a test suite per file, a test case per finding (one passing case for a clean file).

The findings that fail the run (at or above the fail level) are `<failure>`s, so the report
agrees with the exit code; the others pass, their text in `<system-out>`. Characters XML 1.0
forbids are written as visible `\\xNN` escapes.
"""

from __future__ import annotations

from itertools import groupby
from typing import TextIO
from xml.etree import ElementTree as ET

from journeyctl.core.escape import xml_text
from journeyctl.core.findings import Finding
from journeyctl.lint.engine import LintReport
from journeyctl.lint.reporters import Reporter


class JunitReporter(Reporter):
    def write(self, report: LintReport, out: TextIO) -> None:
        by_file = {
            file: list(group) for file, group in groupby(report.findings, key=lambda f: f.span.file)
        }
        files = sorted(set(report.files) | set(by_file))
        suites = [self._suite(file, by_file.get(file, [])) for file in files]
        root = ET.Element(
            "testsuites",
            name=self.command,
            tests=str(sum(int(s.get("tests")) for s in suites)),
            failures=str(sum(int(s.get("failures")) for s in suites)),
            errors="0",
        )
        root.extend(suites)
        ET.indent(root)
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        out.write(ET.tostring(root, encoding="unicode") + "\n")

    def _suite(self, file: str, findings: list[Finding]) -> ET.Element:
        """The suite of `file`: a case per finding, failed when it fails the run."""
        suite = ET.Element(
            "testsuite",
            name=xml_text(file),
            tests=str(max(len(findings), 1)),
            failures=str(sum(f.severity >= self.fail_level for f in findings)),
            errors="0",
            skipped="0",
        )
        if not findings:
            ET.SubElement(suite, "testcase", classname=xml_text(file), name=self.command)
        for f in findings:
            s = f.span
            case = ET.SubElement(
                suite,
                "testcase",
                classname=xml_text(file),
                name=xml_text(f"{f.code} {f.slug} at {s.line}:{s.col}"),
            )
            details = f"{s}: {f.severity.label} {f.code} {f.slug}: {f.message}"
            details += f"\nhint: {f.hint}" if f.hint else ""
            if f.severity >= self.fail_level:
                failure = ET.SubElement(
                    case, "failure", message=xml_text(f.message), type=f"{f.code} {f.slug}"
                )
                failure.text = xml_text(details)
            else:
                ET.SubElement(case, "system-out").text = xml_text(details)
        return suite
