"""A persona's channel or screen affinity names a channel or screen the map does not define.

Failing example::

    journeyctl: 1
    channels:
      - {id: web, name: Website}
    screens:
      - {id: phone, name: Smartphone, class: smartphone}
    personas:
      - id: runner
        name: Runner
        channel_affinity: {web: 2, tiktok: 3}
        screen_affinity: {phone: 2}

Passing example::

    journeyctl: 1
    channels:
      - {id: web, name: Website}
    screens:
      - {id: phone, name: Smartphone, class: smartphone}
    personas:
      - id: runner
        name: Runner
        channel_affinity: {web: 2}
        screen_affinity: {phone: 2}
"""

from journeyctl.core.codes import Rule
from journeyctl.core.findings import Severity
from journeyctl.lint.rules._support import did_you_mean

RULE = Rule("JM114", "unknown-affinity", Severity.ERROR, __doc__)


def check(jmap):
    for p in jmap.personas:
        for field, known, kind in (
            ("channel_affinity", jmap.channel, "channel"),
            ("screen_affinity", jmap.screen, "screen"),
        ):
            for ref in getattr(p, field):
                if ref not in known:
                    yield RULE.at(
                        p.at(f"{field}:{ref}"),
                        f"persona `{p.id}` has an affinity for unknown {kind} `{ref}`",
                        did_you_mean(ref, known, kind),
                    )
