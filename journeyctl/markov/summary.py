"""What a simulation says about one persona: the figures people read, built from the walks."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from journeyctl.core.model import JourneyMap
from journeyctl.markov.chain import Chain
from journeyctl.markov.montecarlo import CUT, EXIT_, OUTCOMES, STUCK, Walks

if TYPE_CHECKING:
    from journeyctl.markov.exact import ExactResult

TOP_PEAKS = 10
"""The most touchpoints listed as where walks felt their negative peak."""

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
class Share:
    """A count of walks out of `of`, its share and Wilson 95% interval."""

    count: int
    of: int

    @property
    def share(self) -> float:
        return self.count / self.of if self.of else 0.0

    @property
    def interval(self) -> tuple[float, float]:
        return wilson(self.count, self.of)


@dataclass(frozen=True)
class AfterConversion:
    """What the converted walks did from their first conversion on (shares of them)."""

    converted: int
    reach: dict[str, Share]  # per touchpoint, at or after the first conversion
    stage_reach: dict[str, Share]
    drop_off: dict[str, Share]  # per touchpoint the walk left from, after converting
    stage_drop_off: dict[str, Share]


@dataclass(frozen=True)
class Experience:
    """The peak-end experience of the walks that met an emotion."""

    felt: int  # walks that met at least one emotion
    mean: float | None  # mean peak-end score
    mean_emotion: float | None  # mean of each walk's mean emotion
    negative: Share  # walks whose peak-end score is below 0
    positive: Share  # walks whose peak-end score is above 0
    negative_peaks: dict[str, Share]  # where walks felt a negative peak, most frequent first


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
    customer: bool  # the persona starts as a customer (converted before its first visit)
    after: AfterConversion | None  # None when no walk converted
    experience: Experience | None  # None when the persona meets no emotion on the map
    value: dict[str, dict[str, Share]]  # per stage, per value kind: walks given it there
    valueless: tuple[str, ...]  # stages the walks visit that give them no value
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


def _can_convert(chain: Chain) -> bool:
    """Whether a goal can be reached from the entries (the graph solver is imported only
    when no walk converted, to ask why)."""
    from journeyctl.markov.absorbing import reachable

    return bool((reachable(chain.P, chain.start) & chain.goal).any())


def _reasons(walks: Walks, exact: ExactResult | None) -> tuple[str, ...]:
    out = [
        f"touchpoint `{s}`: the persona zeroes every move, so walks leave there"
        for s in walks.chain.stuck
    ]
    if walks.chain.start.sum() == 0:
        out.append("the persona zeroes every entry weight, so no walk starts")
    elif not (walks.chain.customer or (walks.converted > 0).any() or _can_convert(walks.chain)):
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
    drop_stage = jmap.per_stage({t.id: float(s) for t, s in zip(tps, by_tp, strict=True)})
    screens = [s.id for s in jmap.screens] + ["(none)"]
    screen_mix = {k: v for k, v in _shares(screens, walks.screen_visits).items() if v > 0}
    visit_share = walks.visitors / runs
    value = {
        s.id: {v: Share(int(walks.value_visitors[k, i]), runs) for i, v in enumerate(walks.values)}
        for k, s in enumerate(jmap.stages)
    }
    retention = []
    if jmap.journey is not None and jmap.journey.kind == "cyclical":
        # walks converting at least k cycles, k = 1 … cycles
        at_least = np.cumsum(np.bincount(walks.converted, minlength=walks.cycles + 1)[::-1])[::-1]
        prev = None
        for k in range(1, walks.cycles + 1):
            share = float(at_least[k] / runs)
            retention.append(Cycle(k, share, None if prev is None else _ratio(share, prev)))
            prev = share
    customer = walks.chain.customer
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
        steps_to_convert=None if customer else _spread(walks.steps_to_convert[conv]),
        time_to_convert=_spread(walks.time_to_convert[conv])
        if walks.timed and not customer
        else None,
        moments_of_truth={
            t.id: float(visit_share[i]) for i, t in enumerate(tps) if t.moment_of_truth
        },
        visit_share={t.id: float(visit_share[i]) for i, t in enumerate(tps)},
        retention=tuple(retention),
        customer=customer,
        after=_after(jmap, walks, left) if converted else None,
        experience=_experience(jmap, walks),
        value=value,
        valueless=tuple(
            s.id
            for k, s in enumerate(jmap.stages)
            if walks.stage_visitors[k] and not walks.value_visitors[k].any()
        ),
        cut=int((walks.outcome == CUT).sum()),
        reasons=_reasons(walks, exact),
        exact=exact,
    )


def _ratio(a: float, b: float) -> float | None:
    return a / b if b else None


def _after(jmap: JourneyMap, walks: Walks, left: np.ndarray) -> AfterConversion:
    """From the first conversion on: reach and drop-off per touchpoint and stage."""
    conv = walks.converted >= 1
    n = int(conv.sum())
    tps = jmap.touchpoints
    counts = np.bincount(walks.last[left & conv], minlength=len(tps)).tolist()
    drop = {t.id: c for t, c in zip(tps, counts, strict=True)}
    return AfterConversion(
        converted=n,
        reach={t.id: Share(int(c), n) for t, c in zip(tps, walks.after_visitors, strict=True)},
        stage_reach={
            s.id: Share(int(c), n)
            for s, c in zip(jmap.stages, walks.stage_after_visitors, strict=True)
        },
        drop_off={tp: Share(c, n) for tp, c in drop.items() if c},
        stage_drop_off={k: Share(c, n) for k, c in jmap.per_stage(drop).items()},
    )


def _experience(jmap: JourneyMap, walks: Walks) -> Experience | None:
    """The peak-end scores of the walks that met an emotion; None when none could."""
    if walks.rules.feelings is None:
        return None
    felt = ~np.isnan(walks.experience)
    n = int(felt.sum())
    score = walks.experience[felt]
    low = walks.peak[felt]
    low = low[walks.rules.feelings.emotion[low] < 0]  # walks whose most intense emotion is negative
    counts = np.bincount(low, minlength=len(jmap.touchpoints))
    ranked = sorted(np.flatnonzero(counts).tolist(), key=lambda i: (-counts[i], i))[:TOP_PEAKS]
    return Experience(
        felt=n,
        mean=float(score.mean()) if n else None,
        mean_emotion=float(walks.mean_emotion[felt].mean()) if n else None,
        negative=Share(int((score < 0).sum()), n),
        positive=Share(int((score > 0).sum()), n),
        negative_peaks={jmap.touchpoints[i].id: Share(int(counts[i]), n) for i in ranked},
    )
