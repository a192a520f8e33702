"""A mapping has the same key twice.

YAML parsers silently keep the last value, so the first one is lost without a word.

Failing example::

    journeyctl: 1
    channels:
      - id: web
        name: Website
        name: Web shop

Passing example::

    journeyctl: 1
    channels:
      - id: web
        name: Website
"""

# Reported by the loader, while it reads the file.
from journeyctl.core.codes import Rule
from journeyctl.core.findings import Severity

RULE = Rule("JM002", "duplicate-key", Severity.ERROR, __doc__)
