"""The simulation funnel of the report: conversion and where customers leave, per persona.

Exact figures come from the absorbing Markov chain (`journeyctl.markov.exact.solve`); the share of
customers who reach each stage comes from a seeded Monte Carlo run (`journeyctl.markov.montecarlo`),
so the same map always gives the same report.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from journeyctl.core.model import JourneyMap
from journeyctl.render import style

RUNS = 10_000
SEED = 0


@dataclass(frozen=True)
class StageFigures:
    name: str
    reach: float
    """Share of walks that visit the stage at least once (Monte Carlo)."""
    drop_off: float
    """Share of walks that leave the journey from the stage (exact)."""


@dataclass(frozen=True)
class Funnel:
    persona: str
    conversion: float
    """P(reach a goal), exact."""
    sampled_conversion: float
    """Share of the Monte Carlo walks that converted."""
    runs: int
    stages: tuple[StageFigures, ...]


def funnel(jmap: JourneyMap, persona: str | None, runs: int = RUNS) -> Funnel:
    """`persona`'s funnel (None: the map's own weights). Raises RequestError for unknown ones."""
    from journeyctl.markov.exact import solve
    from journeyctl.markov.montecarlo import simulate

    exact = solve(jmap, persona)
    walks = simulate(jmap, persona, runs, seed=SEED)
    stages = []
    for k, stage in enumerate(jmap.stages):
        reach = float(walks.stage_visitors[k]) / runs if runs else 0.0
        drop = exact.stage_exit_probability.get(stage.id, 0.0)
        stages.append(StageFigures(stage.name or stage.id, reach, drop))
    name = jmap.persona[persona].name or persona if persona else "Everyone (map weights)"
    return Funnel(
        persona=name,
        conversion=exact.conversion,
        sampled_conversion=float((walks.converted > 0).mean()) if runs else 0.0,
        runs=runs,
        stages=tuple(stages),
    )


def funnel_html(f: Funnel) -> str:
    """One persona's funnel as a table with CSS bars: grey reach, pale red drop-off (no channel
    colour); each column heading shows its bar colour."""
    rows = "".join(
        f"<tr><th>{escape(s.name)}</th>{_bar(s.reach, style.REACH_BAR)}"
        f"{_bar(s.drop_off, style.DROP_BAR, 'bar drop')}</tr>"
        for s in f.stages
    )
    return (
        f'<section class="funnel"><h3>{escape(f.persona)}</h3>'
        f"<p>Conversion <b>{style.percent(f.conversion)}</b> (exact); "
        f"{style.percent(f.sampled_conversion)} of {f.runs:,} simulated customers "
        f"(seed {SEED}).</p>"
        f"<table><thead><tr><th>Stage</th><th>{_swatch(style.REACH_BAR)}Reach (simulated)</th>"
        f"<th>{_swatch(style.DROP_BAR)}Leave here (exact)</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></section>"
    )


def _bar(share: float, colour: str, classes: str = "bar") -> str:
    return (
        f'<td class="{classes}">'
        f'<span style="width:{100 * share:.1f}%;background:{colour}"></span>'
        f"{style.percent(share)}</td>"
    )


def _swatch(colour: str) -> str:
    return f'<span class="swatch" style="background:{colour}"></span>'
