"""A touchpoint cannot be reached from any entry of the journey or of a persona.

No walk through the journey ever gets there: either an entry or a move into it is missing, or
it is left over.

Failing example::

    journeyctl: 1
    journey:
      id: demo
      name: Demo
      goal: {touchpoints: [buy]}
      entry: {buy: 1}
    stages:
      - {id: purchase, name: Purchase}
    channels:
      - {id: web, name: Website}
    touchpoints:
      - {id: buy, stage: purchase, channel: web, engagement: active}
      - {id: review, stage: purchase, channel: web, engagement: active, next: {buy: 1}}

Passing example::

    journeyctl: 1
    journey:
      id: demo
      name: Demo
      goal: {touchpoints: [buy]}
      entry: {review: 1}
    stages:
      - {id: purchase, name: Purchase}
    channels:
      - {id: web, name: Website}
    touchpoints:
      - {id: buy, stage: purchase, channel: web, engagement: active}
      - {id: review, stage: purchase, channel: web, engagement: active, next: {buy: 1}}
"""

from journeyctl.core.codes import Rule
from journeyctl.core.findings import Severity
from journeyctl.core.graph import entries, reachable

RULE = Rule("JM107", "unreachable-touchpoint", Severity.WARNING, __doc__)


def check(jmap):
    starts = [*entries(jmap), *(m.target for p in jmap.personas for m in p.entry if m.weight > 0)]
    if not starts:
        return
    seen = reachable(jmap, starts)
    for tp in jmap.touchpoints:
        if tp.id not in seen:
            yield RULE.at(
                tp.at("id"),
                f"touchpoint `{tp.id}` cannot be reached from any entry",
                "add a move into it from another touchpoint, or list it under `journey.entry`",
            )
