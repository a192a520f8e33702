"""Gap records: where the designed journey fails its personas, and the report that holds them.

A `GapType` declares one kind of gap as a lint `Rule` declares a rule (code, slug, default
severity, documentation), plus its family; a `Gap` is one occurrence with its persona, stage,
touchpoints, evidence and impact. Other modules (the observed-log comparison, say) make their
own `GapType`s and add their gaps to a `GapReport` with `extend`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from journeyctl.core.codes import Rule
from journeyctl.core.findings import Severity
from journeyctl.core.model import Touchpoint
from journeyctl.core.span import Span

FAMILIES = ("coverage", "engagement", "push", "measurement", "silos", "dropoff")
"""The built-in gap families, in the order reports list them."""


def named(tp: Touchpoint) -> str:
    """`id (name)` for messages, or just the id when the touchpoint has no name."""
    return f"{tp.id} ({tp.name})" if tp.name and tp.name != tp.id else tp.id


@dataclass(frozen=True, slots=True)
class Evidence:
    """A place in the map that shows the gap, with what it shows."""

    span: Span
    note: str

    def as_dict(self) -> dict:
        return {
            "file": self.span.file,
            "line": self.span.line,
            "column": self.span.col,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class Gap:
    """One gap: what fails whom, where, the evidence, how much it matters and what to do.

    `persona` is None when the gap does not depend on who walks the journey. `impact` is the
    share (0..1) of walks the gap touches, from the exact solver (see docs/gaps.md); `figures`
    holds the numbers behind the message, keyed by name.
    """

    code: str
    slug: str
    family: str
    severity: Severity
    message: str
    recommendation: str
    persona: str | None = None
    stage: str | None = None
    touchpoints: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    impact: float = 0.0
    figures: Mapping[str, float] = field(default_factory=dict)

    @property
    def span(self) -> Span | None:
        """The main place to look: the first piece of evidence."""
        return self.evidence[0].span if self.evidence else None

    def sort_key(self) -> tuple:
        """Worst first: severity, then impact, then code, persona, stage, touchpoints."""
        return (
            -self.severity,
            -round(self.impact, 9),
            self.code,
            self.persona or "",
            self.stage or "",
            self.touchpoints,
            self.message,
        )

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "slug": self.slug,
            "family": self.family,
            "severity": self.severity.label,
            "persona": self.persona,
            "stage": self.stage,
            "touchpoints": list(self.touchpoints),
            "impact": round(self.impact, 6),
            "figures": {k: round(v, 6) for k, v in sorted(self.figures.items())},
            "message": self.message,
            "recommendation": self.recommendation,
            "evidence": [e.as_dict() for e in self.evidence],
        }


@dataclass(frozen=True, slots=True, init=False)
class GapType(Rule):
    """A kind of gap: a `Rule` (code `G101`, slug, default severity, documentation whose first
    paragraph is the summary, then what the gap means and how to fix it) of a family."""

    family: str

    def __init__(self, code: str, slug: str, family: str, severity: Severity, doc: str):
        Rule.__init__(self, code, slug, severity, doc)
        object.__setattr__(self, "family", family)  # frozen: set as dataclasses do

    def gap(
        self, message: str, recommendation: str, *, severity: Severity | None = None, **where
    ) -> Gap:
        """A gap of this type; `where` takes Gap's persona, stage, touchpoints, evidence,
        impact and figures."""
        return Gap(
            self.code,
            self.slug,
            self.family,
            severity or self.severity,
            message,
            recommendation,
            **where,
        )


@dataclass(frozen=True, slots=True)
class PersonaSummary:
    """One persona's headline figures: its conversion (exact) and gap counts by family."""

    persona: str | None
    name: str
    conversion: float | None
    counts: Mapping[str, int]

    def as_dict(self) -> dict:
        conversion = None if self.conversion is None else round(self.conversion, 6)
        return {
            "persona": self.persona,
            "name": self.name,
            "conversion": conversion,
            "gaps": dict(self.counts),
        }


@dataclass
class GapReport:
    """Every gap found in one map for the chosen personas, worst first."""

    map_name: str
    files: tuple[str, ...]
    personas: tuple[str, ...]
    persona_names: Mapping[str, str] = field(default_factory=dict)
    conversion: Mapping[str | None, float] = field(default_factory=dict)
    gaps: list[Gap] = field(default_factory=list)

    def extend(self, gaps: Iterable[Gap]) -> None:
        """Add gaps and keep the report sorted by impact."""
        self.gaps = sorted([*self.gaps, *gaps], key=Gap.sort_key)

    def count(self, severity: Severity) -> int:
        return sum(1 for g in self.gaps if g.severity == severity)

    @property
    def worst(self) -> Severity | None:
        return max((g.severity for g in self.gaps), default=None)

    @property
    def families(self) -> tuple[str, ...]:
        """The built-in families, then any others the gaps belong to."""
        extra = sorted({g.family for g in self.gaps} - set(FAMILIES))
        return (*FAMILIES, *extra)

    def of(self, persona: str | None) -> list[Gap]:
        """The gaps of `persona` (None: those that hold for every persona)."""
        return [g for g in self.gaps if g.persona == persona]

    def summaries(self) -> list[PersonaSummary]:
        """Per persona: conversion and gap counts by family (its own gaps), then a row
        "all personas" for the gaps that hold for every persona."""
        out = []
        for p in (*self.personas, None):
            mine = self.of(p)
            if p is None and not mine:
                break
            counts = {f: sum(1 for g in mine if g.family == f) for f in self.families}
            name = "all personas" if p is None else self.persona_names.get(p, p)
            out.append(PersonaSummary(p, name, self.conversion.get(p), counts))
        return out
