"""`journeyctl schema`: print the map format's JSON Schema."""

from __future__ import annotations

from pathlib import Path

import typer

from journeyctl.cli.app import app


@app.command("schema")
def schema_command(
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the schema here."),
) -> int:
    """Print the JSON Schema (draft 2020-12) of map files, for editors and other tools."""
    from journeyctl.cli.output import machine_output
    from journeyctl.lint.schema import schema_text

    with machine_output(output) as out:
        out.write(schema_text())
    return 0
