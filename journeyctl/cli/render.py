"""`journeyctl render`: draw a map as a flow, swimlane or emotion view."""

from __future__ import annotations

from pathlib import Path

import typer

from journeyctl.cli import options
from journeyctl.cli.app import app


@app.command()
def render(
    path: Path = typer.Argument(..., help="The journey map file."),
    view: str = options.VIEW,
    format: str = options.RENDER_FORMAT,
    persona: str | None = typer.Option(
        None, "--persona", "-p", help="Draw for this persona (flow: expected-flow overlay)."
    ),
    page: str | None = options.PAGE,
    simulate: bool = typer.Option(
        False, "--simulate", help="html: add each persona's simulated funnel."
    ),
    output: Path | None = options.OUTPUT,
) -> int:
    """Draw a map as DOT, SVG, PNG, PDF, Mermaid or a self-contained HTML workshop report."""
    import sys

    from journeyctl.cli.errors import EXIT_OK, UsageError
    from journeyctl.cli.output import is_terminal, write_output
    from journeyctl.cli.progress import Progress
    from journeyctl.lint.load import load_map
    from journeyctl.render.formats import BINARY, Request, check, render

    request = Request(view, format, persona, page, simulate)
    check(request)  # combinations that cannot be drawn fail before the map is read
    if format in BINARY and output is None and is_terminal(sys.stdout):
        raise UsageError(f"{format} is binary: write it to a file with -o FILE, or pipe it")
    jmap = load_map(path)
    with Progress(f"drawing {path} ({view}, {format})"):
        drawn = render(jmap, request)
    write_output(drawn, output, inputs=jmap.files)
    return EXIT_OK
