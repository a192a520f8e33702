"""Two stages, channels, screens, personas or touchpoints share an id, in one file or across
included files.

Failing example::

    journeyctl: 1
    channels:
      - {id: web, name: Website}
      - {id: web, name: Web shop}

Passing example::

    journeyctl: 1
    channels:
      - {id: web, name: Website}
      - {id: shop, name: Web shop}
"""

from journeyctl.core.codes import Rule
from journeyctl.core.findings import Severity

RULE = Rule("JM106", "duplicate-id", Severity.ERROR, __doc__)

_KINDS = ("stages", "channels", "screens", "personas", "touchpoints")


def check(jmap):
    for kind in _KINDS:
        first = {}
        for item in getattr(jmap, kind):
            if item.id in first:
                where = first[item.id]
                yield RULE.at(
                    item.at("id"),
                    f"{kind[:-1]} id `{item.id}` is already defined at {where.file}:{where.line}",
                    "give each one its own id, or remove the copy",
                )
            else:
                first[item.id] = item.at("id")
