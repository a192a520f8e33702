"""A touchpoint names a screen that the map does not define.

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
    screens:
      - {id: phone, name: Smartphone, class: smartphone}
    touchpoints:
      - {id: buy, stage: purchase, channel: web, engagement: active, screens: [phone, tv]}

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
    screens:
      - {id: phone, name: Smartphone, class: smartphone}
    touchpoints:
      - {id: buy, stage: purchase, channel: web, engagement: active, screens: [phone]}
"""

from journeyctl.core.codes import Rule
from journeyctl.core.findings import Severity
from journeyctl.lint.rules._support import did_you_mean

RULE = Rule("JM103", "unknown-screen", Severity.ERROR, __doc__)


def check(jmap):
    for tp in jmap.touchpoints:
        for i, sc in enumerate(tp.screens):
            if sc not in jmap.screen:
                yield RULE.at(
                    tp.at(f"screens:{i}"),
                    f"touchpoint `{tp.id}` names unknown screen `{sc}`",
                    did_you_mean(sc, jmap.screen, "screen"),
                )
