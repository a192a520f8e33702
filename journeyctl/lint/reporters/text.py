"""Text output for people: findings grouped by file, with hints and a summary line, printed on
the rich console the caller gives (which decides colour and width). A finding's message and
hint are one line each, whatever line breaks the map's text holds."""

from __future__ import annotations

from itertools import groupby

from rich.console import Console
from rich.text import Text

from journeyctl.core.findings import Severity, one_line
from journeyctl.lint.engine import LintReport
from journeyctl.lint.reporters import Reporter

STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


class TextReporter(Reporter):
    machine = False

    def write(self, report: LintReport, out: Console) -> None:
        """Print `report` on `out`, the console the CLI chose for it."""
        for file, group in groupby(report.findings, key=lambda f: f.span.file):
            out.print(Text(file, style="bold underline"))
            for f in group:
                line = Text("  ")
                line.append(f"{f.span.line}:{f.span.col}".ljust(8), style="dim")
                line.append(f.severity.label.ljust(8), style=STYLE[f.severity])
                line.append(f"{f.code} ", style="bold")
                line.append(f"{f.slug}  ", style="dim")
                line.append(one_line(f.message))
                out.print(line)
                if f.hint:
                    out.print(Text(f"{'':18}hint: {one_line(f.hint)}", style="dim"))
            out.print()
        for catalogue, files in report.dependents.items():
            n = len(files)
            also = f"also checked {n} file{'s' * (n != 1)} that include{'s' * (n == 1)} {catalogue}"
            out.print(Text(also, style="dim"))
        out.print(summary(report))


def summary(report: LintReport) -> Text:
    """`N files checked: 1 error, 2 warnings, 0 info` (and `; N other YAML files skipped`),
    coloured by the worst."""
    counts = {s: report.count(s) for s in Severity}
    n = len(report.files)
    parts = [
        f"{counts[Severity.ERROR]} error{'s' * (counts[Severity.ERROR] != 1)}",
        f"{counts[Severity.WARNING]} warning{'s' * (counts[Severity.WARNING] != 1)}",
        f"{counts[Severity.INFO]} info",
    ]
    style = STYLE.get(report.worst, "bold green") if report.worst else "bold green"
    verdict = "✓ " if not counts[Severity.ERROR] else "✗ "
    line = f"{verdict}{n} file{'s' * (n != 1)} checked: {', '.join(parts)}"
    if skipped := len(report.skipped):
        line += f"; {skipped} other YAML file{'s' * (skipped != 1)} skipped"
    return Text(line, style=style)
