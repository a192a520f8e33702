"""The budgets report: every budget with its figure and margin (text and JSON), the verdict.

The findings of the breaches are written by validate's reporters (`journeyctl.lint.reporters`);
this module adds what only budgets have: the figures that hold as well as those that do not.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from journeyctl.budgets.config import CONVERSION, GAPS
from journeyctl.budgets.evaluate import Figure
from journeyctl.core.rounding import rounded
from journeyctl.lint.engine import LintReport


def verdict(figures: Sequence[Figure]) -> str:
    """`✓ all 7 budgets hold`, or `✗ 2 of 7 budgets breached`."""
    n, broken = len(figures), sum(not f.met for f in figures)
    noun = f"budget{'s' * (n != 1)}"
    return f"✗ {broken} of {n} {noun} breached" if broken else f"✓ all {n} {noun} hold"


def figure(f: Figure) -> str:
    """The figure: `7.42%`, `7.42% (6.90%–7.95%)` for an estimate, `2 gaps`."""
    if f.budget == GAPS:
        return f"{f.value:.0f} gap{'s' * (f.value != 1)}"
    if f.value is None:
        return "no walk met an emotion"
    shown = f"{f.value:.2%}"
    return shown if f.interval is None else f"{shown} ({f.interval[0]:.2%}–{f.interval[1]:.2%})"


def bound(f: Figure) -> str:
    """The bound: `≥ 9.00%`, `≤ 20.00%`, `none`."""
    if f.budget == GAPS:
        return "none"
    return f"{'≥' if f.budget == CONVERSION else '≤'} {f.bound:.2%}"


def margin(f: Figure) -> str:
    """The margin: `+1.23 pts` inside the budget, `−0.50 pts` outside; gaps as a count."""
    if f.margin is None:
        return "–"
    if f.budget == GAPS:
        return f"{f.margin:+.0f}".replace("-", "−")
    return f"{f.margin * 100:+.2f} pts".replace("-", "−")


def write_text(figures: Sequence[Figure], report: LintReport, console: Console) -> None:
    """The budgets as a table, the findings of the breaches as validate prints them, the
    verdict."""
    from journeyctl.lint.reporters.text import TextReporter

    table = Table("map", "budget", "persona", "subject", "figure", "bound", "margin", "")
    for f in figures:
        status = Text("✓", style="green") if f.met else Text("✗", style="bold red")
        cells = (f.map, f.budget, f.persona or "", f.subject or "")
        table.add_row(*map(Text, cells), figure(f), bound(f), margin(f), status)
    console.print(table)
    if report.findings:
        console.print()
        TextReporter().write(report, console)
    console.print(Text(verdict(figures), style="bold red" if report.findings else "bold green"))


def write_json(figures: Sequence[Figure], report: LintReport, out: TextIO) -> None:
    """`{"version", "files", "budgets": [...], "findings": [...], "summary"}`: sorted keys,
    shares rounded to 6 decimals."""
    doc = {
        "version": 1,
        "files": report.files,
        "budgets": [
            {
                "budget": f.budget,
                "map": f.map,
                "persona": f.persona,
                "subject": f.subject,
                "value": rounded(f.value),
                "interval": None if f.interval is None else [round(x, 6) for x in f.interval],
                "bound": f.bound,
                "margin": rounded(f.margin),
                "met": f.met,
                "set_at": f.set_at,
            }
            for f in figures
        ],
        "findings": [f.as_dict() for f in report.findings],
        "summary": {
            "budgets": len(figures),
            "breached": sum(not f.met for f in figures),
            "findings": len(report.findings),
        },
    }
    out.write(json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
