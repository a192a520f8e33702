"""The file is not valid YAML.

Indentation, an unclosed bracket or quote, a tab used for indentation: the parser stops
at the first such problem and reports where.

Failing example::

    journeyctl: 1
    channels: [{id: web

Passing example::

    journeyctl: 1
    channels:
      - id: web
        name: Website
"""

# Reported by the loader, while it reads the file.
from journeyctl.core.codes import Rule
from journeyctl.core.findings import Severity

RULE = Rule("JM001", "yaml-syntax", Severity.ERROR, __doc__)
