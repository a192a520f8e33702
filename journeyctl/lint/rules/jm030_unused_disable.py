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
"""

# Reported by the suppression handling, after every other check.
from journeyctl.core.codes import Rule
from journeyctl.core.findings import Severity

RULE = Rule("JM030", "unused-disable", Severity.WARNING, __doc__)
