"""Text output for people: findings grouped by file, with hints and a summary line."""

from __future__ import annotations

from itertools import groupby
from typing import TextIO

from rich.console import Console
from rich.text import Text

from journeyctl.core.findings import Severity
from journeyctl.lint.engine import LintReport

STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


class TextReporter:
    machine = False

    def write(self, report: LintReport, out: TextIO) -> None:
        console = Console(file=out, highlight=False, soft_wrap=True)
        for file, group in groupby(report.findings, key=lambda f: f.span.file):
            console.print(Text(file, style="bold underline"))
            for f in group:
                line = Text("  ")
                line.append(f"{f.span.line}:{f.span.col}".ljust(8), style="dim")
                line.append(f.severity.label.ljust(8), style=STYLE[f.severity])
                line.append(f"{f.code} ", style="bold")
                line.append(f"{f.slug}  ", style="dim")
                line.append(f.message)
                console.print(line)
                if f.hint:
                    console.print(Text(f"{'':18}hint: {f.hint}", style="dim"))
            console.print()
        console.print(summary(report))


def summary(report: LintReport) -> Text:
    """`N files checked: 1 error, 2 warnings, 0 info`, coloured by the worst."""
    counts = {s: report.count(s) for s in Severity}
    n = len(report.files)
    parts = [
        f"{counts[Severity.ERROR]} error{'s' * (counts[Severity.ERROR] != 1)}",
        f"{counts[Severity.WARNING]} warning{'s' * (counts[Severity.WARNING] != 1)}",
        f"{counts[Severity.INFO]} info",
    ]
    style = STYLE.get(report.worst, "bold green") if report.worst else "bold green"
    verdict = "✓ " if not counts[Severity.ERROR] else "✗ "
    return Text(f"{verdict}{n} file{'s' * (n != 1)} checked: {', '.join(parts)}", style=style)
