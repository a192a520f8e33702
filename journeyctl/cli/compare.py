"""`journeyctl compare`: the effect of a change on each persona, exact and walked."""

from __future__ import annotations

from pathlib import Path

import typer

from journeyctl.cli import options
from journeyctl.cli.app import app

RUNS = typer.Option(
    100_000,
    "--runs",
    "-n",
    min=0,
    help="Walks per persona and map, both maps with the same random numbers; 0: exact only.",
)


@app.command()
def compare(
    paths: list[Path] = typer.Argument(
        None, help="OLD and NEW map files; with --git or --scenario, the one map."
    ),
    git: str | None = typer.Option(
        None,
        "--git",
        help="Compare the map at this revision (e.g. HEAD, main) with the working tree.",
    ),
    scenario: Path | None = typer.Option(
        None, "--scenario", help="Compare the map with itself with this what-if overlay applied."
    ),
    persona: list[str] | None = options.PERSONAS,
    runs: int = RUNS,
    seed: int = options.SEED,
    cycles: int = options.count(3, "--cycles", help="Cycles to walk (cyclical journeys)."),
    max_steps: int = options.count(200, "--max-steps", help="Cut walks after this many visits."),
    format: str = options.COMPARE_FORMAT,
    output: Path | None = options.OUTPUT,
) -> int:
    """The effect of a change per persona: exact conversion, steps, time, reach after
    conversion and retention, old and new; the walked change with its 95% interval; gaps
    resolved and introduced; the structural diff. Exit 0 (2 for unusable input)."""
    from journeyctl.cli.errors import EXIT_OK, UsageError
    from journeyctl.cli.output import machine_output, report_output
    from journeyctl.cli.progress import Progress
    from journeyctl.core.files import check_writable
    from journeyctl.whatif import effect as whatif
    from journeyctl.whatif import report

    request = whatif.Request(tuple(persona or ()), runs, seed, cycles, max_steps)
    request.check()  # refused before a map is read
    paths = paths or []
    if git is not None and scenario is not None:
        raise UsageError("give --git or --scenario, not both")
    if (git is not None or scenario is not None) and len(paths) == 1:
        pair = (whatif.pair_at_revision(git, paths[0]) if git is not None
                else whatif.pair_with_scenario(paths[0], scenario))  # fmt: skip
    elif git is None and scenario is None and len(paths) == 2:
        pair = whatif.pair_of_paths(*paths)
    else:
        raise UsageError("give OLD NEW, or --git REV MAP, or MAP --scenario FILE")
    inputs = (*pair.old.files, *pair.new.files, *paths, *([scenario] if scenario else []))
    if output is not None:
        check_writable(output, inputs=inputs)
    with Progress("comparing"):
        result = whatif.effect(pair, request)
    if format == "text":
        with report_output(output, inputs=inputs) as console:
            report.print_text(result, console)
    else:
        with machine_output(output, inputs=inputs) as out:
            report.write(result, format, out)
    return EXIT_OK
