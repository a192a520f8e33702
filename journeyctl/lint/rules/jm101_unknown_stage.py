"""A touchpoint names a stage that the map does not define.

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
      - {id: buy, stage: purchse, channel: web, engagement: active}

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
from journeyctl.lint.rules._support import did_you_mean

RULE = Rule("JM101", "unknown-stage", Severity.ERROR, __doc__)


def check(jmap):
    for tp in jmap.touchpoints:
        if tp.stage not in jmap.stage:
            yield RULE.at(
                tp.at("stage"),
                f"touchpoint `{tp.id}` names unknown stage `{tp.stage}`",
                did_you_mean(tp.stage, jmap.stage, "stage"),
            )
