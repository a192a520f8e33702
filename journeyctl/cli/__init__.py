"""The `journeyctl` command line: thin commands over the library, one module per command.

Each command module parses options and prints; the work is the library's. Each command
returns its exit code; `run` is the one error handler, mapping every exception to an exit code
through `journeyctl.cli.errors`. Beside the commands: `app` (the Typer app), `options` (every
shared option and choice), `output` (stdout, stderr, files), `progress`. The top layer: it may
import every part.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys

from journeyctl.cli.app import app
from journeyctl.cli.errors import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    exit_code,
)
from journeyctl.core.errors import InvalidMapError, JourneyctlError
from journeyctl.core.escape import printable

_SUPPORT = {"app", "errors", "options", "output", "progress"}
for _info in pkgutil.iter_modules(__path__):  # each command module registers itself on `app`
    if _info.name not in _SUPPORT:
        importlib.import_module(f"{__name__}.{_info.name}")


def main(argv: list[str] | None = None) -> None:
    """Run the CLI and exit with the command's code."""
    sys.exit(run(argv))


def run(argv: list[str] | None = None) -> int:
    """Run the CLI and return the exit code; the one place errors become exit codes."""
    import typer

    try:
        code = app(args=argv, standalone_mode=False, prog_name="journeyctl")
    except InvalidMapError as exc:
        from journeyctl.cli.output import print_findings

        print_findings(exc.findings)
        _error(str(exc))
        return exit_code(exc)
    except JourneyctlError as exc:
        _error(str(exc))
        return exit_code(exc)
    except typer.Abort:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    except MemoryError:
        _error("out of memory: the input is too large for this machine's memory")
        return EXIT_USAGE
    except Exception as exc:
        # Typer's usage errors (click's, vendored or not) know how to show themselves.
        show, code = getattr(exc, "show", None), getattr(exc, "exit_code", None)
        if callable(show) and isinstance(code, int):
            show()
            return EXIT_USAGE if code == 2 else code
        return _internal_error(exc)
    return code if isinstance(code, int) else EXIT_OK


def _internal_error(exc: Exception) -> int:
    """A bug: one line saying so (the traceback with JOURNEYCTL_DEBUG=1), exit 3."""
    if os.environ.get("JOURNEYCTL_DEBUG"):
        raise exc
    _error(
        f"internal error ({type(exc).__name__}: {printable(str(exc))}); "
        "this is a bug in journeyctl. Please report it with the command and input; "
        "JOURNEYCTL_DEBUG=1 shows the traceback"
    )
    return EXIT_INTERNAL


def _error(message: str) -> None:
    from journeyctl.cli.output import stderr

    stderr().print(f"[bold red]error:[/] {_escape(message)}")


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)
