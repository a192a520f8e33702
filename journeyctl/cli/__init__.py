"""The `journeyctl` command line: thin commands over the library, one module per command.

Each command returns its exit code; `main` maps every error to one (pre-commit style):
0 clean, 1 findings, 2 usage errors or unreadable input.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

from journeyctl.cli.app import app
from journeyctl.core.errors import EXIT_USAGE, InvalidMapError, JourneyctlError

_SUPPORT = {"app", "errors", "options", "output"}
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
        return exc.exit_code
    except JourneyctlError as exc:
        _error(str(exc))
        return exc.exit_code
    except typer.Abort:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        # Typer's usage errors (click's, vendored or not) know how to show themselves.
        show, exit_code = getattr(exc, "show", None), getattr(exc, "exit_code", None)
        if callable(show) and isinstance(exit_code, int):
            show()
            return EXIT_USAGE if exit_code == 2 else exit_code
        raise
    return code if isinstance(code, int) else 0


def _error(message: str) -> None:
    from journeyctl.cli.output import stderr

    stderr().print(f"[bold red]error:[/] {_escape(message)}")


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)
