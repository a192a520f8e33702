"""An `include` names a file outside the project, which is not read unless opted in.

The project is the git working tree around the map (else the map's folder) and the folder of
the configuration file. A map from elsewhere could otherwise make journeyctl read any file on
the machine and quote it in findings, which CI may publish. Folders listed in `include-roots`
(`[tool.journeyctl]` or `.journeyctl.yaml`, relative to that file) may be included too.

Failing example::

    journeyctl: 1
    include: [/etc/hostname]

Passing example::

    journeyctl: 1
    channels:
      - id: web
        name: Website
"""

# Reported by the include resolver, which does not read the file.
from journeyctl.core.codes import Rule
from journeyctl.core.findings import Severity

RULE = Rule("JM022", "include-outside-project", Severity.ERROR, __doc__)
