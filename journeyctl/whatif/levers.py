"""Levers: what most changes each persona's exact conversion (and retention), ranked by effect.

A lever's effect is its value × the derivative of the figure (`markov.gradient`): the change of
the figure for a change of +100% of the lever, to first order; "+10% on it" is a tenth of that.
Levers are ranked by the size of their effect (on a tie: kind, source, target). Only what the
map has is a lever: the moves and entries it draws, the channels and screens its touchpoints
use, its touchpoints; a move that does not exist has no derivative here.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from journeyctl.core.escape import md_cell, printable
from journeyctl.core.model import JourneyMap
from journeyctl.core.rounding import rounded
from journeyctl.markov.gradient import Gradient, Lever, gradient

FORMATS = ("text", "json", "markdown")
TOP = 10
"""Levers shown per persona and figure by default."""


@dataclass(frozen=True)
class LeverEffect:
    """A lever and the derivative of one figure with respect to it."""

    lever: Lever
    derivative: float
    """d figure / d lever."""

    @property
    def effect(self) -> float:
        """The change of the figure for +100% of the lever, to first order (value × slope)."""
        return self.lever.value * self.derivative

    @property
    def points(self) -> float:
        """Percentage points of the figure for +10% on the lever."""
        return 10.0 * self.effect


@dataclass(frozen=True)
class Ranking:
    """The levers of one figure of one persona, largest effect first."""

    figure: str
    """`conversion`, or `retention (cycle K)`: P(convert in cycle K)."""
    value: float
    effects: tuple[LeverEffect, ...]
    """The top levers, each with an effect other than 0."""
    acting: int
    """How many levers have an effect other than 0."""


@dataclass(frozen=True)
class PersonaLevers:
    persona: str | None
    name: str
    rankings: tuple[Ranking, ...]
    jumps: tuple[Lever, ...]
    """Levers with no derivative: raising them changes a figure at once (see `notes`)."""
    notes: tuple[str, ...]


def levers(
    jmap: JourneyMap, personas: list[str | None], top: int = TOP, cycles: int = 3
) -> list[PersonaLevers]:
    """The `top` levers of each persona's conversion and, for a cyclical journey walked over
    more than one cycle, of its retention in the last cycle. Raises RequestError for an unknown
    persona."""
    return [_persona(jmap, gradient(jmap, p, cycles), top) for p in personas]


def _persona(jmap: JourneyMap, g: Gradient, top: int) -> PersonaLevers:
    notes: list[str] = []
    rankings = []
    if g.customer:
        notes.append("starts as a customer: conversion is 1 and no lever moves it")
    else:
        rankings.append(_rank("conversion", g.conversion, g.levers, g.d_conversion, top))
    if g.d_retention is not None:
        K = len(g.retention)
        figure = f"retention (cycle {K})"
        rankings.append(_rank(figure, g.retention[-1], g.levers, g.d_retention[:, -1], top))
    if g.no_entry:
        notes.append("the persona zeroes every entry: no walk starts, every figure is 0")
    slopes = g.d_conversion if g.d_retention is None else g.d_retention
    bad = np.isnan(slopes) if slopes.ndim == 1 else np.isnan(slopes).any(axis=1)
    jumps = tuple(lv for lv, b in zip(g.levers, bad.tolist(), strict=True) if b)
    if jumps:
        notes.append(
            f"{len(jumps)} lever(s) have no derivative: raising them opens a way out of a "
            "touchpoint the walks reach but cannot leave (a loop with no way out, or moves the "
            "persona all zeroes) or starts walks the persona never starts; the figure jumps"
        )
    name = jmap.persona[g.persona].name if g.persona is not None else ""
    return PersonaLevers(g.persona, name, tuple(rankings), jumps, tuple(notes))


def _rank(figure: str, value: float, lv: tuple[Lever, ...], d: np.ndarray, top: int) -> Ranking:
    effects = [
        LeverEffect(lever, slope)
        for lever, slope in zip(lv, d.tolist(), strict=True)
        if math.isfinite(slope) and lever.value * slope != 0
    ]
    effects.sort(key=lambda e: (-abs(e.effect), e.lever.key))
    return Ranking(figure, value, tuple(effects[:top]), len(effects))


def describe(lever: Lever) -> str:
    """The lever in words: `move a → b`, `entry → b`, `channel affinity social`, …"""
    if lever.kind == "move":
        return f"move {lever.source} → {lever.target}"
    if lever.kind == "entry":
        whose = f"{lever.source}'s entry" if lever.source else "entry"
        return f"{whose} → {lever.target}"
    if lever.kind == "touchpoint":
        return f"touchpoint {lever.target} (every weight into it)"
    return f"{lever.kind} affinity {lever.target}"


def elasticity(effect: LeverEffect, figure: str) -> str:
    """`+10% on this weight: +0.42 points of conversion`."""
    what = {"move": "weight", "entry": "weight", "touchpoint": "every weight into it"}
    on = what.get(effect.lever.kind, "affinity")
    return f"+10% on {on}: {effect.points:+.2f} points of {figure}"


def write(jmap: JourneyMap, reports: list[PersonaLevers], cycles: int, fmt: str) -> str:
    """The reports as text, markdown or json (keys sorted, floats to 6 decimals)."""
    if fmt == "json":
        return json.dumps(_json(jmap, reports, cycles), indent=2, sort_keys=True) + "\n"
    return printable(_markdown(jmap, reports) if fmt == "markdown" else _text(jmap, reports))


def _lever_json(lever: Lever) -> dict[str, Any]:
    return {"kind": lever.kind, "source": lever.source or None, "target": lever.target,
            "value": rounded(lever.value)}  # fmt: skip


def _json(jmap: JourneyMap, reports: list[PersonaLevers], cycles: int) -> dict[str, Any]:
    assert jmap.journey is not None
    return {
        "journey": jmap.journey.id,
        "cycles": cycles,
        "personas": [
            {
                "persona": r.persona,
                "figures": [
                    {
                        "figure": k.figure,
                        "value": rounded(k.value),
                        "acting": k.acting,
                        "levers": [
                            {
                                **_lever_json(e.lever),
                                "derivative": rounded(e.derivative),
                                "effect": rounded(e.effect),
                                "points_per_10_percent": rounded(e.points),
                            }
                            for e in k.effects
                        ],
                    }
                    for k in r.rankings
                ],
                "no_derivative": [_lever_json(lv) for lv in r.jumps],
                "notes": list(r.notes),
            }
            for r in reports
        ],
    }


def _title(r: PersonaLevers) -> str:
    if r.persona is None:
        return "the map as-is"
    return f"{r.name} ({r.persona})" if r.name else r.persona


def _text(jmap: JourneyMap, reports: list[PersonaLevers]) -> str:
    lines = [f"{jmap.name}: levers (exact, first order)"]
    for r in reports:
        lines += ["", f"Persona: {_title(r)}"]
        for k in r.rankings:
            lines.append(f"  {k.figure} {100 * k.value:.2f}% — top {len(k.effects)} of {k.acting}")
            width = max((len(describe(e.lever)) for e in k.effects), default=0)
            for i, e in enumerate(k.effects, 1):
                lines.append(
                    f"  {i:>3}. {describe(e.lever):<{width}}  value {e.lever.value:g}  "
                    f"slope {e.derivative:+.4g}  {elasticity(e, k.figure)}"
                )
        lines += [f"  note: {n}" for n in r.notes]
        lines += [f"    no derivative: {describe(lv)}" for lv in r.jumps]
    return "\n".join(lines) + "\n"


def _markdown(jmap: JourneyMap, reports: list[PersonaLevers]) -> str:
    lines = [f"## Levers: {md_cell(jmap.name)}"]
    for r in reports:
        lines += ["", f"### {md_cell(_title(r))}"]
        for k in r.rankings:
            lines += [
                "",
                f"**{k.figure}**: {100 * k.value:.2f}% (top {len(k.effects)} of {k.acting} levers)",
                "",
                "| # | lever | value | derivative | +10% on it |",
                "|---:|---|---:|---:|---:|",
            ]
            lines += [
                f"| {i} | {md_cell(describe(e.lever))} | {e.lever.value:g} | {e.derivative:+.4g} "
                f"| {e.points:+.2f} points |"
                for i, e in enumerate(k.effects, 1)
            ]
        if r.notes or r.jumps:
            lines.append("")
        lines += [f"- {md_cell(n)}" for n in r.notes]
        lines += [f"- no derivative: {md_cell(describe(lv))}" for lv in r.jumps]
    return "\n".join(lines) + "\n"
