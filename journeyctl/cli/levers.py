"""`journeyctl levers`: what most changes each persona's exact conversion and retention."""

from __future__ import annotations

from pathlib import Path

import typer

from journeyctl.cli import options
from journeyctl.cli.app import app


@app.command()
def levers(
    map_path: Path = typer.Argument(..., metavar="MAP", help="The journey map file."),
    persona: list[str] | None = options.PERSONAS,
    top: int = options.count(10, "--top", help="Levers shown per persona and figure."),
    cycles: int = options.count(3, "--cycles", help="Cycles walked (cyclical journeys)."),
    format: str = options.LEVERS_FORMAT,
    output: Path | None = options.OUTPUT,
) -> int:
    """Rank the weights, affinities and touchpoints that most change each persona's exact
    conversion (and retention), with their derivatives and the effect of +10%."""
    from journeyctl.cli.errors import EXIT_OK, UsageError
    from journeyctl.cli.output import machine_output
    from journeyctl.core.files import check_writable
    from journeyctl.lint.load import load_map
    from journeyctl.markov.chain import get_persona
    from journeyctl.markov.montecarlo import MAX_CYCLES
    from journeyctl.whatif.levers import levers as rank
    from journeyctl.whatif.levers import write

    if cycles > MAX_CYCLES:
        raise UsageError(f"--cycles must be at most {MAX_CYCLES}, not {cycles}")
    jmap = load_map(map_path)
    names: list[str | None] = list(dict.fromkeys(persona or [p.id for p in jmap.personas]))
    for name in names:
        get_persona(jmap, name)
    if output is not None:
        check_writable(output, inputs=jmap.files)
    reports = rank(jmap, names or [None], top, cycles)
    with machine_output(output, inputs=jmap.files) as out:
        out.write(write(jmap, reports, cycles, format))
    return EXIT_OK
