"""A value is of the right type but not allowed: not one of the listed choices, out of range,
or not a valid id.

Failing example::

    journeyctl: 1
    channels:
      - id: web
        type: rented

Passing example::

    journeyctl: 1
    channels:
      - id: web
        name: Website
"""

# Reported by the schema check.
from journeyctl.core.codes import Rule
from journeyctl.core.findings import Severity

RULE = Rule("JM013", "invalid-value", Severity.ERROR, __doc__)
