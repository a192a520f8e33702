"""Budgets checked on a map: each figure against its bound, and a finding for each breach.

Conversion and drop-off are exact (`journeyctl.markov.exact.solve`, 3 cycles as `simulate
--exact`); forbidden gaps are `journeyctl.gaps.find_gaps`'s; the negative-experience share is a
seeded Monte Carlo estimate (`journeyctl.markov.montecarlo.simulate`, the configured runs and
seed, 3 cycles and 200 steps as `simulate`), the same on every run, with its Wilson 95%
interval. A subject the map does not have is a ConfigError at the budget.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from journeyctl.budgets import codes
from journeyctl.budgets.config import CONVERSION, DROP_OFF, EXPERIENCE, GAPS, Bound, MapBudgets
from journeyctl.core.findings import Finding
from journeyctl.core.model import JourneyMap
from journeyctl.core.span import Span
from journeyctl.gaps import Gap, find_gaps
from journeyctl.lint.config import ConfigError
from journeyctl.markov.exact import ExactResult, solve
from journeyctl.markov.montecarlo import simulate
from journeyctl.markov.summary import wilson


@dataclass(frozen=True)
class Figure:
    """One budget checked on one map (for one persona): the figure against its bound."""

    budget: str
    """The configuration key: `min-conversion`, `max-drop-off`, `forbidden-gaps`, …"""
    map: str
    persona: str | None
    subject: str | None
    """The moment of truth (`max-drop-off`) or gap code prefix (`forbidden-gaps`)."""
    value: float | None
    """A share; for `forbidden-gaps` the number of gaps; None when nothing could be measured
    (no walk met an emotion)."""
    bound: float
    set_at: str
    """Where the budget is set: `file:line:col` in the configuration."""
    interval: tuple[float, float] | None = None
    """The 95% interval of a Monte Carlo estimate."""

    @property
    def margin(self) -> float | None:
        """How far inside the bound the figure is (negative: a breach)."""
        if self.value is None:
            return None
        return self.value - self.bound if self.budget == CONVERSION else self.bound - self.value

    @property
    def met(self) -> bool:
        return self.margin is None or self.margin >= 0


@dataclass(frozen=True)
class Checked:
    """Every budget checked on one map, and the findings of those it breaks."""

    figures: tuple[Figure, ...]
    findings: tuple[Finding, ...]


def check(jmap: JourneyMap, budgets: Sequence[MapBudgets]) -> Checked:
    """`budgets` (those that name `jmap`'s file) checked on `jmap`.

    Raises ConfigError for a persona the map lacks, or a touchpoint that is not one of its
    moments of truth.
    """
    run = _Run(jmap)
    figures: list[Figure] = []
    findings: list[Finding] = []
    for b in budgets:
        for f in (*_conversion(run, b), *_drop_off(run, b), *_gaps(run, b), *_experience(run, b)):
            figures.append(f)
            findings += run.breaches(f)
    return Checked(tuple(figures), tuple(sorted(findings, key=Finding.sort_key)))


class _Run:
    """One map's figures, each computed once however many budgets read it."""

    def __init__(self, jmap: JourneyMap):
        self.jmap = jmap
        self.file = jmap.files[0]
        self.personas = tuple(p.id for p in jmap.personas) or (None,)
        self._exact: dict[str | None, ExactResult] = {}
        self._negative: dict[tuple, tuple[int, int]] = {}

    def walkers(self, bound: Bound) -> tuple[str | None, ...]:
        """The personas `bound` is for: its own, or every persona (None: a map without)."""
        if bound.subject is None:
            return self.personas
        if bound.subject not in self.jmap.persona:
            known = ", ".join(p.id for p in self.jmap.personas) or "none"
            raise ConfigError(
                f"{bound.at}: persona `{bound.subject}` is not in {self.file}; "
                f"its personas: {known}"
            )
        return (bound.subject,)

    def exact(self, persona: str | None) -> ExactResult:
        if persona not in self._exact:
            self._exact[persona] = solve(self.jmap, persona)
        return self._exact[persona]

    @cached_property
    def gaps(self) -> list[Gap]:
        return find_gaps(self.jmap).gaps

    def negative(self, persona: str | None, runs: int, seed: int) -> tuple[int, int]:
        """(walks whose peak-end score is below 0, walks that met an emotion)."""
        key = (persona, runs, seed)
        if key not in self._negative:
            score = simulate(self.jmap, persona, runs, seed=seed).experience
            felt = score[~np.isnan(score)]
            self._negative[key] = int((felt < 0).sum()), len(felt)
        return self._negative[key]

    def span(self, persona: str | None) -> Span:
        """Where `persona` (None: the journey) is defined."""
        return (self.jmap.persona[persona] if persona else self.jmap.journey).span

    def breaches(self, f: Figure) -> Iterator[Finding]:
        """The findings of `f` when it breaks its budget."""
        if f.met:
            return
        hint = f"budget `{f.budget}` set at {f.set_at}"
        who = f" for persona {f.persona}" if f.persona else ""
        if f.budget == CONVERSION:
            text = f"exact conversion {f.value:.2%} is below the budget {f.bound:.2%}{who}"
            yield codes.CONVERSION.at(self.span(f.persona), text, hint)
        elif f.budget == DROP_OFF:
            text = (
                f"exact drop-off {f.value:.2%} at moment of truth {f.subject} is over the "
                f"budget {f.bound:.2%}{who}"
            )
            yield codes.DROP_OFF.at(self.jmap.touchpoint[f.subject].span, text, hint)
        elif f.budget == GAPS:
            for g in self.gaps:
                if g.code.startswith(f.subject):
                    whose = f" for persona {g.persona}" if g.persona else ""
                    text = f"gap {g.code} {g.slug} is forbidden{whose}: {g.message}"
                    span = g.span or Span.point(self.file, 1, 1)
                    yield codes.FORBIDDEN_GAP.at(span, text, f"{hint} ({f.subject})")
        else:
            low, high = f.interval
            text = (
                f"negative experience {f.value:.2%} of walks (seeded estimate, 95% interval "
                f"{low:.2%}–{high:.2%}) is over the budget {f.bound:.2%}{who}"
            )
            yield codes.NEGATIVE_EXPERIENCE.at(self.span(f.persona), text, hint)


def _conversion(run: _Run, b: MapBudgets) -> Iterator[Figure]:
    for bound in b.conversion:
        for p in run.walkers(bound):
            value = run.exact(p).conversion
            yield Figure(CONVERSION, run.file, p, None, value, bound.value, bound.at)


def _drop_off(run: _Run, b: MapBudgets) -> Iterator[Figure]:
    moments = [t.id for t in run.jmap.touchpoints if t.moment_of_truth]
    for bound in b.drop_off:
        if bound.subject is None and not moments:
            raise ConfigError(f"{bound.at}: {run.file} marks no touchpoint `moment_of_truth: true`")
        if bound.subject is not None and bound.subject not in moments:
            raise ConfigError(
                f"{bound.at}: `{bound.subject}` is not a moment of truth in {run.file}; its "
                f"moments of truth: {', '.join(moments) or 'none'}"
            )
        for tp in moments if bound.subject is None else (bound.subject,):
            for p in run.personas:
                value = run.exact(p).exit_probability[tp]
                yield Figure(DROP_OFF, run.file, p, tp, value, bound.value, bound.at)


def _gaps(run: _Run, b: MapBudgets) -> Iterator[Figure]:
    for rule in b.forbidden_gaps:
        n = sum(1 for g in run.gaps if g.code.startswith(rule.prefix))
        yield Figure(GAPS, run.file, None, rule.prefix, n, 0, rule.at)


def _experience(run: _Run, b: MapBudgets) -> Iterator[Figure]:
    if b.experience is None:
        return
    for bound in b.experience.bounds:
        for p in run.walkers(bound):
            negative, felt = run.negative(p, b.experience.runs, b.experience.seed)
            value = negative / felt if felt else None
            interval = wilson(negative, felt) if felt else None
            yield Figure(EXPERIENCE, run.file, p, None, value, bound.value, bound.at, interval)
