"""The library's exceptions: each says what is wrong and how to fix it.

They carry no exit codes; `journeyctl.cli.errors` alone turns them into exit codes.
"""

from __future__ import annotations

from pathlib import Path

from journeyctl.core.findings import Finding


class JourneyctlError(Exception):
    """A problem journeyctl reports with a clear message rather than a traceback."""


class InputError(JourneyctlError):
    """Input that cannot be read at all: a missing file, a folder with no maps, a bad log."""


class RequestError(JourneyctlError):
    """The caller asked for what is not there: an unknown persona, view or format, a bad
    value."""


class OverwriteError(RequestError):
    """A file the user owns would be replaced without `force`."""

    def __init__(self, path: Path):
        super().__init__(f"{path} exists; pass --force to overwrite it")


class InvalidMapError(JourneyctlError):
    """A map with error-level findings, refused by a command that needs a valid map."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        n = sum(1 for f in findings if f.severity.name == "ERROR")
        super().__init__(f"the map has {n} validation error(s); run `journeyctl validate` for all")


def first_line(exc: BaseException) -> str:
    """The first line of what `exc` says (an engine's message can run to a query plan), or its
    type's name when it says nothing."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
