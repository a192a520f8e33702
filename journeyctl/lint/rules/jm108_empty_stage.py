"""A stage has no touchpoints.

The customer passes through the stage without meeting the brand at all, or the stage is left
over from a template.

Failing example::

    journeyctl: 1
    journey:
      id: demo
      name: Demo
      goal: {touchpoints: [buy]}
      entry: {buy: 1}
    stages:
      - {id: awareness, name: Awareness}
      - {id: purchase, name: Purchase}
    channels:
      - {id: web, name: Website}
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

RULE = Rule("JM108", "empty-stage", Severity.WARNING, __doc__)


def check(jmap):
    if jmap.journey is None:
        return
    used = {tp.stage for tp in jmap.touchpoints}
    for stage in jmap.stages:
        if stage.id not in used:
            yield RULE.at(
                stage.at("id"),
                f"stage `{stage.id}` has no touchpoints",
                "add a touchpoint with this `stage`, or remove the stage",
            )
