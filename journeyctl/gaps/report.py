"""The gap report for people: rich text, a summary per persona, then each section's gaps
(its first `markov.text.TOP_ROWS`, worst first, and how many more: `-f json` has them all)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from journeyctl.core.findings import Severity
from journeyctl.gaps.formats import percent, sections, tally
from journeyctl.gaps.model import Gap, GapReport
from journeyctl.markov.text import print_top

STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def print_report(report: GapReport, console: Console) -> None:
    """The report on `console`, which the caller chooses (it decides colour and width)."""
    console.print(Text(f"Gaps in {report.map_name}", style="bold underline"))
    if report.summaries():
        table = Table("persona", "conversion", *report.families, box=None, pad_edge=False)
        for s in report.summaries():
            table.add_row(
                Text(s.name), percent(s.conversion), *(str(s.counts[f]) for f in report.families)
            )
        console.print(table)
    for heading, gaps in sections(report):
        console.print()
        console.print(Text(heading, style="bold"))
        if not gaps:
            console.print(Text("  no gaps", style="dim"))
            continue
        table = Table(box=None, show_header=False, pad_edge=False, padding=(0, 1, 1, 1))
        table.add_column(no_wrap=True)
        table.add_column(no_wrap=True)
        table.add_column(ratio=1)
        table.add_column(justify="right", no_wrap=True)
        print_top(console, table, map(_row, gaps), len(gaps))
    console.print(summary(report))


def _row(g: Gap) -> tuple[Text, Text, Text, str]:
    """One gap's cells: severity, code and slug, message with where and what to do, impact."""
    body = Text(g.message)
    if g.span is not None:
        body.append(f"\nat {g.span.file}:{g.span.line}", style="dim")
    body.append(f"\ndo: {g.recommendation}", style="dim")
    severity = Text(g.severity.label, style=STYLE[g.severity])
    return severity, Text(f"{g.code}\n{g.slug}", style="bold"), body, f"{g.impact:.0%}"


def summary(report: GapReport) -> Text:
    """The tally, coloured by the worst severity."""
    style = STYLE.get(report.worst, "bold green") if report.worst else "bold green"
    return Text(tally(report), style=style)
