"""A linear journey moves back to an earlier stage.

Linear journeys (one-off purchases) run forward through their stages; a move back may be
real (a buyer returns to comparing models) but is worth a look. Cyclical journeys loop by
design and are not checked.

Failing example::

    journeyctl: 1
    journey:
      id: demo
      name: Demo
      goal: {touchpoints: [buy]}
      entry: {browse: 1}
    stages:
      - {id: consider, name: Consideration}
      - {id: purchase, name: Purchase}
    channels:
      - {id: web, name: Website}
    touchpoints:
      - {id: browse, stage: consider, channel: web, engagement: passive,
         next: {cart: 1, exit: 1}}
      - {id: cart, stage: purchase, channel: web, engagement: active,
         next: {buy: 1, browse: 1}}
      - {id: buy, stage: purchase, channel: web, engagement: active}

Passing example::

    journeyctl: 1
    journey:
      id: demo
      name: Demo
      goal: {touchpoints: [buy]}
      entry: {browse: 1}
    stages:
      - {id: consider, name: Consideration}
      - {id: purchase, name: Purchase}
    channels:
      - {id: web, name: Website}
    touchpoints:
      - {id: browse, stage: consider, channel: web, engagement: passive,
         next: {cart: 1, exit: 1}}
      - {id: cart, stage: purchase, channel: web, engagement: active,
         next: {buy: 1, exit: 1}}
      - {id: buy, stage: purchase, channel: web, engagement: active}
"""

from journeyctl.core.codes import Rule
from journeyctl.core.findings import Severity

RULE = Rule("JM113", "linear-loop", Severity.WARNING, __doc__)


def check(jmap):
    j = jmap.journey
    if j is None or j.kind != "linear":
        return
    order = jmap.stage_order
    for tp in jmap.touchpoints:
        here = order.get(tp.stage)
        for move in tp.next:
            target = jmap.touchpoint.get(move.target)
            there = order.get(target.stage) if target else None
            if here is not None and there is not None and there < here and move.weight > 0:
                yield RULE.at(
                    move.span,
                    f"linear journey moves back from stage `{tp.stage}` to `{target.stage}` "
                    f"(`{tp.id}` → `{target.id}`)",
                    "if the journey renews, make it `kind: cyclical`; else check the move",
                )
