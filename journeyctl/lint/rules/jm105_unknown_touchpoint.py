"""A move, entry (the journey's or a persona's), goal or renewal names a touchpoint that the
map does not define.

`exit` is the reserved target for leaving the journey; every other target is a touchpoint id.

Failing example::

    journeyctl: 1
    journey:
      id: demo
      name: Demo
      goal: {touchpoints: [buy]}
      entry: {browse: 1}
    stages:
      - {id: purchase, name: Purchase}
    channels:
      - {id: web, name: Website}
    touchpoints:
      - {id: browse, stage: purchase, channel: web, engagement: passive,
         next: {checkout: 1, exit: 1}}
      - {id: buy, stage: purchase, channel: web, engagement: active}

Passing example::

    journeyctl: 1
    journey:
      id: demo
      name: Demo
      goal: {touchpoints: [buy]}
      entry: {browse: 1}
    stages:
      - {id: purchase, name: Purchase}
    channels:
      - {id: web, name: Website}
    touchpoints:
      - {id: browse, stage: purchase, channel: web, engagement: passive,
         next: {buy: 1, exit: 1}}
      - {id: buy, stage: purchase, channel: web, engagement: active}
"""

from journeyctl.core.codes import Rule
from journeyctl.core.findings import Severity
from journeyctl.core.model import EXIT
from journeyctl.lint.rules._support import did_you_mean

RULE = Rule("JM105", "unknown-touchpoint", Severity.ERROR, __doc__)


def check(jmap):
    known = jmap.touchpoint
    hint = lambda name: did_you_mean(name, known, "touchpoint")  # noqa: E731
    for tp in jmap.touchpoints:
        for move in tp.next:
            if move.target != EXIT and move.target not in known:
                yield RULE.at(
                    move.span,
                    f"touchpoint `{tp.id}` moves to unknown touchpoint `{move.target}`",
                    hint(move.target),
                )
    j = jmap.journey
    if j is None:
        return
    entries = [("entry", j.entry), *((f"persona `{p.id}`'s entry", p.entry) for p in jmap.personas)]
    for what, moves in entries:
        for move in moves:
            if move.target not in known:
                yield RULE.at(
                    move.span, f"{what} names unknown touchpoint `{move.target}`", hint(move.target)
                )
    for i, goal in enumerate(j.goal):
        if goal not in known:
            yield RULE.at(j.at(f"goal:{i}"), f"goal names unknown touchpoint `{goal}`", hint(goal))
    if j.renewal is not None and j.renewal not in known:
        yield RULE.at(
            j.at("renewal"), f"renewal names unknown touchpoint `{j.renewal}`", hint(j.renewal)
        )
