"""A channel or screen defined in the journey's own file is used by no touchpoint.

Shared catalogues are not checked: they serve many journeys.

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
      - {id: fax, name: Fax}
    touchpoints:
      - {id: buy, stage: purchase, channel: web, engagement: active}

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

RULE = Rule("JM119", "unused-definition", Severity.INFO, __doc__)


def check(jmap):
    if jmap.journey is None or not jmap.touchpoints:
        return
    root = jmap.files[0]
    used = {
        "channel": {tp.channel for tp in jmap.touchpoints},
        "screen": {s for tp in jmap.touchpoints for s in tp.screens},
    }
    for kind, items in (("channel", jmap.channels), ("screen", jmap.screens)):
        for item in items:
            if item.span.file == root and item.id not in used[kind]:
                yield RULE.at(
                    item.at("id"),
                    f"{kind} `{item.id}` is used by no touchpoint",
                    "use it in a touchpoint, or move it to a shared catalogue or remove it",
                )
