"""The Typer application that every command module registers on, with its own options:
`--version` and shell completion (`--install-completion`, `--show-completion`)."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="journeyctl",
    help="Customer journey maps as YAML: validate, simulate, render and find gaps.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(wanted: bool) -> None:
    """`--version`: print it and stop."""
    if wanted:
        from journeyctl import __version__

        typer.echo(f"journeyctl {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: bool = typer.Option(
        False,
        "--version",
        "-V",
        callback=_print_version,
        is_eager=True,
        help="Print the version and exit.",
    ),
) -> None:
    """Options of `journeyctl` itself, given before the command."""
