"""The file is not UTF-8.

Map files are UTF-8 text (a byte-order mark is fine). Re-save the file as UTF-8.

Failing example::

    (any file with a byte such as 0xff that is not valid UTF-8)

Passing example::

    journeyctl: 1
    channels:
      - id: web
        name: Website
"""

# Reported by the loader, while it reads the file.
from journeyctl.core.codes import Rule
from journeyctl.core.findings import Severity

RULE = Rule("JM006", "encoding", Severity.ERROR, __doc__)
