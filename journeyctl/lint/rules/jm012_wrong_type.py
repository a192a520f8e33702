"""A value has the wrong type: a list where text is expected, text where a number is.

Failing example::

    journeyctl: 1
    channels:
      - id: [web]

Passing example::

    journeyctl: 1
    channels:
      - id: web
        name: Website
"""

# Reported by the schema check, and by the loader for a value YAML cannot read.
from journeyctl.core.codes import Rule
from journeyctl.core.findings import Severity

RULE = Rule("JM012", "wrong-type", Severity.ERROR, __doc__)
