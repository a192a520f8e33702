"""Measurement gaps: key touchpoints that nobody measures.

A touchpoint is key when it is a goal, a moment of truth, or on the way for most converting
walks: P(visit | convert) ≥ 0.5 for some persona (exact, on the path to the first goal). One
gap per touchpoint, whatever the personas, names every reason it is key.
"""

from __future__ import annotations

from collections.abc import Iterator

from journeyctl.core.findings import Severity
from journeyctl.core.model import Touchpoint
from journeyctl.gaps.context import Context, walks
from journeyctl.gaps.model import Evidence, Gap, GapType, named

UNMEASURED = GapType(
    "G401",
    "key-unmeasured",
    "measurement",
    Severity.WARNING,
    """A key touchpoint is marked not measurable.

    A touchpoint is key when it is a goal, a moment of truth, or on the way for most converting
    walks (P(visit | convert) ≥ 0.5 for some persona). Name how it is measured in `kpis:` and
    instrument it; measure a mini touchpoint by proxy (tagged referral links, a 'where did you
    hear of us' question).
    """,
)
NO_KPI = GapType(
    "G402",
    "key-without-kpi",
    "measurement",
    Severity.WARNING,
    """A key touchpoint is measured but names no KPI.

    Key as for G401. Name how it is measured in `kpis:` (completion, drop-off, satisfaction).
    """,
)
TYPES = (UNMEASURED, NO_KPI)

KEY = 0.5
"""P(visit | convert) at or above which a touchpoint is key for a persona."""


def find(ctx: Context) -> Iterator[Gap]:
    journey = ctx.jmap.journey
    goals = journey.goal if journey else ()
    for tp in ctx.jmap.touchpoints:
        if tp.measurable and tp.kpis:
            continue
        reasons, evidence = [], []
        if tp.id in goals:
            reasons.append("a goal")
            evidence.append(
                Evidence(
                    journey.at(f"goal:{goals.index(tp.id)}"), f"`{tp.id}` is a goal of the journey"
                )
            )
        if tp.moment_of_truth:
            reasons.append("a moment of truth")
            evidence.append(Evidence(tp.at("moment_of_truth"), f"`{tp.id}` is a moment of truth"))
        shares = {w: f.given_conversion.get(tp.id, 0.0) for w, f in ctx.flows.items()}
        passing = sorted((w for w, s in shares.items() if s >= KEY), key=lambda w: w or "")
        if passing and tp.id not in goals:  # every converting walk reaches some goal
            said = ", ".join(f"{shares[w]:.0%} of {walks(w, 'converting ')}" for w in passing)
            reasons.append(f"on the way for {said}")
        if reasons:
            yield _gap(ctx, tp, reasons, evidence, shares, passing)


def _and(items: list[str]) -> str:
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else items[0]


def _gap(
    ctx: Context,
    tp: Touchpoint,
    reasons: list[str],
    evidence: list[Evidence],
    shares: dict,
    passing: list,
) -> Gap:
    if not tp.measurable:
        kind, lack = UNMEASURED, "is not measured"
        if "measurable" in tp.spans:
            evidence.insert(0, Evidence(tp.at("measurable"), f"`{tp.id}` is `measurable: false`"))
        else:
            evidence.insert(0, Evidence(tp.span, f"`{tp.id}` has no `kpis:`"))
    else:
        kind, lack = NO_KPI, "names no KPI"
        evidence.insert(0, Evidence(tp.at("measurable"), f"`{tp.id}` is measured without KPIs"))
    if tp.engagement == "mini":
        advice = (
            f"measure {tp.id} by proxy (tagged referral links, a 'where did you hear "
            "of us' question) and name the KPI in `kpis:`"
        )
    else:
        advice = (
            f"name how {tp.id} is measured in `kpis:` (completion, drop-off, "
            "satisfaction) and instrument it"
        )
    return kind.gap(
        f"{named(tp)} {lack}, yet it is {_and(reasons)}",
        advice,
        stage=tp.stage,
        touchpoints=(tp.id,),
        evidence=tuple(evidence),
        impact=ctx.widest(lambda w: ctx.visit(w, tp.id)),
        figures={f"given_conversion.{w or 'all'}": shares[w] for w in passing},
    )
