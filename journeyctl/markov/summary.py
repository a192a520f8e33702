"""What a simulation says about one persona: the figures people read, built from the walks."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from journeyctl.core.model import JourneyMap
from journeyctl.markov.absorbing import reachable
from journeyctl.markov.exact import ExactResult
from journeyctl.markov.montecarlo import CUT, EXIT_, OUTCOMES, STUCK, Walks

Z95 = 1.959963984540054


@dataclass(frozen=True)
class Spread:
    """Mean, median and 90th percentile of a quantity over the converting walks."""

    mean: float
    median: float
    p90: float


@dataclass(frozen=True)
class Path:
    touchpoints: tuple[str, ...]
    outcome: str
    count: int
    share: float


@dataclass(frozen=True)
class Cycle:
    """Cycle k of a cyclical journey: share converting in it, and that share over cycle k−1's."""

    cycle: int
    share: float
    vs_previous: float | None


@dataclass(frozen=True)
class PersonaReport:
    """Monte Carlo figures for one persona (shares are of walks unless said otherwise)."""

    persona: str | None
    runs: int
    converted: int
    conversion: float
    interval: tuple[float, float]  # Wilson 95%
    outcomes: dict[str, int]
    steps_per_walk: float
    drop_off_by_stage: dict[str, float]
    drop_off_by_touchpoint: dict[str, float]
    top_paths: tuple[Path, ...]
    channel_mix: dict[str, float]  # share of touchpoint visits
    screen_mix: dict[str, float]  # share of touchpoint visits; "(none)" for no screen
    steps_to_convert: Spread | None
    time_to_convert: Spread | None  # hours; None without durations or conversions
    moments_of_truth: dict[str, float]
    visit_share: dict[str, float]
    retention: tuple[Cycle, ...]  # cyclical journeys only
    cut: int
    reasons: tuple[str, ...]
    exact: ExactResult | None


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for a binomial proportion."""
    if n == 0:
        return (0.0, 1.0)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    return (low, 1.0 if successes == n else min(1.0, centre + half))


def _spread(values: np.ndarray) -> Spread | None:
    if not len(values):
        return None
    median, p90 = np.percentile(values, [50, 90])
    return Spread(float(values.mean()), float(median), float(p90))


def _shares(keys: list[str], counts: np.ndarray) -> dict[str, float]:
    """Counts summed per key (first-seen order) as shares of the total."""
    total = counts.sum()
    out: dict[str, float] = {}
    for key, c in zip(keys, counts, strict=True):
        out[key] = out.get(key, 0.0) + (float(c / total) if total else 0.0)
    return out


def _top_paths(walks: Walks, top: int) -> tuple[Path, ...]:
    _, first, counts = np.unique(walks.path_key, return_index=True, return_counts=True)
    order = np.lexsort((first, -counts))[:top]
    states = walks.chain.states
    paths = walks.paths([int(first[k]) for k in order])
    return tuple(
        Path(
            tuple(states[i] for i in path),
            OUTCOMES[walks.outcome[first[k]]],
            int(counts[k]),
            float(counts[k] / walks.runs),
        )
        for k, path in zip(order, paths, strict=True)
    )


def _reasons(walks: Walks, exact: ExactResult | None) -> tuple[str, ...]:
    out = [
        f"touchpoint `{s}`: the persona zeroes every move, so walks leave there"
        for s in walks.chain.stuck
    ]
    if walks.chain.start.sum() == 0:
        out.append("the persona zeroes every entry weight, so no walk starts")
    elif not (reachable(walks.chain.P, walks.chain.start) & walks.chain.goal).any():
        out.append("no goal touchpoint can be reached for this persona: conversion is 0")
    cut = int((walks.outcome == CUT).sum())
    if cut:
        out.append(f"{cut} walk(s) reached the step cap ({walks.max_steps} visits) and were cut")
    if exact is not None and math.isinf(exact.expected_steps):
        out.append("some walks can loop forever: exact expected steps are infinite")
    if not walks.timed:
        out.append("time is not reported: the map has no durations")
    return tuple(out)


def summarise(
    jmap: JourneyMap, walks: Walks, top: int, exact: ExactResult | None = None
) -> PersonaReport:
    """The report for one persona's walks (with `exact` figures beside them when given)."""
    tps = jmap.touchpoints
    runs = walks.runs
    conv = walks.converted >= 1
    converted = int(conv.sum())
    left = np.isin(walks.outcome, (EXIT_, STUCK)) & (walks.last >= 0)
    by_tp = np.bincount(walks.last[left], minlength=len(tps)) / runs
    drop_stage = {s.id: 0.0 for s in jmap.stages}
    for tp, share in zip(tps, by_tp, strict=True):
        drop_stage[tp.stage] = drop_stage.get(tp.stage, 0.0) + float(share)
    screens = [s.id for s in jmap.screens] + ["(none)"]
    screen_mix = {k: v for k, v in _shares(screens, walks.screen_visits).items() if v > 0}
    visit_share = walks.visitors / runs
    retention = []
    if jmap.journey is not None and jmap.journey.kind == "cyclical":
        # walks converting at least k cycles, k = 1 … cycles
        at_least = np.cumsum(np.bincount(walks.converted, minlength=walks.cycles + 1)[::-1])[::-1]
        prev = None
        for k in range(1, walks.cycles + 1):
            share = float(at_least[k] / runs)
            retention.append(Cycle(k, share, None if prev is None else _ratio(share, prev)))
            prev = share
    return PersonaReport(
        persona=walks.persona,
        runs=runs,
        converted=converted,
        conversion=converted / runs,
        interval=wilson(converted, runs),
        outcomes={name: int((walks.outcome == i).sum()) for i, name in enumerate(OUTCOMES)},
        steps_per_walk=float(walks.steps.mean()),
        drop_off_by_stage=drop_stage,
        drop_off_by_touchpoint={t.id: float(s) for t, s in zip(tps, by_tp, strict=True) if s},
        top_paths=_top_paths(walks, top),
        channel_mix={k: v for k, v in _shares([t.channel for t in tps], walks.visits).items() if v},
        screen_mix=screen_mix,
        steps_to_convert=_spread(walks.steps_to_convert[conv]),
        time_to_convert=_spread(walks.time_to_convert[conv]) if walks.timed else None,
        moments_of_truth={
            t.id: float(visit_share[i]) for i, t in enumerate(tps) if t.moment_of_truth
        },
        visit_share={t.id: float(visit_share[i]) for i, t in enumerate(tps)},
        retention=tuple(retention),
        cut=int((walks.outcome == CUT).sum()),
        reasons=_reasons(walks, exact),
        exact=exact,
    )


def _ratio(a: float, b: float) -> float | None:
    return a / b if b else None
