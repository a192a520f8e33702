"""Errors that end a command, each with the exit code it maps to."""

from __future__ import annotations

from pathlib import Path

from journeyctl.core.findings import Finding

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


class JourneyctlError(Exception):
    """A problem that ends the command with a clear message and `exit_code`."""

    exit_code = EXIT_USAGE


class UsageError(JourneyctlError):
    """Bad options or arguments (exit 2)."""


class OverwriteError(UsageError):
    """A file the user has would be overwritten without `--force` (exit 2)."""

    def __init__(self, path: Path):
        super().__init__(f"{path} exists; pass --force to overwrite it")


def check_writable(path: Path, force: bool) -> None:
    """Refuse (OverwriteError) to overwrite an existing file unless `force`."""
    if path.exists() and not force:
        raise OverwriteError(path)


class InputError(JourneyctlError):
    """Input that cannot be read at all: a missing file, a directory with no maps (exit 2)."""


class InvalidMapError(JourneyctlError):
    """A map with error-level findings, refused by a command that needs a valid map (exit 1)."""

    exit_code = EXIT_FINDINGS

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        n = sum(1 for f in findings if f.severity.name == "ERROR")
        super().__init__(f"the map has {n} validation error(s); run `journeyctl validate` for all")
