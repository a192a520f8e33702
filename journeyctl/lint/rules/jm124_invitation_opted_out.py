"""A persona opted out of the channel of an invitation.

An invitation (`initiated_by: brand`, `invitation: true`) is taken up only by those who choose
to: a persona who opted out of its channel never takes it up, so its walks never pass there.
Invite that persona on a channel they accept as well. (A persona's own messages on the
channel, such as texting for a quote, are not affected by the opt-out.)

Failing example::

    journeyctl: 1
    journey:
      id: demo
      name: Demo
      goal: {touchpoints: [buy]}
      entry: {quote: 1}
    stages:
      - {id: purchase, name: Purchase}
    channels:
      - {id: sms, name: SMS}
      - {id: web, name: Website}
    personas:
      - {id: loyal, name: Loyal customer, opted_out: [sms]}
    touchpoints:
      - {id: quote, stage: purchase, channel: sms, engagement: active,
         next: {invite: 1, exit: 1}}
      - {id: invite, stage: purchase, channel: sms, engagement: passive,
         initiated_by: brand, invitation: true, next: {buy: 1, exit: 3}}
      - {id: buy, stage: purchase, channel: web, engagement: active}

Passing example::

    journeyctl: 1
    journey:
      id: demo
      name: Demo
      goal: {touchpoints: [buy]}
      entry: {quote: 1}
    stages:
      - {id: purchase, name: Purchase}
    channels:
      - {id: sms, name: SMS}
      - {id: web, name: Website}
    personas:
      - {id: loyal, name: Loyal customer, opted_out: [sms]}
    touchpoints:
      - {id: quote, stage: purchase, channel: sms, engagement: active,
         next: {invite: 1, exit: 1}}
      - {id: invite, stage: purchase, channel: web, engagement: passive,
         initiated_by: brand, invitation: true, next: {buy: 1, exit: 3}}
      - {id: buy, stage: purchase, channel: web, engagement: active}
"""

from journeyctl.core.codes import Rule
from journeyctl.core.findings import Severity

RULE = Rule("JM124", "invitation-opted-out", Severity.WARNING, __doc__)


def check(jmap):
    for tp in jmap.touchpoints:
        if not (tp.invitation and tp.initiated_by == "brand"):
            continue
        for p in jmap.personas:
            if tp.channel in p.opted_out:
                yield RULE.at(
                    tp.at("channel"),
                    f"persona `{p.id}` opted out of {tp.channel}, so never takes up the "
                    f"invitation `{tp.id}`",
                    f"invite `{p.id}` on a channel they accept as well",
                )
