"""Output formats for `validate`: a registry of reporters by name.

A reporter writes a `LintReport` to a text stream. `machine` reporters write to stdout or
`--output`, byte for byte deterministic; the text reporter writes for people (stderr).
"""

from __future__ import annotations

import importlib
from typing import Protocol, TextIO

from journeyctl.lint.engine import LintReport


class Reporter(Protocol):
    machine: bool

    def write(self, report: LintReport, out: TextIO) -> None: ...


REPORTERS: dict[str, str] = {
    "text": "journeyctl.lint.reporters.text:TextReporter",
    "json": "journeyctl.lint.reporters.json:JsonReporter",
    "sarif": "journeyctl.lint.reporters.sarif:SarifReporter",
    "github": "journeyctl.lint.reporters.github:GithubReporter",
    "junit": "journeyctl.lint.reporters.junit:JunitReporter",
}


def get_reporter(name: str) -> Reporter:
    """The reporter registered as `name`."""
    module, _, cls = REPORTERS[name].partition(":")
    return getattr(importlib.import_module(module), cls)()
