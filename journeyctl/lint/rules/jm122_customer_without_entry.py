"""A persona starts as a customer but has no `entry` of its own.

A customer's walks start after conversion, in the touchpoints of an existing relationship
(usage, billing, renewal), not at the journey's entry, where strangers meet the brand: give
the persona an `entry` of those touchpoints.

Failing example::

    journeyctl: 1
    journey:
      id: demo
      name: Demo
      kind: cyclical
      goal: {touchpoints: [subscribe]}
      entry: {browse: 1}
      renewal: {touchpoint: renew}
    stages:
      - {id: join, name: Join}
      - {id: in-life, name: In life}
    channels:
      - {id: web, name: Website}
    personas:
      - {id: loyal, name: Loyal customer, starts_as: customer}
    touchpoints:
      - {id: browse, stage: join, channel: web, engagement: passive,
         next: {subscribe: 1, exit: 1}}
      - {id: subscribe, stage: join, channel: web, engagement: active, next: {usage: 1}}
      - {id: usage, stage: in-life, channel: web, engagement: active,
         next: {renew: 3, exit: 1}}
      - {id: renew, stage: in-life, channel: web, engagement: active, next: {subscribe: 1}}

Passing example::

    journeyctl: 1
    journey:
      id: demo
      name: Demo
      kind: cyclical
      goal: {touchpoints: [subscribe]}
      entry: {browse: 1}
      renewal: {touchpoint: renew}
    stages:
      - {id: join, name: Join}
      - {id: in-life, name: In life}
    channels:
      - {id: web, name: Website}
    personas:
      - {id: loyal, name: Loyal customer, starts_as: customer, entry: {usage: 1}}
    touchpoints:
      - {id: browse, stage: join, channel: web, engagement: passive,
         next: {subscribe: 1, exit: 1}}
      - {id: subscribe, stage: join, channel: web, engagement: active, next: {usage: 1}}
      - {id: usage, stage: in-life, channel: web, engagement: active,
         next: {renew: 3, exit: 1}}
      - {id: renew, stage: in-life, channel: web, engagement: active, next: {subscribe: 1}}
"""

from journeyctl.core.codes import Rule
from journeyctl.core.findings import Severity

RULE = Rule("JM122", "customer-without-entry", Severity.ERROR, __doc__)


def check(jmap):
    for p in jmap.personas:
        if p.customer and "entry" not in p.spans:  # an empty one is JM110
            yield RULE.at(
                p.at("starts_as"),
                f"persona `{p.id}` starts as a customer but has no `entry`: where do its walks "
                "start?",
                "give the persona an `entry` of the touchpoints where existing customers are "
                "(usage, billing, renewal)",
            )
