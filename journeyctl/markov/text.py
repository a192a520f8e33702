"""Simulation reports for people: rich tables, one block per persona.

A table that grows with the map (one row per stage, channel, screen or touchpoint) shows its
first `TOP_ROWS` rows and a line saying how many more there are: a report for people stays
short and quick to draw on a map of 20,000 touchpoints; `-f json` has every row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import islice

from rich.console import Console
from rich.table import Table
from rich.text import Text

from journeyctl.core.model import JourneyMap
from journeyctl.markov.summary import AfterConversion, Experience, PersonaReport, Share, Spread

TOP_ROWS = 20
"""The most rows a report for people shows of a table that grows with the map."""


def more(hidden: int) -> Text:
    """The line under a table cut to its first rows: how many were left out, and where they are."""
    return Text(f"… and {hidden:,} more (use -f json for all)", style="dim")


def print_top(console: Console, table: Table, rows: Iterable[tuple], total: int) -> None:
    """`table` with the first `TOP_ROWS` of `rows` (of `total`), then `more` if some are left."""
    for row in islice(rows, TOP_ROWS):
        table.add_row(*row)
    console.print(table)
    if total > TOP_ROWS:
        console.print(more(total - TOP_ROWS))


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def _num(x: float | None, digits: int = 2) -> str:
    return "–" if x is None or x != x or x == float("inf") else f"{x:.{digits}f}"


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold", min_width=len(title) + 2)
    for i, c in enumerate(columns):
        table.add_column(c, justify="left" if i == 0 else "right", overflow="fold")
    return table


def _spread_row(
    table: Table, label: str, s: Spread | None, unit: str, exact: tuple[float | None, ...] = ()
) -> None:
    """Mean, median and p90 of `s`, then the `exact` means given; a dash for none."""
    values = (None,) * 3 if s is None else (s.mean, s.median, s.p90)
    table.add_row(label, *("–" if v is None else f"{_num(v)}{unit}" for v in (*values, *exact)))


def _shares(
    console: Console, title: str, head: str, shares: dict[str, float], limit: int | None = None
) -> None:
    """`shares`, largest first: the `limit` largest (the title says so), or `print_top`."""
    ranked = sorted(shares.items(), key=lambda kv: -kv[1])[:limit]
    rows = ((Text(key), _pct(v)) for key, v in ranked)
    print_top(console, _table(title, head, "share"), rows, len(ranked))


def render_one(console: Console, jmap: JourneyMap, r: PersonaReport) -> None:
    """One persona's figures as tables on `console`."""
    who = jmap.persona.get(r.persona) if r.persona else None
    heading = f"{who.name} ({who.id})" if who else "map as-is (no persona)"
    console.print(Text(f"Persona: {heading} — {r.runs} walks", style="bold underline"))
    e = r.exact
    summary = _table("Outcome", "figure", "Monte Carlo", "95% interval", *(["exact"] if e else []))
    low, high = r.interval
    exact_col = [_pct(e.conversion)] if e else []
    label = "already customers" if r.customer else "conversion"
    summary.add_row(label, _pct(r.conversion), f"{_pct(low)} – {_pct(high)}", *exact_col)
    exact_col = [_num(e.expected_steps)] if e else []
    summary.add_row("steps per walk", _num(r.steps_per_walk), "", *exact_col)
    for name, count in r.outcomes.items():
        if count:
            label = f"ended: {name}"
            if name == "renewing":
                label += f" (after cycle {len(r.retention)})"
            summary.add_row(label, str(count), "", *([""] if e else []))
    console.print(summary)
    if r.retention:
        cycles = _table("Retention per cycle", "cycle", "converted", "vs previous",
                        *(["exact"] if e else []))  # fmt: skip
        for c in r.retention:
            exact_col = [_pct(e.retention[c.cycle - 1])] if e else []
            cycles.add_row(str(c.cycle), _pct(c.share), _pct(c.vs_previous), *exact_col)
        console.print(cycles)
    if not r.customer:
        timing = _table("To convert", "", "mean", "median", "p90", *(["exact"] if e else []))
        steps, hours = ((e.steps_to_convert,), (e.time_to_convert,)) if e else ((), ())
        _spread_row(timing, "steps", r.steps_to_convert, "", steps)
        _spread_row(timing, "time (hours)", r.time_to_convert, " h", hours)
        console.print(timing)
    _shares(console, "Drop-off by stage", "stage", r.drop_off_by_stage)
    _shares(console, "Drop-off by touchpoint (top 10)", "touchpoint", r.drop_off_by_touchpoint, 10)
    paths = _table("Top paths", "path", "walks", "share")
    for p in r.top_paths:
        paths.add_row(Text(" → ".join([*p.touchpoints, p.outcome])), str(p.count), _pct(p.share))
    console.print(paths)
    _shares(console, "Channel mix (share of visits)", "channel", r.channel_mix)
    if r.screen_mix:
        _shares(console, "Screen mix (share of visits)", "screen", r.screen_mix)
    if r.moments_of_truth:
        _shares(console, "Moments of truth reached", "touchpoint", r.moments_of_truth)
    if r.after is not None:
        _after(console, jmap, r.after, e.after if e else None)
    if r.experience is not None:
        _experience(console, r.experience)
    _value(console, r)
    if e:
        visits = _table("Visit probability", "touchpoint", "Monte Carlo", "exact")
        rows = (
            (Text(tp), _pct(v), _pct(e.visit_probability[tp])) for tp, v in r.visit_share.items()
        )
        print_top(console, visits, rows, len(r.visit_share))
    for reason in r.reasons:
        console.print(Text(f"note: {reason}", style="yellow"))
    console.print()


