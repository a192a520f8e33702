"""Files include each other in a circle.

Failing example::

    journeyctl: 1
    include: [example.yaml]   # this very file, saved as example.yaml

Passing example::

    journeyctl: 1
    channels:
      - id: web
        name: Website
"""

# Reported by the include resolver.
from journeyctl.core.codes import Rule
from journeyctl.core.findings import Severity

RULE = Rule("JM021", "include-cycle", Severity.ERROR, __doc__)
