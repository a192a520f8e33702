"""A per-persona emotion score names a persona that the map does not define.

Keys of a touchpoint's `emotion` mapping are persona ids, or `default`.

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
    personas:
      - {id: runner, name: Runner}
    touchpoints:
      - {id: buy, stage: purchase, channel: web, engagement: active,
         emotion: {default: 1, walker: 2}}

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
    personas:
      - {id: runner, name: Runner}
    touchpoints:
      - {id: buy, stage: purchase, channel: web, engagement: active,
         emotion: {default: 1, runner: 2}}
"""

from journeyctl.core.codes import Rule
from journeyctl.core.findings import Severity
from journeyctl.lint.rules._support import did_you_mean

RULE = Rule("JM104", "unknown-persona", Severity.ERROR, __doc__)


def check(jmap):
    for tp in jmap.touchpoints:
        for pid in tp.emotion_by_persona:
            if pid not in jmap.persona:
                yield RULE.at(
                    tp.at(f"emotion:{pid}"),
                    f"touchpoint `{tp.id}` scores emotion for unknown persona `{pid}`",
                    did_you_mean(pid, jmap.persona, "persona"),
                )
