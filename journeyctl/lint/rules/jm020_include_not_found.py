"""An `include` names a file that does not exist or cannot be read.

Paths are relative to the including file.

Failing example::

    journeyctl: 1
    include: [no-such-catalogue.yaml]

Passing example::

    journeyctl: 1
    channels:
      - id: web
        name: Website
"""

# Reported by the include resolver.
from journeyctl.core.codes import Rule
from journeyctl.core.findings import Severity

RULE = Rule("JM020", "include-not-found", Severity.ERROR, __doc__)
