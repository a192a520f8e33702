"""A required key is missing.

Failing example::

    journeyctl: 1
    channels:
      - name: Website

Passing example::

    journeyctl: 1
    channels:
      - id: web
        name: Website
"""

# Reported by the schema check.
from journeyctl.core.codes import Rule
from journeyctl.core.findings import Severity

RULE = Rule("JM011", "missing-key", Severity.ERROR, __doc__)
