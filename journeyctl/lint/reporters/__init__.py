"""Output formats for `validate`: a registry of reporters by name.

A reporter writes a `LintReport` to stdout or `--output`: a `machine` reporter to a text
stream, byte for byte deterministic; the text reporter, for people, to a rich console that the
command line gives it (coloured and wrapped only on a terminal).
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, TextIO

from journeyctl.core.codes import Rule
from journeyctl.core.findings import Severity
from journeyctl.lint.engine import LintReport


@dataclass(frozen=True)
class Reporter(ABC):
    """Writes a `LintReport`; findings at or above `fail_level` are those that fail the run.

    `command` names the run (JUnit's suites); `rules` are the codes it can report, which SARIF
    lists (None: validate's lint rules).
    """

    fail_level: Severity = Severity.ERROR
    command: str = "journeyctl validate"
    rules: Mapping[str, Rule] | None = None
    machine: ClassVar[bool] = True

    @abstractmethod
    def write(self, report: LintReport, out: TextIO) -> None: ...


REPORTERS: dict[str, str] = {
    "text": "journeyctl.lint.reporters.text:TextReporter",
    "json": "journeyctl.lint.reporters.json:JsonReporter",
    "sarif": "journeyctl.lint.reporters.sarif:SarifReporter",
    "github": "journeyctl.lint.reporters.github:GithubReporter",
    "junit": "journeyctl.lint.reporters.junit:JunitReporter",
    "concise": "journeyctl.lint.reporters.concise:ConciseReporter",
    "gitlab": "journeyctl.lint.reporters.gitlab:GitlabReporter",
}


def get_reporter(
    name: str,
    fail_level: Severity = Severity.ERROR,
    command: str = "journeyctl validate",
    rules: Mapping[str, Rule] | None = None,
) -> Reporter:
    """The reporter registered as `name`, for a run of `command` that can report `rules`
    (None: the lint rules) and fails at `fail_level`."""
    module, _, cls = REPORTERS[name].partition(":")
    return getattr(importlib.import_module(module), cls)(fail_level, command, rules)
