"""An emotion score lies outside -2..+2.

Emotion runs from -2 (very negative) through 0 (neutral) to +2 (very positive), for the
touchpoint as a whole or per persona.

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
      - {id: buy, stage: purchase, channel: web, engagement: active, emotion: 5}

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
      - {id: buy, stage: purchase, channel: web, engagement: active, emotion: 2}
"""

from journeyctl.core.codes import Rule
from journeyctl.core.findings import Severity

RULE = Rule("JM116", "emotion-range", Severity.ERROR, __doc__)


def check(jmap):
    for tp in jmap.touchpoints:
        scores = [("emotion", None, tp.emotion)]
        scores += [(f"emotion:{p}", p, v) for p, v in tp.emotion_by_persona.items()]
        for key, persona, value in scores:
            if value is not None and not -2 <= value <= 2:
                who = f" for persona `{persona}`" if persona else ""
                yield RULE.at(
                    tp.at(key),
                    f"touchpoint `{tp.id}` has emotion {value:g}{who}, outside -2..+2",
                    "use -2 (very negative) to +2 (very positive)",
                )
