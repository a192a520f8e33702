"""Machine and document output of a gap report: JSON, CSV, Markdown, HTML and concise lines.

Every writer is deterministic: gaps in report order, sorted keys, fixed float formatting.
The map's text is kept text: control characters shown as `\\xNN` in CSV and Markdown, CSV
cells that a spreadsheet would read as a formula prefixed with `'`, HTML escaped.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable
from html import escape
from typing import TextIO

from journeyctl.core.escape import csv_cell, md_cell, printable
from journeyctl.core.findings import Severity, concise
from journeyctl.core.span import Span
from journeyctl.gaps.model import Gap, GapReport

ICON = {Severity.ERROR: "🔴", Severity.WARNING: "🟠", Severity.INFO: "🔵"}
CSV_FIELDS = (
    "code",
    "slug",
    "family",
    "severity",
    "persona",
    "stage",
    "touchpoints",
    "impact",
    "message",
    "recommendation",
    "file",
    "line",
)


def to_dict(report: GapReport) -> dict:
    return {
        "version": 1,
        "map": report.map_name,
        "files": list(report.files),
        "summary": {s.label: report.count(s) for s in reversed(Severity)},
        "personas": [s.as_dict() for s in report.summaries()],
        "gaps": [g.as_dict() for g in report.gaps],
    }


def write_json(report: GapReport, out: TextIO) -> None:
    out.write(json.dumps(to_dict(report), indent=2, sort_keys=True, ensure_ascii=False) + "\n")


def _cell(value: object) -> object:
    """A CSV cell: text printable and inert in a spreadsheet; numbers as they are."""
    return csv_cell(printable(value)) if isinstance(value, str) else value


def write_csv(report: GapReport, out: TextIO) -> None:
    """One row per gap; touchpoints space-separated; where = the first evidence."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for g in report.gaps:
        span = g.span
        what = (g.code, g.slug, g.family, g.severity.label, g.persona or "", g.stage or "")
        writer.writerow(
            [
                *map(_cell, what),
                _cell(" ".join(g.touchpoints)),
                f"{g.impact:.4f}",  # a number: never a formula
                _cell(g.message),
                _cell(g.recommendation),
                _cell(span.file) if span else "",
                span.line if span else "",
            ]
        )


def write_matrix(rows: list[dict], out: TextIO) -> None:
    """The coverage matrix (`coverage.matrix`) as CSV."""
    fields = (
        "persona",
        "stage",
        "channel",
        "screen",
        "touchpoints",
        "channel_affinity",
        "screen_affinity",
    )
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(fields)
    for row in rows:
        writer.writerow(
            [f"{row[f]:g}" if isinstance(row[f], float) else _cell(row[f]) for f in fields]
        )


def sections(report: GapReport) -> list[tuple[str, list[Gap]]]:
    """(heading, gaps): the shared gaps first, then each persona's (the report's, then any
    other a gap names)."""
    out = [("All personas", report.of(None))] if report.of(None) else []
    others = sorted({g.persona for g in report.gaps if g.persona} - set(report.personas))
    for p in (*report.personas, *others):
        out.append((f"{report.persona_names.get(p, p)} ({p})", report.of(p)))
    return out


