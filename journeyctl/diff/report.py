"""`journeyctl diff` output: text for people, Markdown for a pull-request comment, JSON.

Text and Markdown show control characters in the maps' text as `\\xNN` (`printable`), so a
name cannot clear or retitle the terminal they are read on; JSON escapes them itself.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from journeyctl.core.escape import md_cell, printable
from journeyctl.diff.compare import EntityChange, FieldChange, MapDiff

FORMATS = ("text", "json", "markdown")


def write(diff: MapDiff, fmt: str, out: TextIO) -> None:
    """Write `diff` to `out` in format `fmt` (one of FORMATS)."""
    if fmt == "json":
        out.write(json.dumps(diff.as_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    elif fmt == "markdown":
        out.write(printable(markdown(diff)))
    else:
        out.write(printable(text(diff)))


def value(v: Any) -> str:
    """A value as written in a map: `true`, `3`, `0.5`, `[a, b]`, `"text"`, `—` for absent."""
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ", ".join(value(i) for i in v) + "]"
    return str(v)


def _change(f: FieldChange) -> str:
    delta = f" ({f.delta:+g})" if f.delta is not None else ""
    return f"{f.path}: {value(f.old)} → {value(f.new)}{delta}"


def _summary(diff: MapDiff) -> str:
    counts = {
        s: sum(1 for e in diff.entities if e.status == s) for s in ("added", "removed", "changed")
    }
    new = sum(1 for c in diff.findings if c.status == "new")
    parts = [f"{n} {s}" for s, n in counts.items()]
    return f"{', '.join(parts)}; findings: {new} new, {len(diff.findings) - new} resolved"


def text(diff: MapDiff) -> str:
    lines = [f"{diff.old} → {diff.new}"]
    if diff.empty:
        return "\n".join([*lines, "no differences", ""])
    lines += [f"+ file {f}" for f in diff.files_added]
    lines += [f"- file {f}" for f in diff.files_removed]
    lines += [f"? file {f}: not readable as YAML on one side" for f in diff.unreadable]
    sign = {"added": "+", "removed": "-", "changed": "~"}
    file = None
    for e in diff.entities:
        if e.file != file:
            file = e.file
            lines += ["", file]
        lines.append(f"  {sign[e.status]} {e.kind} {e.id}")
        lines += [f"      {_change(f)}" for f in e.fields]
    if diff.findings:
        lines += ["", "findings"]
        for c in diff.findings:
            f = c.finding
            mark = "+" if c.status == "new" else "✓"
            lines.append(
                f"  {mark} {c.status:8} {f.span.file}:{f.span.line} {f.severity.label} "
                f"{f.code} {f.slug}: {f.message}"
            )
    lines += ["", _summary(diff), ""]
    return "\n".join(lines)


def _entity_row(e: EntityChange) -> str:
    fields = [f for f in e.fields if f.category == "field"]
    detail = "<br>".join(md_cell(_change(f)) for f in fields)
    if not detail and e.status == "changed":
        detail = "numbers only (below)"
    return f"| {e.status} | {e.kind} | `{md_cell(e.id)}` | `{md_cell(e.file)}` | {detail} |"


def markdown(diff: MapDiff) -> str:
    lines = [f"## Journey map changes: `{md_cell(diff.old)}` → `{md_cell(diff.new)}`", ""]
    if diff.empty:
        return "\n".join([*lines, "No differences.", ""])
    lines += [f"**{_summary(diff)}**", ""]
    files = [("added", f) for f in diff.files_added] + [("removed", f) for f in diff.files_removed]
    files += [("unreadable", f) for f in diff.unreadable]
    if files:
        lines += ["### Files", ""] + [f"- {s}: `{md_cell(f)}`" for s, f in files] + [""]
    if diff.entities:
        lines += [
            "### Structure",
            "",
            "| change | kind | id | file | fields |",
            "|---|---|---|---|---|",
        ]
        lines += [_entity_row(e) for e in diff.entities] + [""]
    numeric = list(diff.numeric())
    if numeric:
        lines += [
            "### Weights, emotions and affinities",
            "",
            "| kind | id | field | old | new | change |",
            "|---|---|---|---|---|---:|",
        ]
        for e, f in numeric:
            delta = f"{f.delta:+g}" if f.delta is not None else ""
            lines.append(
                f"| {e.kind} | `{md_cell(e.id)}` | `{md_cell(f.path)}` | {md_cell(value(f.old))} "
                f"| {md_cell(value(f.new))} | {delta} |"
            )
        lines.append("")
    for status, title in (("new", "New findings"), ("resolved", "Resolved findings")):
        changes = [c for c in diff.findings if c.status == status]
        if changes:
            lines += [
                f"### {title}",
                "",
                "| severity | rule | where | message |",
                "|---|---|---|---|",
            ]
            for c in changes:
                f = c.finding
                where = f"`{md_cell(f.span.file)}:{f.span.line}`"
                lines.append(
                    f"| {f.severity.label} | {f.code} {f.slug} | {where} | {md_cell(f.message)} |"
                )
            lines.append("")
    return "\n".join(lines)
