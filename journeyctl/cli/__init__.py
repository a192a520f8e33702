"""The `journeyctl` command line: thin commands over the library, one module per command.

Each command module parses options and prints; the work is the library's. Each command
returns its exit code; `run` is the one error handler, mapping every exception to an exit code
through `journeyctl.cli.errors`. Beside the commands: `app` (the Typer app), `options` (every
shared option and choice), `output` (stdout, stderr, files), `progress`. The top layer: it may
import every part.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

from journeyctl.cli.app import app
from journeyctl.cli.errors import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, exit_code
from journeyctl.core.errors import InvalidMapError, JourneyctlError

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
    except Exception as exc:
        # Typer's usage errors (click's, vendored or not) know how to show themselves.
        show, code = getattr(exc, "show", None), getattr(exc, "exit_code", None)
        if callable(show) and isinstance(code, int):
            show()
            return EXIT_USAGE if code == 2 else code
        raise
    return code if isinstance(code, int) else EXIT_OK


def _error(message: str) -> None:
    from journeyctl.cli.output import stderr

    stderr().print(f"[bold red]error:[/] {_escape(message)}")


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)