def tally(report: GapReport) -> str:
    """`11 gaps: 1 error, 6 warnings, 4 info`."""
    n = len(report.gaps)
    parts = [
        f"{report.count(s)} {s.label}{'s' * (s != Severity.INFO and report.count(s) != 1)}"
        for s in reversed(Severity)
    ]
    return f"{n} gap{'s' * (n != 1)}: {', '.join(parts)}"


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def write_markdown(report: GapReport, out: TextIO) -> None:
    """A pull-request comment: summary table, then a table per persona with details folded."""
    families = report.families
    w = out.write
    w(f"## Journey gaps: {md_cell(report.map_name)}\n\n{tally(report)}.\n\n")
    if report.personas:
        w("| persona | conversion | " + " | ".join(families) + " |\n")
        w("|---|---:|" + "---:|" * len(families) + "\n")
        for s in report.summaries():
            cells = " | ".join(str(s.counts[f]) for f in families)
            w(f"| {md_cell(s.name)} | {percent(s.conversion)} | {cells} |\n")
        w("\n")
    for heading, gaps in sections(report):
        w(f"### {md_cell(heading)}\n\n")
        if not gaps:
            w("No gaps.\n\n")
            continue
        w("| | code | stage | touchpoints | gap | impact |\n|---|---|---|---|---|---:|\n")
        for g in gaps:
            tps = ", ".join(f"`{t}`" for t in g.touchpoints)
            w(
                f"| {ICON[g.severity]} | {g.code} | {md_cell(g.stage or '')} | {tps} | "
                f"{md_cell(g.message)} | {g.impact:.0%} |\n"
            )
        w("\n<details><summary>Evidence and recommendations</summary>\n\n")
        for g in gaps:
            w(
                f"- **{g.code} {g.slug}** ({g.severity.label}): {md_cell(g.message)}  \n"
                f"  _Do:_ {md_cell(g.recommendation)}\n"
            )
            for e in g.evidence:
                w(f"  - `{e.span.file}:{e.span.line}` {md_cell(e.note)}\n")
        w("\n</details>\n\n")


def _html(text: str) -> str:
    """Text as HTML, `code` spans as <code>."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", escape(text))


def html_body(report: GapReport) -> str:
    """The report as an HTML fragment, for `journeyctl.render.html.page`."""
    families = report.families
    parts = [
        f"<h1>Journey gaps: {escape(report.map_name)}</h1>",
        '<dl class="counts">'
        + "".join(
            f"<div><dt>{s.label}</dt><dd>{report.count(s)}</dd></div>" for s in reversed(Severity)
        )
        + "</dl>",
    ]
    if report.personas:
        head = "".join(f"<th>{escape(f)}</th>" for f in families)
        rows = "".join(
            f"<tr><td>{escape(s.name)}</td><td>{percent(s.conversion)}</td>"
            + "".join(f"<td>{s.counts[f]}</td>" for f in families)
            + "</tr>"
            for s in report.summaries()
        )
        parts.append(
            f'<table class="data"><thead><tr><th>persona</th><th>conversion</th>{head}'
            f"</tr></thead><tbody>{rows}</tbody></table>"
        )
    for heading, gaps in sections(report):
        parts.append(f"<h2>{escape(heading)}</h2>")
        if not gaps:
            parts.append("<p>No gaps.</p>")
            continue
        rows = []
        for g in gaps:
            evidence = "".join(
                f"<li><code>{escape(e.span.file)}:{e.span.line}</code> {_html(e.note)}</li>"
                for e in g.evidence
            )
            rows.append(
                f"<tr><td>{ICON[g.severity]} {g.severity.label}</td><td>{g.code}</td>"
                f"<td>{escape(g.stage or '')}</td><td>{escape(', '.join(g.touchpoints))}</td>"
                f"<td>{_html(g.message)}<details><summary>evidence and recommendation"
                f"</summary><p>{_html(g.recommendation)}</p><ul>{evidence}</ul></details></td>"
                f"<td>{g.impact:.0%}</td></tr>"
            )
        parts.append(
            '<table class="data"><thead><tr><th>severity</th><th>code</th><th>stage'
            "</th><th>touchpoints</th><th>gap</th><th>impact</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
        )
    return "\n".join(parts)


def write_html(report: GapReport, out: TextIO) -> None:
    from journeyctl.render.html import page

    out.write(page(f"Journey gaps: {report.map_name}", html_body(report)))


def write_concise(report: GapReport, out: TextIO) -> None:
    """One line per gap, `path:line:col: CODE [severity] message`, at its first evidence (a gap
    without any at its map file's 1:1)."""
    for g in report.gaps:
        span = g.span or Span.point(report.files[0], 1, 1)
        out.write(concise(g.code, g.severity, g.message, span) + "\n")


WRITERS: dict[str, Callable[[GapReport, TextIO], None]] = {
    "json": write_json,
    "csv": write_csv,
    "markdown": write_markdown,
    "html": write_html,
    "concise": write_concise,
}
