"""A moment of truth is not measured: it has no KPI, or is marked not measurable.

Moments of truth make or break the journey; they are the first things to measure.

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
      - {id: buy, stage: purchase, channel: web, engagement: active, moment_of_truth: true}

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
      - {id: buy, stage: purchase, channel: web, engagement: active, moment_of_truth: true,
         kpis: [checkout completion rate]}
"""

from journeyctl.core.codes import Rule
from journeyctl.core.findings import Severity

RULE = Rule("JM117", "mot-without-kpi", Severity.WARNING, __doc__)


def check(jmap):
    for tp in jmap.touchpoints:
        if tp.moment_of_truth and (not tp.kpis or not tp.measurable):
            why = "has no KPI" if not tp.kpis else "is marked not measurable"
            yield RULE.at(
                tp.at("moment_of_truth"),
                f"moment of truth `{tp.id}` {why}",
                "add `kpis:` saying how it is measured, and make it measurable",
            )
