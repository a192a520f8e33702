"""`journeyctl schema`: print the JSON Schema of map files, or of what-if scenarios."""

from __future__ import annotations

from pathlib import Path

import typer

from journeyctl.cli import options
from journeyctl.cli.app import app


@app.command("schema")
def schema_command(
    scenario: bool = typer.Option(
        False, "--scenario", help="The schema of what-if scenario files instead."
    ),
    output: Path | None = options.OUTPUT,
) -> int:
    """Print the JSON Schema (draft 2020-12) of map files, for editors and other tools."""
    from journeyctl.cli.output import write_output

    if scenario:
        from journeyctl.whatif.scenario import scenario_schema_text as text
    else:
        from journeyctl.lint.schema import schema_text as text
    write_output(text(), output)
    return 0
