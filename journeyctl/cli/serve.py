"""`journeyctl serve`: the workshop report on localhost, reloaded in the browser on each save."""

from __future__ import annotations

from pathlib import Path

import typer

from journeyctl.cli import options
from journeyctl.cli.app import app


@app.command()
def serve(
    paths: list[Path] = typer.Argument(..., metavar="MAP", help="The journey map files."),
    persona: str | None = options.DRAW_PERSONA,
    simulate: bool = options.SIMULATE_FUNNEL,
    host: str = typer.Option(
        "127.0.0.1", "--host", help="The address to listen on (0.0.0.0: the whole network)."
    ),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="0 picks a free port."),
) -> int:
    """Serve the HTML workshop report on localhost; each save reloads the page in the browser."""
    from journeyctl.cli.errors import EXIT_OK
    from journeyctl.cli.output import stderr
    from journeyctl.lint import config
    from journeyctl.lint.project import include_roots
    from journeyctl.live.pages import Options
    from journeyctl.live.server import serve as run_server
    from journeyctl.live.site import Site

    console = stderr()

    def note(message: str) -> None:
        console.print(message, markup=False)

    try:
        site = Site(paths, Options(persona, simulate, include_roots(config.load())), note)
        for route, page in site.pages.items():
            if page.problem:
                note(f"{site.maps[route]}: {page.problem}; the page shows the findings")
        run_server(site, host, port, lambda url: note(f"serving {url} (Ctrl-C stops)"))
    except KeyboardInterrupt:
        note("stopped")
    return EXIT_OK