def _interval(s: Share) -> str:
    low, high = s.interval
    return f"{_pct(low)} – {_pct(high)}"


def _after(console: Console, jmap: JourneyMap, a: AfterConversion, e) -> None:
    """Reach and drop-off from the first conversion on, per stage and per touchpoint."""
    title = f"After conversion ({a.converted:,} converted walks)"
    exact = ["exact reach", "exact drop-off"] if e else []
    stages = _table(title, "stage", "reach", "95% interval", "drop-off", *exact)
    for st in jmap.stages:
        reach, drop = a.stage_reach[st.id], a.stage_drop_off[st.id]
        cols = []
        if e:
            cols = [_pct(None if e.stage_reach is None else e.stage_reach[st.id]),
                    _pct(e.stage_drop_off[st.id])]  # fmt: skip
        stages.add_row(Text(st.id), _pct(reach.share), _interval(reach), _pct(drop.share), *cols)
    console.print(stages)
    shown = [t for t in jmap.touchpoints if a.reach[t.id].count or (e and e.reach[t.id] > 0)]
    tps = _table("Touchpoints after conversion (★ moment of truth)", "touchpoint", "reach",
                 "95% interval", "drop-off", *exact)  # fmt: skip
    rows = []
    for t in shown:
        reach, drop = a.reach[t.id], a.drop_off.get(t.id, Share(0, a.converted))
        cols = [_pct(e.reach[t.id]), _pct(e.drop_off[t.id])] if e else []
        name = f"★ {t.id}" if t.moment_of_truth else t.id
        rows.append((Text(name), _pct(reach.share), _interval(reach), _pct(drop.share), *cols))
    print_top(console, tps, rows, len(rows))


def _experience(console: Console, x: Experience) -> None:
    """The peak-end experience: its mean, the shares ending negative and positive, and where
    the negative peaks are."""
    table = _table(f"Experience, peak-end rule ({x.felt:,} walks that met an emotion)",
                   "figure", "value", "95% interval")  # fmt: skip
    table.add_row("mean peak-end score", _num(x.mean), "")
    table.add_row("mean emotion", _num(x.mean_emotion), "")
    table.add_row("negative experience", _pct(x.negative.share), _interval(x.negative))
    table.add_row("positive experience", _pct(x.positive.share), _interval(x.positive))
    console.print(table)
    if x.negative_peaks:
        peaks = _table("Negative peaks (share of those walks)", "touchpoint", "share")
        for tp, s in x.negative_peaks.items():
            peaks.add_row(Text(tp), _pct(s.share))
        console.print(peaks)


def _value(console: Console, r: PersonaReport) -> None:
    """Value received per stage: the share of walks given each kind there."""
    kinds = list(dict.fromkeys(k for by_kind in r.value.values() for k in by_kind))
    if not kinds:
        return
    table = _table("Value received by stage (share of walks)", "stage", *kinds)
    rows = ((Text(stage), *(_pct(by_kind[k].share) for k in kinds))
            for stage, by_kind in r.value.items())  # fmt: skip
    print_top(console, table, rows, len(r.value))
    if r.valueless:
        console.print(Text(f"stages that give these walks no value: {', '.join(r.valueless)}"))


def render(console: Console, jmap: JourneyMap, reports: Sequence[PersonaReport], seed: int) -> None:
    """Every persona's report, after a line naming the journey and the seed."""
    console.print(Text(f"{jmap.name}: simulated with seed {seed}", style="bold"))
    for r in reports:
        render_one(console, jmap, r)
