"""Engagement gaps: stages where the customer can only watch, and touchpoints that give nothing.

A stage is judged on the touchpoints a persona can meet there (not on a channel it has
affinity 0 for). When the stage fails for everyone, that is one gap without a persona; when
only some personas' share of the stage fails, each of them gets one.
"""

from __future__ import annotations

from collections.abc import Iterator

from journeyctl.core.findings import Severity
from journeyctl.core.model import Persona, Stage, Touchpoint
from journeyctl.gaps.context import Context
from journeyctl.gaps.model import Evidence, Gap, GapType, named

PASSIVE = GapType(
    "G201",
    "passive-stage",
    "engagement",
    Severity.WARNING,
    """Every touchpoint of a stage is passive or mini: the customer can only watch.

    Judged on the touchpoints a persona can meet there (not those on a channel with affinity 0).
    Add an active touchpoint the customer starts: ask, try, compare, book, share.
    """,
)
ONE_WAY = GapType(
    "G202",
    "no-customer-voice",
    "engagement",
    Severity.WARNING,
    """No touchpoint of a stage is started by the customer or two-way.

    Reported only when the stage is not already G201. Add a customer-initiated or two-way
    touchpoint: search, chat, call, reply.
    """,
)
NO_VALUE = GapType(
    "G203",
    "no-value",
    "engagement",
    Severity.WARNING,
    """A touchpoint declares no `value`: it offers the customer nothing.

    Give it a reason to engage (informative, insightful, fun, shareable, offer) and declare it
    in `value:`, or drop the touchpoint.
    """,
)
TYPES = (PASSIVE, ONE_WAY, NO_VALUE)


def find(ctx: Context) -> Iterator[Gap]:
    jmap = ctx.jmap
    for stage in jmap.stages:
        tps = jmap.touchpoints_in(stage.id)
        if not tps:
            continue
        shared = _stage_gap(ctx, stage, tps, None)
        if shared is not None:
            yield shared
            continue
        for persona in ctx.personas:
            usable = [tp for tp in tps if persona.channel_affinity.get(tp.channel, 1.0) > 0]
            if usable and len(usable) < len(tps):
                gap = _stage_gap(ctx, stage, usable, persona)
                if gap is not None:
                    yield gap
    for tp in jmap.touchpoints:
        if not tp.value:
            yield NO_VALUE.gap(
                f"{named(tp)} offers the customer nothing: no `value` declared",
                "give it a reason to engage (informative, insightful, fun, shareable, offer) "
                "and declare it, or drop the touchpoint",
                stage=tp.stage,
                touchpoints=(tp.id,),
                evidence=(Evidence(tp.span, f"`{tp.id}` has no `value:`"),),
                impact=ctx.widest(lambda p, t=tp.id: ctx.visit(p, t)),
            )


def _stage_gap(
    ctx: Context, stage: Stage, tps: list[Touchpoint], persona: Persona | None
) -> Gap | None:
    """The one engagement gap of `stage` as met through `tps`, passive first (it is the
    deeper cause: a passive stage whose touchpoints the brand starts is one gap, not two)."""
    passive = all(tp.engagement != "active" for tp in tps)
    one_way = not any(tp.initiated_by == "customer" or tp.two_way for tp in tps)
    if not (passive or one_way):
        return None
    name = stage.name or stage.id
    who = f"for {persona.id}, " if persona else ""
    listed = ", ".join(f"{tp.id} ({tp.engagement}, {tp.initiated_by})" for tp in tps)
    if passive:
        kind = PASSIVE
        message = f"{who}{name} has only passive engagement: {listed}"
        advice = "add an active touchpoint the customer starts: ask, try, compare, book, share"
    else:
        kind = ONE_WAY
        message = f"{who}{name} has nothing the customer starts or answers: {listed}"
        advice = "add a customer-initiated or two-way touchpoint (search, chat, call, reply)"
    evidence = [Evidence(stage.span, f"stage `{stage.id}`")]
    evidence += [
        Evidence(
            tp.at("engagement" if passive else "initiated_by"),
            f"`{tp.id}`: {tp.engagement}, initiated by {tp.initiated_by}",
        )
        for tp in tps
    ]
    if persona is not None:
        left = sorted(
            {tp.channel for tp in ctx.jmap.touchpoints_in(stage.id)} - {tp.channel for tp in tps}
        )
        evidence.append(
            Evidence(
                persona.at(f"channel_affinity:{left[0]}"),
                f"`{persona.id}` never uses {', '.join(left)} (affinity 0)",
            )
        )
        impact = ctx.reach(persona.id, stage.id)
    else:
        impact = ctx.widest(lambda p: ctx.reach(p, stage.id))
    return kind.gap(
        message,
        advice,
        persona=persona.id if persona else None,
        stage=stage.id,
        touchpoints=tuple(tp.id for tp in tps),
        evidence=tuple(evidence),
        impact=impact,
    )
