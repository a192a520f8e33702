"""A weight is negative, the weights of a `next` or `entry` mapping (the journey's or a
persona's) add up to zero, or a positive weight is too small beside the largest of its mapping
to be computed with.

Weights are relative: they are divided by their sum to give probabilities, so none may be
negative and at least one must be positive. A positive weight under a billionth of the
largest one (a probability below 1e-9) is lost in floating-point arithmetic: write 0 instead.

Failing example::

    journeyctl: 1
    journey:
      id: demo
      name: Demo
      goal: {touchpoints: [buy]}
      entry: {browse: 1}
    stages:
      - {id: purchase, name: Purchase}
    channels:
      - {id: web, name: Website}
    touchpoints:
      - {id: browse, stage: purchase, channel: web, engagement: passive,
         next: {buy: -1, exit: 1}}
      - {id: buy, stage: purchase, channel: web, engagement: active}

Passing example::

    journeyctl: 1
    journey:
      id: demo
      name: Demo
      goal: {touchpoints: [buy]}
      entry: {browse: 1}
    stages:
      - {id: purchase, name: Purchase}
    channels:
      - {id: web, name: Website}
    touchpoints:
      - {id: browse, stage: purchase, channel: web, engagement: passive,
         next: {buy: 1, exit: 1}}
      - {id: buy, stage: purchase, channel: web, engagement: active}
"""

from journeyctl.core.codes import Rule
from journeyctl.core.findings import Severity

RULE = Rule("JM110", "bad-weights", Severity.ERROR, __doc__)
SMALLEST_SHARE = 1e-9
"""The smallest positive weight, as a share of the largest weight of its mapping."""


def _moves(jmap):
    if jmap.journey is not None:
        yield "entry", jmap.journey.at("entry"), jmap.journey.entry
        for p in jmap.personas:
            if "entry" in p.spans:
                yield f"entry of persona `{p.id}`", p.at("entry"), p.entry
    for tp in jmap.touchpoints:
        if tp.next:
            yield f"`next` of touchpoint `{tp.id}`", tp.at("next"), tp.next


def check(jmap):
    for what, span, moves in _moves(jmap):
        negative = [m for m in moves if m.weight < 0]
        for m in negative:
            yield RULE.at(
                m.span,
                f"{what}: weight {m.weight:g} for `{m.target}` is negative",
                "weights are relative and must be 0 or more",
            )
        if not negative and sum(m.weight for m in moves) <= 0:
            yield RULE.at(
                span,
                f"{what}: weights add up to zero",
                "give at least one target a positive weight",
            )
        largest = max((m.weight for m in moves), default=0)
        for m in moves:
            if 0 < m.weight < largest * SMALLEST_SHARE:
                yield RULE.at(
                    m.span,
                    f"{what}: weight {m.weight:g} for `{m.target}` is less than a billionth "
                    f"of the largest ({largest:g}), too small to compute with",
                    "write 0 for a move that never happens, or a larger weight",
                )
