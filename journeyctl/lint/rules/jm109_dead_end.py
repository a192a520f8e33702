"""A touchpoint has nowhere to go and is not a goal.

A walk that reaches it is stuck. Give it moves (`next`), including `exit` for leaving.

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
      - {id: browse, stage: purchase, channel: web, engagement: passive}
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
         next: {buy: 2, exit: 1}}
      - {id: buy, stage: purchase, channel: web, engagement: active}
"""

from journeyctl.core.codes import Rule
from journeyctl.core.findings import Severity

RULE = Rule("JM109", "dead-end", Severity.ERROR, __doc__)


def check(jmap):
    if jmap.journey is None:
        return
    goals = set(jmap.journey.goal)
    for tp in jmap.touchpoints:
        if tp.id not in goals and not tp.next:
            yield RULE.at(
                tp.at("id"),
                f"touchpoint `{tp.id}` has nowhere to go and is not a goal",
                "add `next:` with the touchpoints that follow, and `exit` for leaving",
            )
