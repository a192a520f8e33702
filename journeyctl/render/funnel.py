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
    """One persona's funnel as a table with CSS bars."""
    rows = "".join(
        f"<tr><th>{escape(s.name)}</th>"
        f'<td class="bar"><span style="width:{100 * s.reach:.1f}%"></span>'
        f"{style.percent(s.reach)}</td>"
        f'<td class="bar drop"><span style="width:{100 * s.drop_off:.1f}%"></span>'
        f"{style.percent(s.drop_off)}</td></tr>"
        for s in f.stages
    )
    return (
        f'<section class="funnel"><h3>{escape(f.persona)}</h3>'
        f"<p>Conversion <b>{style.percent(f.conversion)}</b> (exact); "
        f"{style.percent(f.sampled_conversion)} of {f.runs:,} simulated customers "
        f"(seed {SEED}).</p>"
        "<table><thead><tr><th>Stage</th><th>Reach (simulated)</th>"
        "<th>Leave here (exact)</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></section>"
    )
