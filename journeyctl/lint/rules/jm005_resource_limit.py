"""The file is too large, too deeply nested, or its aliases expand too far.

Limits: 2 MiB per file, 64 levels of nesting (an alias counts its anchor's depth where it is
used), 200,000 values after expanding aliases, includes 32 files deep and 256 files per map.
Maps stay far below them; hostile files (alias bombs, endless include chains) do not.

Failing example::

    journeyctl: 1
    a: &a [x, x, x, x, x, x, x, x, x, x]
    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
    d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
    e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
    f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]

Passing example::

    journeyctl: 1
    channels:
      - id: web
        name: Website
"""

# Reported by the loader, while it reads the file.
from journeyctl.core.codes import Rule
from journeyctl.core.findings import Severity

RULE = Rule("JM005", "resource-limit", Severity.ERROR, __doc__)
