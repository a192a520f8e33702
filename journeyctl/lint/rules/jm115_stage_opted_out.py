"""A persona opted out of every channel that a stage uses.

The brand cannot reach this persona in that stage at all: the stage needs a touchpoint on a
channel the persona still accepts.

Failing example::

    journeyctl: 1
    journey:
      id: demo
      name: Demo
      goal: {touchpoints: [buy]}
      entry: {offer: 1}
    stages:
      - {id: awareness, name: Awareness}
      - {id: purchase, name: Purchase}
    channels:
      - {id: sms, name: SMS}
      - {id: web, name: Website}
    personas:
      - {id: loyal, name: Loyal customer, opted_out: [sms]}
    touchpoints:
      - {id: offer, stage: awareness, channel: sms, engagement: passive,
         initiated_by: brand, next: {buy: 1, exit: 3}}
      - {id: buy, stage: purchase, channel: web, engagement: active}

Passing example::

    journeyctl: 1
    journey:
      id: demo
      name: Demo
      goal: {touchpoints: [buy]}
      entry: {offer: 1, app-news: 1}
    stages:
      - {id: awareness, name: Awareness}
      - {id: purchase, name: Purchase}
    channels:
      - {id: sms, name: SMS}
      - {id: web, name: Website}
    personas:
      - {id: loyal, name: Loyal customer, opted_out: [sms]}
    touchpoints:
      - {id: offer, stage: awareness, channel: sms, engagement: passive,
         initiated_by: brand, next: {buy: 1, exit: 3}}
      - {id: app-news, stage: awareness, channel: web, engagement: passive,
         next: {buy: 1, exit: 3}}
      - {id: buy, stage: purchase, channel: web, engagement: active}
"""

from journeyctl.core.codes import Rule
from journeyctl.core.findings import Severity

RULE = Rule("JM115", "stage-opted-out", Severity.WARNING, __doc__)


def check(jmap):
    if jmap.journey is None:
        return
    for stage in jmap.stages:
        channels = {tp.channel for tp in jmap.touchpoints_in(stage.id)}
        if not channels:
            continue
        for p in jmap.personas:
            if channels <= set(p.opted_out):
                yield RULE.at(
                    p.at("opted_out"),
                    f"persona `{p.id}` opted out of every channel of stage `{stage.id}` "
                    f"({', '.join(sorted(channels))})",
                    "add a touchpoint in this stage on a channel the persona still accepts",
                )
