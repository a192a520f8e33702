"""Every touchpoint of a stage is initiated by the brand.

The customer can only receive in this stage, never start anything: an inside-out design.

Failing example::

    journeyctl: 1
    journey:
      id: demo
      name: Demo
      goal: {touchpoints: [buy]}
      entry: {ad: 1}
    stages:
      - {id: awareness, name: Awareness}
      - {id: purchase, name: Purchase}
    channels:
      - {id: web, name: Website}
    touchpoints:
      - {id: ad, stage: awareness, channel: web, engagement: passive, initiated_by: brand,
         next: {buy: 1, exit: 4}}
      - {id: buy, stage: purchase, channel: web, engagement: active}

Passing example::

    journeyctl: 1
    journey:
      id: demo
      name: Demo
      goal: {touchpoints: [buy]}
      entry: {ad: 1, search: 1}
    stages:
      - {id: awareness, name: Awareness}
      - {id: purchase, name: Purchase}
    channels:
      - {id: web, name: Website}
    touchpoints:
      - {id: ad, stage: awareness, channel: web, engagement: passive, initiated_by: brand,
         next: {buy: 1, exit: 4}}
      - {id: search, stage: awareness, channel: web, engagement: active,
         next: {buy: 1, exit: 4}}
      - {id: buy, stage: purchase, channel: web, engagement: active}
"""

from journeyctl.core.codes import Rule
from journeyctl.core.findings import Severity

RULE = Rule("JM118", "brand-only-stage", Severity.INFO, __doc__)


def check(jmap):
    for stage in jmap.stages:
        tps = jmap.touchpoints_in(stage.id)
        if tps and all(tp.initiated_by == "brand" for tp in tps):
            yield RULE.at(
                stage.at("id"),
                f"every touchpoint of stage `{stage.id}` is initiated by the brand",
                "add a touchpoint the customer starts (search, ask, compare, share)",
            )
