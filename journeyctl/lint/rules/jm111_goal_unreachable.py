"""No goal touchpoint can be reached from the journey's entries.

Nobody can convert. Simulation would report a conversion rate of zero.

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
      - {id: browse, stage: purchase, channel: web, engagement: passive, next: {exit: 1}}
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
from journeyctl.core.graph import entries, reachable

RULE = Rule("JM111", "goal-unreachable", Severity.ERROR, __doc__)


def check(jmap):
    j = jmap.journey
    starts = entries(jmap)
    if j is None or not starts or not any(g in jmap.touchpoint for g in j.goal):
        return
    if not reachable(jmap, starts) & set(j.goal):
        yield RULE.at(
            j.at("goal"),
            "no goal touchpoint can be reached from the journey's entries",
            "add moves that lead from the entries to a goal touchpoint",
        )
