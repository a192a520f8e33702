"""`journeyctl schema`: print the map format's JSON Schema."""

from __future__ import annotations

from pathlib import Path

from journeyctl.cli import options
from journeyctl.cli.app import app


@app.command("schema")
def schema_command(output: Path | None = options.OUTPUT) -> int:
    """Print the JSON Schema (draft 2020-12) of map files, for editors and other tools."""
    from journeyctl.cli.output import write_output
    from journeyctl.lint.schema import schema_text

    write_output(schema_text(), output)
    return 0
