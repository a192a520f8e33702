"""Simulation reports for people: rich tables, one block per persona."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from journeyctl.core.model import JourneyMap
from journeyctl.markov.summary import PersonaReport, Spread


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def _num(x: float | None, digits: int = 2) -> str:
    return "–" if x is None or x != x or x == float("inf") else f"{x:.{digits}f}"


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold", min_width=len(title) + 2)
    for i, c in enumerate(columns):
        table.add_column(c, justify="left" if i == 0 else "right", overflow="fold")
    return table


def _spread_row(table: Table, label: str, s: Spread | None, unit: str) -> None:
    if s is None:
        table.add_row(label, "–", "–", "–")
    else:
        table.add_row(label, *(f"{_num(v)}{unit}" for v in (s.mean, s.median, s.p90)))


def _shares(title: str, head: str, shares: dict[str, float], limit: int | None = None) -> Table:
    table = _table(title, head, "share")
    for key, v in sorted(shares.items(), key=lambda kv: -kv[1])[:limit]:
        table.add_row(Text(key), _pct(v))
    return table


def render_one(console: Console, jmap: JourneyMap, r: PersonaReport) -> None:
    """One persona's figures as tables on `console`."""
    who = jmap.persona.get(r.persona) if r.persona else None
    heading = f"{who.name} ({who.id})" if who else "map as-is (no persona)"
    console.print(Text(f"Persona: {heading} — {r.runs} walks", style="bold underline"))
    e = r.exact
    summary = _table("Outcome", "figure", "Monte Carlo", "95% interval", *(["exact"] if e else []))
    low, high = r.interval
    exact_col = [_pct(e.conversion)] if e else []
    summary.add_row("conversion", _pct(r.conversion), f"{_pct(low)} – {_pct(high)}", *exact_col)
    exact_col = [_num(e.expected_steps)] if e else []
    summary.add_row("steps per walk", _num(r.steps_per_walk), "", *exact_col)
    for name, count in r.outcomes.items():
        if count:
            label = f"ended: {name}"
            if name == "converted" and r.retention:
                label += f" (cycle {len(r.retention)})"
            summary.add_row(label, str(count), "", *([""] if e else []))
    console.print(summary)
    if r.retention:
        cycles = _table("Retention per cycle", "cycle", "converted", "vs previous",
                        *(["exact"] if e else []))  # fmt: skip
        for c in r.retention:
            exact_col = [_pct(e.retention[c.cycle - 1])] if e else []
            cycles.add_row(str(c.cycle), _pct(c.share), _pct(c.vs_previous), *exact_col)
        console.print(cycles)
    timing = _table("To convert", "", "mean", "median", "p90")
    _spread_row(timing, "steps", r.steps_to_convert, "")
    _spread_row(timing, "time (hours)", r.time_to_convert, " h")
    console.print(timing)
    console.print(_shares("Drop-off by stage", "stage", r.drop_off_by_stage))
    console.print(_shares("Drop-off by touchpoint (top 10)", "touchpoint",
                          r.drop_off_by_touchpoint, 10))  # fmt: skip
    paths = _table("Top paths", "path", "walks", "share")
    for p in r.top_paths:
        paths.add_row(Text(" → ".join([*p.touchpoints, p.outcome])), str(p.count), _pct(p.share))
    console.print(paths)
    console.print(_shares("Channel mix (share of visits)", "channel", r.channel_mix))
    if r.screen_mix:
        console.print(_shares("Screen mix (share of visits)", "screen", r.screen_mix))
    if r.moments_of_truth:
        console.print(_shares("Moments of truth reached", "touchpoint", r.moments_of_truth))
    if e:
        visits = _table("Visit probability", "touchpoint", "Monte Carlo", "exact")
        for tp, share in r.visit_share.items():
            visits.add_row(Text(tp), _pct(share), _pct(e.visit_probability[tp]))
        console.print(visits)
    for reason in r.reasons:
        console.print(Text(f"note: {reason}", style="yellow"))
    console.print()


def render(console: Console, jmap: JourneyMap, reports: Sequence[PersonaReport], seed: int) -> None:
    """Every persona's report, after a line naming the journey and the seed."""
    console.print(Text(f"{jmap.name}: simulated with seed {seed}", style="bold"))
    for r in reports:
        render_one(console, jmap, r)
