"""A goal touchpoint is passive engagement.

Conversion is something the customer does (buys, subscribes, books); a goal that is only
seen or browsed is usually a mistake in the map.

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
      - {id: buy, stage: purchase, channel: web, engagement: passive}

Passing example::

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
"""

from journeyctl.core.codes import Rule
from journeyctl.core.findings import Severity

RULE = Rule("JM120", "passive-goal", Severity.WARNING, __doc__)


def check(jmap):
    if jmap.journey is None:
        return
    for i, goal in enumerate(jmap.journey.goal):
        tp = jmap.touchpoint.get(goal)
        if tp is not None and tp.engagement == "passive":
            yield RULE.at(
                jmap.journey.at(f"goal:{i}"),
                f"goal touchpoint `{goal}` is passive engagement",
                "make the goal an active touchpoint (buy, subscribe, book)",
            )
