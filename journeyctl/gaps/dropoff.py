"""Drop-off gaps: where each persona's walks leave, and the conversions that costs.

For a touchpoint, *walks lost* is the exact share of walks that exit there; *conversions lost*
per 1,000 walks is 1,000 × walks lost × P(convert | the walk had taken one of the touchpoint's
other moves instead). A stage is a hot spot when it loses at least `HOT` of a persona's walks;
it is reported as its touchpoint when one touchpoint loses at least half of that (G601), else
as the stage, the loss spread over its touchpoints (G602): one gap per cause, never both.
Each persona keeps its `TOP` costliest hot spots.
"""

from __future__ import annotations

from collections.abc import Iterator

from journeyctl.core.escape import listing
from journeyctl.core.findings import Severity
from journeyctl.gaps.context import Context, walks
from journeyctl.gaps.flow import PersonaFlow
from journeyctl.gaps.model import Evidence, Gap, GapType, named

TOUCHPOINT = GapType(
    "G601",
    "touchpoint-drop-off",
    "dropoff",
    Severity.WARNING,
    """One touchpoint loses most of a stage's share of a persona's walks.

    The stage loses at least 10% of the persona's walks and this touchpoint at least half of
    that; a warning when it costs 25 or more conversions per 1,000 walks, else info. Find out
    why walks leave there (its first pain point is quoted) and give them a next step.
    """,
)
STAGE = GapType(
    "G602",
    "stage-drop-off",
    "dropoff",
    Severity.WARNING,
    """A stage loses a large share of a persona's walks, spread over its touchpoints.

    At least 10% of the walks leave the stage and no touchpoint loses half of that; severity as
    for G601. Review the stage as a whole: what the persona needs there (its customer goal) and
    which step is missing.
    """,
)
TYPES = (TOUCHPOINT, STAGE)

HOT = 0.10
"""Share of a persona's walks lost in a stage at or above which it is a hot spot."""
TOP = 3
"""At most this many hot spots per persona, the costliest."""
COSTLY = 25.0
"""Conversions lost per 1,000 walks at or above which a hot spot is a warning (else info)."""


def find(ctx: Context) -> Iterator[Gap]:
    for walker, flow in ctx.flows.items():
        lost = {tp: 1000 * share * flow.carry_on.get(tp, 0.0) for tp, share in flow.exits.items()}
        spots = []
        for stage in ctx.jmap.stages:
            share = flow.stage_exits.get(stage.id, 0.0)
            if share < HOT:
                continue
            leaking = sorted(
                (t.id for t in ctx.jmap.touchpoints_in(stage.id) if flow.exits.get(t.id, 0.0) > 0),
                key=lambda t: (-flow.exits[t], t),
            )
            if flow.exits[leaking[0]] >= share / 2:
                spots.append(_touchpoint(ctx, walker, flow, leaking[0], lost[leaking[0]]))
            else:
                spots.append(_stage(ctx, walker, flow, stage.id, leaking, lost))
        spots.sort(key=lambda g: (-round(g.figures["conversions_lost_per_1000"], 9), g.sort_key()))
        yield from spots[:TOP]


def _severity(lost: float) -> Severity:
    return Severity.WARNING if lost >= COSTLY else Severity.INFO


def _touchpoint(
    ctx: Context, walker: str | None, flow: PersonaFlow, tp_id: str, lost: float
) -> Gap:
    tp = ctx.jmap.touchpoint[tp_id]
    share = flow.exits[tp_id]
    evidence = [Evidence(tp.at("next:exit"), f"`{tp.id}` → exit")]
    evidence += [
        Evidence(tp.at(f"pain_points:{i}"), f"pain point: {p}")
        for i, p in enumerate(tp.pain_points)
    ]
    why = f" (pain point: {tp.pain_points[0]})" if tp.pain_points else ""
    return TOUCHPOINT.gap(
        f"{share:.0%} of {walks(walker)} drop off at {named(tp)}; "
        f"{lost:.0f} conversions per 1,000 walks lost",
        f"find out why walks leave {tp.id}{why} and give them a next step that suits "
        f"{walker or 'the customer'}",
        severity=_severity(lost),
        persona=walker,
        stage=tp.stage,
        touchpoints=(tp.id,),
        evidence=tuple(evidence),
        impact=share,
        figures={
            "walks_lost": share,
            "conversions_lost_per_1000": lost,
            "carry_on_conversion": flow.carry_on.get(tp_id, 0.0),
        },
    )


def _stage(
    ctx: Context,
    walker: str | None,
    flow: PersonaFlow,
    stage_id: str,
    leaking: list[str],
    lost: dict[str, float],
) -> Gap:
    stage = ctx.jmap.stage[stage_id]
    share = flow.stage_exits[stage_id]
    cost = sum(lost[t] for t in leaking)
    spread = listing([f"{t} {flow.exits[t]:.0%}" for t in leaking], shown=8)
    return STAGE.gap(
        f"{share:.0%} of {walks(walker)} drop off in {stage.name or stage_id} "
        f"({spread}); {cost:.0f} conversions per 1,000 walks lost",
        f"review {stage.name or stage_id} as a whole: what {walker or 'the customer'} needs "
        f"there ({stage.customer_goal or 'its customer goal'}) and which step is missing",
        severity=_severity(cost),
        persona=walker,
        stage=stage_id,
        touchpoints=tuple(leaking),
        evidence=(
            Evidence(stage.span, f"stage `{stage_id}`"),
            *(
                Evidence(
                    ctx.jmap.touchpoint[t].at("next:exit"), f"`{t}` → exit {flow.exits[t]:.0%}"
                )
                for t in leaking
            ),
        ),
        impact=share,
        figures={"walks_lost": share, "conversions_lost_per_1000": cost},
    )
