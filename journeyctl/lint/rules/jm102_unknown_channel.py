"""A touchpoint or a persona's opt-out names a channel that the map does not define.

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
      - {id: buy, stage: purchase, channel: webshop, engagement: active}

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

RULE = Rule("JM102", "unknown-channel", Severity.ERROR, __doc__)


def check(jmap):
    for tp in jmap.touchpoints:
        if tp.channel not in jmap.channel:
            yield RULE.at(
                tp.at("channel"),
                f"touchpoint `{tp.id}` names unknown channel `{tp.channel}`",
                did_you_mean(tp.channel, jmap.channel, "channel"),
            )
    for p in jmap.personas:
        for i, ch in enumerate(p.opted_out):
            if ch not in jmap.channel:
                yield RULE.at(
                    p.at(f"opted_out:{i}"),
                    f"persona `{p.id}` opted out of unknown channel `{ch}`",
                    did_you_mean(ch, jmap.channel, "channel"),
                )
