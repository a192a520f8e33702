"""The file is empty, holds more than one document, or is not a mapping at the top.

A map file is one YAML mapping that starts with `journeyctl: 1`.

Failing example::

    - journeyctl: 1

Passing example::

    journeyctl: 1
    channels:
      - id: web
        name: Website
"""

# Reported by the loader and by the include resolver.
from journeyctl.core.codes import Rule
from journeyctl.core.findings import Severity

RULE = Rule("JM007", "not-a-map", Severity.ERROR, __doc__)
