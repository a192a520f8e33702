"""A touchpoint is an invitation but is not initiated by the brand.

An invitation (`invitation: true`) is the brand's: the brand invites and the customer chooses
whether to take it up. A touchpoint the customer starts is no invitation; write
`initiated_by: brand`, or drop `invitation`.

Failing example::

    journeyctl: 1
    journey:
      id: demo
      name: Demo
      goal: {touchpoints: [buy]}
      entry: {newsletter: 1}
    stages:
      - {id: purchase, name: Purchase}
    channels:
      - {id: email, name: Email}
      - {id: web, name: Website}
    touchpoints:
      - {id: newsletter, stage: purchase, channel: email, engagement: passive,
         invitation: true, next: {buy: 1, exit: 3}}
      - {id: buy, stage: purchase, channel: web, engagement: active}

Passing example::

    journeyctl: 1
    journey:
      id: demo
      name: Demo
      goal: {touchpoints: [buy]}
      entry: {newsletter: 1}
    stages:
      - {id: purchase, name: Purchase}
    channels:
      - {id: email, name: Email}
      - {id: web, name: Website}
    touchpoints:
      - {id: newsletter, stage: purchase, channel: email, engagement: passive,
         initiated_by: brand, invitation: true, next: {buy: 1, exit: 3}}
      - {id: buy, stage: purchase, channel: web, engagement: active}
"""

from journeyctl.core.codes import Rule
from journeyctl.core.findings import Severity

RULE = Rule("JM123", "invitation-not-from-brand", Severity.ERROR, __doc__)


def check(jmap):
    for tp in jmap.touchpoints:
        if tp.invitation and tp.initiated_by != "brand":
            yield RULE.at(
                tp.at("invitation"),
                f"touchpoint `{tp.id}` is an invitation but initiated by the {tp.initiated_by}",
                "an invitation is the brand's: write `initiated_by: brand`, or drop `invitation`",
            )
