"""A cyclical journey has no way back from its goal to its renewal (re-entry) touchpoint.

A subscription journey renews: after the goal, the customer can reach `journey.renewal`
again and start a new cycle. Without a renewal, or a path to it, the journey is linear.

Failing example::

    journeyctl: 1
    journey:
      id: demo
      name: Demo
      kind: cyclical
      goal: {touchpoints: [subscribe]}
      entry: {trial: 1}
      renewal: {touchpoint: renew}
    stages:
      - {id: trial, name: Trial}
    channels:
      - {id: app, name: App}
    touchpoints:
      - {id: trial, stage: trial, channel: app, engagement: active, next: {subscribe: 1}}
      - {id: subscribe, stage: trial, channel: app, engagement: active, next: {exit: 1}}
      - {id: renew, stage: trial, channel: app, engagement: active, next: {subscribe: 1}}

Passing example::

    journeyctl: 1
    journey:
      id: demo
      name: Demo
      kind: cyclical
      goal: {touchpoints: [subscribe]}
      entry: {trial: 1}
      renewal: {touchpoint: renew}
    stages:
      - {id: trial, name: Trial}
    channels:
      - {id: app, name: App}
    touchpoints:
      - {id: trial, stage: trial, channel: app, engagement: active, next: {subscribe: 1}}
      - {id: subscribe, stage: trial, channel: app, engagement: active,
         next: {renew: 3, exit: 1}}
      - {id: renew, stage: trial, channel: app, engagement: active, next: {subscribe: 1}}
"""

from journeyctl.core.codes import Rule
from journeyctl.core.findings import Severity
from journeyctl.core.graph import reachable, successors

RULE = Rule("JM112", "no-renewal-path", Severity.ERROR, __doc__)


def check(jmap):
    j = jmap.journey
    if j is None or j.kind != "cyclical":
        return
    if j.renewal is None:
        yield RULE.at(
            j.at("kind"),
            "cyclical journey declares no renewal",
            "add `renewal: {touchpoint: ID}` naming where a new cycle re-enters",
        )
        return
    if j.renewal not in jmap.touchpoint:
        return
    succ = successors(jmap)
    after_goal = [n for g in j.goal for n in succ.get(g, [])]
    if j.renewal not in reachable(jmap, after_goal):
        yield RULE.at(
            j.at("renewal"),
            f"renewal touchpoint `{j.renewal}` cannot be reached after the goal",
            "add moves from the goal (post-purchase, loyalty) that lead to the renewal",
        )
