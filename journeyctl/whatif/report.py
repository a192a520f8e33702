"""`journeyctl compare` output: text for people, JSON for programs, Markdown for a pull request.

Figures in JSON are rounded to 6 decimals as `simulate -f json` rounds them, and an exact
change is the difference of the rounded figures, so old + change = new in the file. Text and
Markdown show shares in percent and their changes in points.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from journeyctl.core.escape import md_cell
from journeyctl.core.rounding import rounded
from journeyctl.diff import report as diff_report
from journeyctl.gaps import Gap
from journeyctl.whatif.effect import Change, Effect, Paired, PersonaEffect

FORMATS = ("text", "json", "markdown")
INTERVAL = (
    "95% interval: mean of the per-walk differences (new − old) ± 1.96 × sd / √n; both maps "
    "are walked with the same random numbers (common random numbers)"
)


# --- JSON ------------------------------------------------------------------------------------


def to_json(effect: Effect) -> str:
    r = effect.request
    doc = {
        "version": 1,
        "old": effect.old,
        "new": effect.new,
        "runs": r.runs,
        "seed": r.seed,
        "cycles": r.cycles,
        "max_steps": r.max_steps,
        "interval": INTERVAL,
        "personas": [_persona_dict(p) for p in effect.personas],
        "not_compared": [{"persona": s.persona, "reason": s.reason} for s in effect.skipped],
        "gaps": {
            "resolved": [g.as_dict() for g in effect.resolved],
            "introduced": [g.as_dict() for g in effect.introduced],
        },
        "diff": effect.diff.as_dict(),
    }
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"


def _change(c: Change) -> dict[str, float | None]:
    old, new = rounded(c.old), rounded(c.new)
    change = None if old is None or new is None else round(new - old, 6)
    return {"old": old, "new": new, "change": change}


def _paired(p: Paired | None) -> dict[str, float | None] | None:
    if p is None:
        return None
    return {k: rounded(getattr(p, k)) for k in ("old", "new", "change", "low", "high")}


def _persona_dict(p: PersonaEffect) -> dict[str, Any]:
    e = p.exact
    return {
        "persona": p.persona,
        "name": p.name,
        "exact": {
            "conversion": _change(e.conversion),
            "expected_steps": _change(e.expected_steps),
            "steps_to_convert": _change(e.steps_to_convert),
            "time_to_convert_hours": _change(e.time_to_convert),
            "after_stage_reach": {s: _change(c) for s, c in e.stage_reach.items()},
            "retention": [{"cycle": k, **_change(c)} for k, c in enumerate(e.retention, 1)],
        },
        "monte_carlo": None
        if p.conversion is None
        else {"conversion": _paired(p.conversion), "steps_per_walk": _paired(p.steps)},
    }


# --- shared by text and Markdown -------------------------------------------------------------


def _share(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.2f}%"


def _points(x: float | None) -> str:
    return "–" if x is None else f"{_unsigned_zero(100 * x):+.2f} pts"


def _plain(x: float | None, unit: str = "") -> str:
    return "–" if x is None else f"{x:.2f}{unit}"


def _signed(x: float | None, unit: str = "") -> str:
    return "–" if x is None else f"{_unsigned_zero(x):+.2f}{unit}"


def _unsigned_zero(x: float) -> float:
    """`x`, or 0.0 where it shows as zero in 2 decimals (no "-0.00")."""
    return x if abs(x) >= 0.005 else 0.0


def _walked(p: Paired | None, share: bool) -> tuple[str, str]:
    """The walked change and its interval, as text."""
    if p is None:
        return "", ""
    show = _points if share else _signed
    if p.low is None or p.high is None:
        return show(p.change), "–"
    return show(p.change), f"{show(p.low)} to {show(p.high)}"


def _rows(p: PersonaEffect) -> Iterator[tuple[str, ...]]:
    """Figure, old, new, exact change, walked change, its interval."""
    e = p.exact
    c = e.conversion
    yield ("conversion", _share(c.old), _share(c.new), _points(c.change),
           *_walked(p.conversion, share=True))  # fmt: skip
    s = e.expected_steps
    yield ("steps per walk", _plain(s.old), _plain(s.new), _signed(s.change),
           *_walked(p.steps, share=False))  # fmt: skip
    s = e.steps_to_convert
    yield "steps to convert", _plain(s.old), _plain(s.new), _signed(s.change), "", ""
    t = e.time_to_convert
    yield (
        "time to convert",
        _plain(t.old, " h"),
        _plain(t.new, " h"),
        _signed(t.change, " h"),
        "",
        "",
    )
    for k, r in enumerate(e.retention, 1):
        yield f"retention, cycle {k}", _share(r.old), _share(r.new), _points(r.change), "", ""


def _reach_rows(p: PersonaEffect, moved: bool = False) -> Iterator[tuple[str, str, str, str]]:
    """Reach after conversion per stage: every stage, or those whose reach `moved` (by 0.01
    points or more, or on one side only)."""
    for stage, r in p.exact.stage_reach.items():
        if not moved or r.change is None or abs(r.change) >= 5e-5:
            yield stage, _share(r.old), _share(r.new), _points(r.change)


def _where(g: Gap) -> str:
    return f"{g.span.file}:{g.span.line}" if g.span is not None else ""


def _subject(g: Gap) -> str:
    parts = [g.persona or "every persona", g.stage or "", ", ".join(g.touchpoints)]
    return " · ".join(x for x in parts if x)


# --- text ------------------------------------------------------------------------------------


def print_text(effect: Effect, console: Console) -> None:
    """The report on `console`, which the caller chooses (it decides colour and width)."""
    r = effect.request
    console.print(Text(f"Compare {effect.old} → {effect.new}", style="bold underline"))
    if r.runs:
        console.print(Text(f"{r.runs:,} walks per persona and map, seed {r.seed}; {INTERVAL}"))
    else:
        console.print(Text("exact figures only (--runs 0)"))
    for p in effect.personas:
        console.print()
        who = f"{p.name} ({p.persona})" if p.persona is not None else p.name
        console.print(Text(f"Persona: {who}", style="bold"))
        head = ("figure", "old (exact)", "new (exact)", "change")
        table = _table(*head, *(("walked change", "95% interval") if r.runs else ()))
        for row in _rows(p):
            table.add_row(*row[: len(table.columns)])
        console.print(table)
        if p.exact.stage_reach:
            table = _table("reach after conversion", "old", "new", "change")
            for row in _reach_rows(p):
                table.add_row(*row)
            console.print(table)
    for s in effect.skipped:
        console.print(Text(f"{s.persona}: {s.reason}", style="yellow"))
    for title, gaps in (("Gaps resolved", effect.resolved), ("Gaps introduced", effect.introduced)):
        console.print()
        console.print(Text(f"{title}: {len(gaps)}", style="bold"))
        for g in gaps:
            line = Text(f"  {g.code} {g.slug} ({g.severity.label}) {_subject(g)}: {g.message}")
            if g.span is not None:
                line.append(f"  at {_where(g)}", style="dim")
            console.print(line)
    console.print()
    console.print(Text("Structural diff", style="bold"))
    console.print(Text(diff_report.text(effect.diff).rstrip("\n")))


def _table(*columns: str) -> Table:
    table = Table()
    for i, c in enumerate(columns):
        table.add_column(c, justify="left" if i == 0 else "right")
    return table


# --- Markdown --------------------------------------------------------------------------------


def to_markdown(effect: Effect) -> str:
    r = effect.request
    lines = [f"## Effect of the change: `{md_cell(effect.old)}` → `{md_cell(effect.new)}`", ""]
    if r.runs:
        lines += [
            f"Exact figures of both maps; the walked change from {r.runs:,} walks per persona "
            f"and map (seed {r.seed}). {INTERVAL}.",
            "",
        ]
    for p in effect.personas:
        who = (
            f"{md_cell(p.name)} (`{md_cell(p.persona)}`)"
            if p.persona is not None
            else md_cell(p.name)
        )
        lines += [f"### {who}", ""]
        walked, rule = (" walked change (95% interval) |", "---:|") if r.runs else ("", "")
        lines += [f"| figure | old | new | change |{walked}", "|---|---:|---:|---:|" + rule]
        rows = list(_rows(p))
        rows += [(f"reach after conversion: {s}", *rest, "", "")
                 for s, *rest in _reach_rows(p, moved=True)]  # fmt: skip
        for figure, old, new, change, mc, interval in rows:
            tail = (f" {mc} ({interval}) |" if mc else " |") if r.runs else ""
            lines.append(f"| {md_cell(figure)} | {old} | {new} | {change} |{tail}")
        lines.append("")
    if effect.skipped:
        lines += ["Not compared: " + "; ".join(f"`{md_cell(s.persona)}` {md_cell(s.reason)}"
                                               for s in effect.skipped), ""]  # fmt: skip
    for title, gaps in (("Gaps introduced", effect.introduced), ("Gaps resolved", effect.resolved)):
        lines += [f"### {title}: {len(gaps)}", ""]
        if gaps:
            lines += ["| gap | severity | subject | message |", "|---|---|---|---|"]
            lines += [
                f"| {g.code} {g.slug} | {g.severity.label} | {md_cell(_subject(g))} "
                f"| {md_cell(g.message)} |"
                for g in gaps
            ]
            lines.append("")
    lines += ["<details><summary>Structural diff</summary>", "", diff_report.markdown(effect.diff),
              "</details>", ""]  # fmt: skip
    return "\n".join(lines)


def write(effect: Effect, fmt: str, out: TextIO) -> None:
    """`effect` as JSON or Markdown (one of FORMATS but text) to `out`."""
    out.write(to_json(effect) if fmt == "json" else to_markdown(effect))
