"""Push gaps: brand messages a persona refused, and offers of what a persona already has.

One gap per touchpoint and persona for each cause. Offers only count on touchpoints the brand
starts: a product page the customer opens may list what they own; a campaign should not.
The impact is the touchpoint's audience: the share of the persona's walks that reach it or a
touchpoint that leads to it (the persona chain never delivers an opted-out message, so its own
visits would say 0).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from journeyctl.core.findings import Severity
from journeyctl.core.model import Touchpoint
from journeyctl.gaps.context import Context
from journeyctl.gaps.model import Evidence, Gap, GapType, named

OPTED_OUT = GapType(
    "G301",
    "opted-out-push",
    "push",
    Severity.ERROR,
    """The brand starts a touchpoint on a channel the persona opted out of.

    The touchpoint is `initiated_by: brand` on a channel in the persona's `opted_out`. Suppress
    the persona from that channel's audience, or reach them on a channel they accept.
    """,
)
OWNED_OFFER = GapType(
    "G302",
    "owned-offer",
    "push",
    Severity.WARNING,
    """A brand-initiated touchpoint offers something the persona already owns.

    The touchpoint is `initiated_by: brand` and `offers` something in the persona's `owns` (a
    page the customer opens may list it; a campaign should not). Exclude the owners from the
    audience, or offer them something they do not have.
    """,
)
TYPES = (OPTED_OUT, OWNED_OFFER)


def find(ctx: Context) -> Iterator[Gap]:
    leads = _leads(ctx)
    for persona in ctx.personas:
        for tp in ctx.jmap.touchpoints:
            if tp.initiated_by != "brand":
                continue
            where = dict(
                persona=persona.id,
                stage=tp.stage,
                touchpoints=(tp.id,),
                impact=_audience(ctx, persona.id, tp, leads.get(tp.id, ())),
            )
            if tp.channel in persona.opted_out:
                i = persona.opted_out.index(tp.channel)
                yield OPTED_OUT.gap(
                    f"{named(tp)} is sent on {tp.channel}, which {persona.id} opted out of",
                    f"suppress {persona.id} from the {tp.channel} audience, or reach them on a "
                    "channel they accept",
                    evidence=(
                        Evidence(tp.at("channel"), f"`{tp.id}` is brand-initiated on {tp.channel}"),
                        Evidence(
                            persona.at(f"opted_out:{i}"),
                            f"`{persona.id}` opted out of {tp.channel}",
                        ),
                    ),
                    **where,
                )
            owned = [o for o in tp.offers if o in persona.owns]
            if owned:
                evidence = [
                    Evidence(tp.at(f"offers:{tp.offers.index(o)}"), f"`{tp.id}` offers {o}")
                    for o in owned
                ]
                evidence += [
                    Evidence(
                        persona.at(f"owns:{persona.owns.index(o)}"), f"`{persona.id}` owns {o}"
                    )
                    for o in owned
                ]
                yield OWNED_OFFER.gap(
                    f"{named(tp)} offers {', '.join(owned)}, which {persona.id} already has",
                    f"exclude owners of {', '.join(owned)} from the audience, or offer them "
                    "something they do not have",
                    evidence=tuple(evidence),
                    **where,
                )


def _leads(ctx: Context) -> dict[str, list[str]]:
    """Per touchpoint, the touchpoints with a move of positive weight to it."""
    leads: dict[str, list[str]] = {}
    for src in ctx.jmap.touchpoints:
        for target in dict.fromkeys(m.target for m in src.next if m.weight > 0):
            leads.setdefault(target, []).append(src.id)
    return leads


def _audience(ctx: Context, persona: str, tp: Touchpoint, leads: Sequence[str]) -> float:
    """The share of `persona`'s walks that reach `tp` or a touchpoint (`leads`) or entry
    leading to it."""
    shares = [ctx.visit(persona, tp.id)]
    shares += [ctx.visit(persona, src) for src in leads]
    entry = ctx.jmap.journey.entry if ctx.jmap.journey else ()
    total = sum(e.weight for e in entry if e.weight > 0)
    shares += [e.weight / total for e in entry if e.target == tp.id and e.weight > 0]
    return max(shares)
