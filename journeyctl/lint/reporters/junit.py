"""JUnit XML: a test suite per file; a failed test case per finding, a passing one if none."""

from __future__ import annotations

from itertools import groupby
from typing import TextIO
from xml.etree import ElementTree as ET

from journeyctl.lint.engine import LintReport


class JunitReporter:
    machine = True

    def write(self, report: LintReport, out: TextIO) -> None:
        by_file = {
            file: list(group) for file, group in groupby(report.findings, key=lambda f: f.span.file)
        }
        files = sorted(set(report.files) | set(by_file))
        root = ET.Element(
            "testsuites",
            name="journeyctl validate",
            tests=str(sum(max(len(by_file.get(f, [])), 1) for f in files)),
            failures=str(len(report.findings)),
            errors="0",
        )
        for file in files:
            findings = by_file.get(file, [])
            suite = ET.SubElement(
                root,
                "testsuite",
                name=file,
                tests=str(max(len(findings), 1)),
                failures=str(len(findings)),
                errors="0",
                skipped="0",
            )
            if not findings:
                ET.SubElement(suite, "testcase", classname=file, name="journeyctl validate")
            for f in findings:
                s = f.span
                case = ET.SubElement(
                    suite,
                    "testcase",
                    classname=file,
                    name=f"{f.code} {f.slug} at {s.line}:{s.col}",
                    file=file,
                    line=str(s.line),
                )
                failure = ET.SubElement(
                    case, "failure", message=f.message, type=f"{f.code} {f.slug}"
                )
                details = [f"{s}: {f.severity.label} {f.code} {f.slug}: {f.message}"]
                if f.hint:
                    details.append(f"hint: {f.hint}")
                failure.text = "\n".join(details)
        ET.indent(root)
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        out.write(ET.tostring(root, encoding="unicode") + "\n")
