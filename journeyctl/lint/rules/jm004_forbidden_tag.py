"""The file uses a YAML tag that journeyctl never constructs.

Tags such as `!!python/object` can run code in unsafe loaders; journeyctl refuses every
tag but the core scalar, list and mapping tags.

Failing example::

    journeyctl: 1
    channels: !!python/object:os.system [echo]

Passing example::

    journeyctl: 1
    channels:
      - id: web
        name: Website
"""

# Reported by the loader, while it reads the file.
from journeyctl.core.codes import Rule
from journeyctl.core.findings import Severity

RULE = Rule("JM004", "forbidden-tag", Severity.ERROR, __doc__)
