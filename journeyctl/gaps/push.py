"""Push gaps: brand messages sent to a persona who refused them, or offering what they own or
do not want.

Only pushes count (`initiated_by: brand` and not `invitation`): an invitation is the customer's
choice, and a persona who declines it never takes it up. One gap per touchpoint and persona for
each cause. Offers count on pushes alone: a product page the customer opens may list what they
own; a campaign should not. A push reaches the persona whatever they refused, so the impact is
the share of the persona's walks that receive it.
"""

from __future__ import annotations

from collections.abc import Iterator

from journeyctl.core.findings import Severity
from journeyctl.core.model import Persona, Touchpoint
from journeyctl.gaps.context import Context
from journeyctl.gaps.model import Evidence, Gap, GapType, named

OPTED_OUT = GapType(
    "G301",
    "opted-out-push",
    "push",
    Severity.ERROR,
    """The brand pushes a touchpoint on a channel the persona opted out of.

    The touchpoint is a push (`initiated_by: brand`, not an `invitation`) on a channel in the
    persona's `opted_out`. Suppress the persona from that channel's audience, or reach them on
    a channel they accept.
    """,
)
OWNED_OFFER = GapType(
    "G302",
    "owned-offer",
    "push",
    Severity.WARNING,
    """A push offers something the persona already owns.

    The touchpoint is a push (`initiated_by: brand`, not an `invitation`) and `offers`
    something in the persona's `owns` (a page the customer opens may list it; a campaign should
    not). Exclude the owners from the audience, or offer them something they do not have.
    """,
)
UNWANTED_OFFER = GapType(
    "G303",
    "unwanted-offer",
    "push",
    Severity.WARNING,
    """A push offers something the persona is not interested in.

    The touchpoint is a push (`initiated_by: brand`, not an `invitation`) and `offers`
    something in the persona's `not_interested`. Leave the persona out of the audience, or
    offer them something they want; an invitation they could decline would not impose it.
    """,
)
TYPES = (OPTED_OUT, OWNED_OFFER, UNWANTED_OFFER)


def find(ctx: Context) -> Iterator[Gap]:
    for persona in ctx.personas:
        for tp in ctx.jmap.touchpoints:
            if not tp.push:
                continue
            where = dict(
                persona=persona.id,
                stage=tp.stage,
                touchpoints=(tp.id,),
                impact=ctx.visit(persona.id, tp.id),
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
            yield from _offer_gaps(tp, persona, where)


_OFFER_CHECKS = (
    # gap type, the persona's list, as the evidence says it, as the message says it, the fix
    (OWNED_OFFER, "owns", "owns", "already has",
     "exclude owners of {offers} from the audience, or offer them something they do not have"),
    (UNWANTED_OFFER, "not_interested", "is not interested in", "is not interested in",
     "leave {persona} out of the audience for {offers}, or offer them something they want"),
)  # fmt: skip


def _offer_gaps(tp: Touchpoint, persona: Persona, where: dict) -> Iterator[Gap]:
    """G302 and G303: what push `tp` offers that `persona` owns, or is not interested in, with
    each offer and each item of the persona's list as evidence."""
    for gap_type, field, notes, says, fix in _OFFER_CHECKS:
        theirs = getattr(persona, field)
        hits = [o for o in tp.offers if o in theirs]
        if not hits:
            continue
        evidence = [
            Evidence(tp.at(f"offers:{tp.offers.index(o)}"), f"`{tp.id}` offers {o}") for o in hits
        ]
        evidence += [
            Evidence(persona.at(f"{field}:{theirs.index(o)}"), f"`{persona.id}` {notes} {o}")
            for o in hits
        ]
        offers = ", ".join(hits)
        yield gap_type.gap(
            f"{named(tp)} offers {offers}, which {persona.id} {says}",
            fix.format(offers=offers, persona=persona.id),
            evidence=tuple(evidence),
            **where,
        )
