"""A named or included file has no top-level `journeyctl:` key.

The `journeyctl:` key is what makes a YAML file a journey map or catalogue. Other YAML files
met while walking a folder are skipped and counted. One named explicitly is this error unless
`validate --skip-non-maps` is given (as the pre-commit hook does); one a map includes always is.

Failing example::

    services:
      web:
        image: nginx:1.27

Passing example::

    journeyctl: 1
    stages:
      - id: awareness
        name: Awareness
"""

# Reported by the workspace.
from journeyctl.core.codes import Rule
from journeyctl.core.findings import Severity

RULE = Rule("JM008", "no-journeyctl-key", Severity.ERROR, __doc__)
