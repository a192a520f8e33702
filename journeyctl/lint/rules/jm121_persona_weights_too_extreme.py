"""For some persona, a move is too unlikely to compute with once its affinities apply.

A persona multiplies the weight of each move by its affinity for the target's channel and
screens. Very large and very small affinities together can make a move's probability smaller
than 1e-12 beside the others of its touchpoint: floating-point arithmetic then loses it, and
a loop such a move should leave can look as if it is never left. Keep affinities moderate
(a persona who uses a channel ten times more than another has affinity 10, not 10¹²), or
write 0 for a move this persona never takes.

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
      - {id: app, name: App}
    personas:
      - {id: fan, name: Web fan, channel_affinity: {web: 1000000, app: 0.000001}}
    touchpoints:
      - {id: browse, stage: purchase, channel: web, engagement: passive,
         next: {browse: 1, buy: 1, exit: 0}}
      - {id: buy, stage: purchase, channel: app, engagement: active}

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
      - {id: app, name: App}
    personas:
      - {id: fan, name: Web fan, channel_affinity: {web: 10, app: 0.1}}
    touchpoints:
      - {id: browse, stage: purchase, channel: web, engagement: passive,
         next: {browse: 1, buy: 1, exit: 0}}
      - {id: buy, stage: purchase, channel: app, engagement: active}
"""

from journeyctl.core.codes import Rule
from journeyctl.core.findings import Severity
from journeyctl.core.model import EXIT

RULE = Rule("JM121", "persona-weights-too-extreme", Severity.ERROR, __doc__)
SMALLEST = 1e-12
"""The smallest probability of a move a persona takes at all."""


def check(jmap):
    if jmap.journey is None:
        return
    for persona in jmap.personas:
        # A persona's own entry is taken as written (JM110 checks it).
        sources = [] if persona.entry else [("entry", jmap.journey.entry)]
        sources += [(f"touchpoint `{tp.id}`", tp.next) for tp in jmap.touchpoints if tp.next]
        for where, listed in sources:
            moves = [m for m in listed if m.target == EXIT or m.target in jmap.touchpoint]
            weights = jmap.adjusted(moves, persona)
            total = sum(w for _, w in weights)
            for move, (target, weight) in zip(moves, weights, strict=True):
                if 0 < weight < total * SMALLEST:
                    yield RULE.at(
                        move.span,
                        f"for persona `{persona.id}`, the move from {where} to `{target}` has "
                        f"probability {weight / total:.1e}, too small to compute with",
                        "make the persona's channel and screen affinities less extreme, "
                        "or write 0 for a move it never takes",
                    )
