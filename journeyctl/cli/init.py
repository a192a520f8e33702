"""`journeyctl init` and `journeyctl templates`: start a map from a template."""

from __future__ import annotations

from pathlib import Path

import typer

from journeyctl.cli import options
from journeyctl.cli.app import app


@app.command()
def init(
    directory: Path = typer.Argument(..., help="Folder to create the map in."),
    template: str = options.TEMPLATE,
    force: bool = options.force("the map (and the schema file beside it)"),
) -> int:
    """Create a starter map from a template (see `journeyctl templates`)."""
    from rich.markup import escape

    from journeyctl.cli.output import stderr
    from journeyctl.templates import init as write_template

    for path in write_template(directory, template, force):
        stderr().print(f"[green]created[/] {escape(str(path))}")
    return 0


@app.command("templates")
def list_templates() -> int:
    """List the starter templates."""
    from rich.table import Table
    from rich.text import Text

    from journeyctl.cli.output import stdout
    from journeyctl.templates import templates

    table = Table("template", "what it is", box=None, pad_edge=False)
    for t in templates().values():
        table.add_row(Text(t.name), Text(t.summary))
    stdout().print(table)
    return 0
