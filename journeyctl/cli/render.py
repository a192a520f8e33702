"""`journeyctl render`: draw a map as a flow, swimlane or emotion view."""

from __future__ import annotations

from pathlib import Path

import typer

from journeyctl.cli.app import app


@app.command()
def render(
    path: Path = typer.Argument(..., help="The journey map file."),
    view: str = typer.Option("flow", "--view", help="flow, swimlane or emotion."),
    format: str = typer.Option(
        "svg", "--format", "-f", help="svg, png, pdf, dot, mermaid or html (the whole report)."
    ),
    persona: str | None = typer.Option(
        None, "--persona", "-p", help="Draw for this persona (flow: expected-flow overlay)."
    ),
    page: str | None = typer.Option(None, "--page", help="Paper size: a4, a3 (default) or a0."),
    simulate: bool = typer.Option(
        False, "--simulate", help="html: add each persona's simulated funnel."
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write here (replaced if it exists); png/pdf need it."
    ),
) -> int:
    """Draw a map as DOT, SVG, PNG, PDF, Mermaid or a self-contained HTML workshop report."""
    import sys

    from journeyctl.cli.errors import EXIT_OK, UsageError
    from journeyctl.lint.load import load_map
    from journeyctl.render.formats import BINARY, Request, check, render

    request = Request(view, format, persona, page, simulate)
    check(request)  # bad options fail before the map is read
    if format in BINARY and output is None and sys.stdout.isatty():
        raise UsageError(f"{format} is binary: write it to a file with -o FILE, or pipe it")
    drawing = render(load_map(path), request)
    if isinstance(drawing, bytes):
        _write_bytes(drawing, output)
    else:
        from journeyctl.cli.output import machine_output

        with machine_output(output) as out:
            out.write(drawing)
    return EXIT_OK


def _write_bytes(data: bytes, output: Path | None) -> None:
    import sys

    from journeyctl.core.errors import InputError

    if output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(data)
    except OSError as exc:
        raise InputError(f"{output}: cannot write: {exc.strerror or exc}") from None
