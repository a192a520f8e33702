"""A weight is negative, or the weights of a `next` or `entry` mapping add up to zero.

Weights are relative: they are divided by their sum to give probabilities, so none may be
negative and at least one must be positive.

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


def _moves(jmap):
    if jmap.journey is not None:
        yield "entry", jmap.journey.at("entry"), jmap.journey.entry
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
