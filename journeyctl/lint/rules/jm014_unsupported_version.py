"""The file declares a format version this journeyctl does not read.

This release reads `journeyctl: 1`.

Failing example::

    journeyctl: 7
    channels: []

Passing example::

    journeyctl: 1
    channels:
      - id: web
        name: Website
"""

# Reported by the schema check.
from journeyctl.core.codes import Rule
from journeyctl.core.findings import Severity

RULE = Rule("JM014", "unsupported-version", Severity.ERROR, __doc__)
