"""Rules about inline suppression comments (JM03x), reported by the lint pipeline itself.

`# journeyctl: disable-line=JM101`, `# journeyctl: disable=JM101` … `# journeyctl: enable=JM101`
and `# journeyctl: disable-file` silence findings; see journeyctl/lint/suppressions.py.
"""

from __future__ import annotations

from journeyctl.core.codes import Rule
from journeyctl.core.findings import Severity

UNUSED_DISABLE = Rule(
    "JM030",
    "unused-disable",
    Severity.WARNING,
    """A `# journeyctl: disable…` comment suppresses nothing.

    The problem it once silenced is gone, or it names the wrong rule or line, or no such rule
    exists. Remove the comment (or the code from its list) so that it cannot hide a future
    problem.

    Failing example::

        journeyctl: 1
        channels:
          - id: web  # journeyctl: disable-line=JM101
            name: Website

    Passing example::

        journeyctl: 1
        channels:
          - id: web
            name: Website
""",
)
