"""A key that the map format does not define.

Usually a typo; `journeyctl schema` lists every key, and editors with the schema
autocomplete them.

Failing example::

    journeyctl: 1
    channels:
      - id: web
        nmae: Website

Passing example::

    journeyctl: 1
    channels:
      - id: web
        name: Website
"""

# Reported by the schema check.
from journeyctl.core.codes import Rule
from journeyctl.core.findings import Severity

RULE = Rule("JM010", "unknown-key", Severity.ERROR, __doc__)
