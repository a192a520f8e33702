"""An unquoted value that should be text is read as a boolean, number, date or null.

YAML 1.1 reads `no`, `yes`, `on`, `off` as booleans, `1.10` as the number 1.1 and
`2024-01-01` as a date. Where the map expects text, quote the value. The other way round, it
reads `1e12` and `1.0e12` as text: where the map expects a number, write `1.0e+12`.

Failing example::

    journeyctl: 1
    channels:
      - id: no
        name: Norway shop

Passing example::

    journeyctl: 1
    channels:
      - id: web
        name: Website
"""

# Reported by the loader (for keys) and by the schema check (for values).
from journeyctl.core.codes import Rule
from journeyctl.core.findings import Severity

RULE = Rule("JM003", "yaml11-surprise", Severity.ERROR, __doc__)
