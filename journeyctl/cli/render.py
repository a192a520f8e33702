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
    persona: str | None = options.DRAW_PERSONA,
    page: str | None = options.PAGE,
    orientation: str | None = options.ORIENTATION,
    dpi: int | None = options.DPI,
    simulate: bool = options.SIMULATE_FUNNEL,
    output: Path | None = options.OUTPUT,
) -> int:
    """Draw a map as DOT, SVG, PNG, PDF, Mermaid or a self-contained HTML workshop report."""
    import sys

    from journeyctl.cli.errors import EXIT_OK, UsageError
    from journeyctl.cli.output import is_terminal, write_output
    from journeyctl.cli.progress import Progress
    from journeyctl.lint.load import load_map
    from journeyctl.render.formats import BINARY, Rendered, Request, check, render

    request = Request(view, format, persona, page, simulate, orientation, dpi)
    check(request)  # combinations that cannot be drawn fail before the map is read
    if format in BINARY and output is None and is_terminal(sys.stdout):
        raise UsageError(f"{format} is binary: write it to a file with -o FILE, or pipe it")
    jmap = load_map(path)
    with Progress(f"drawing {path} ({view}, {format})"):
        if format == "html":
            from journeyctl.report import workshop_report

            rendered = Rendered(workshop_report(jmap, persona, request.paper, simulate))
        else:
            rendered = render(jmap, request)
    _tell(rendered.notes, rendered.warnings)
    write_output(rendered.data, output, inputs=jmap.files)
    return EXIT_OK


def _tell(notes: tuple[str, ...], warnings: tuple[str, ...]) -> None:
    """The page chosen and text printed too small, on stderr."""
    from rich.text import Text

    from journeyctl.cli.output import stderr

    for label, style, lines in (("note: ", "bold", notes), ("warning: ", "bold yellow", warnings)):
        for line in lines:
            stderr().print(Text.assemble((label, style), line))
