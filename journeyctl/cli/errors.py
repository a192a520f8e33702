"""Exit codes, and the one place where exceptions become them (pre-commit style).

0 clean, 1 findings (or a map refused for its findings), 2 usage errors or unreadable input,
3 an internal error (a bug in journeyctl: reported in one line, the traceback only on request).
"""

from __future__ import annotations

from journeyctl.core.errors import InvalidMapError, JourneyctlError

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130


class UsageError(JourneyctlError):
    """A command-line problem no library call sees (for example binary output to a terminal)."""


def exit_code(exc: JourneyctlError) -> int:
    """The exit code a library or command error ends the run with."""
    return EXIT_FINDINGS if isinstance(exc, InvalidMapError) else EXIT_USAGE
