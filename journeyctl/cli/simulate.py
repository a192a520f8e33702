"""`journeyctl simulate`: Monte Carlo walks (and exact figures) per persona."""

from __future__ import annotations

import functools
from pathlib import Path

import typer

from journeyctl.cli import options
from journeyctl.cli.app import app


@app.command()
def simulate(
    map: Path = typer.Argument(..., help="The journey map file."),
    persona: list[str] | None = options.PERSONAS,
    runs: int = options.count(10000, "--runs", "-n", help="Walks per persona."),
    seed: int = options.SEED,
    format: str = options.SIMULATE_FORMAT,
    events: Path | None = typer.Option(
        None,
        "--events",
        help="Write every visit here: .csv, .csv.gz or .parquet (an existing file needs --force).",
    ),
    force: bool = options.force("the --events file"),
    exact: bool = typer.Option(False, "--exact", help="Add exact Markov-chain figures."),
    cycles: int = options.count(3, "--cycles", help="Cycles to walk (cyclical journeys)."),
    max_steps: int = options.count(200, "--max-steps", help="Cut walks after this many visits."),
    top: int = options.count(10, "--top", help="How many of the most common paths to show."),
    output: Path | None = options.OUTPUT,
) -> int:
    """Simulate customers walking the journey: conversion, drop-off, paths, mix and time."""
    from journeyctl.cli.errors import EXIT_OK
    from journeyctl.core.files import check_writable
    from journeyctl.lint.load import load_map
    from journeyctl.markov.montecarlo import check_counts

    check_counts(runs, max_steps, cycles, seed)  # refused before the map is read
    jmap = load_map(map)
    names = _personas(jmap, persona)
    if events is not None:  # refused before the walks, not after
        from journeyctl.markov.events import log_format

        check_writable(events, owned=True, force=force, inputs=jmap.files)
        log_format(events)
    if output is not None:
        check_writable(output, inputs=jmap.files)
    walk = functools.partial(_walk, jmap, names, runs=runs, seed=seed, cycles=cycles,
                             max_steps=max_steps, top=top, exact=exact)  # fmt: skip
    reports = walk(None) if events is None else _walk_to_events(events, jmap, force, walk)
    _write_report(jmap, reports, seed, format, output)
    return EXIT_OK


def _personas(jmap, wanted: list[str] | None) -> list[str | None]:
    """The personas to walk, each checked: those asked for, else every one, else None (the
    map as it is)."""
    from journeyctl.markov.chain import get_persona

    names: list[str | None] = list(dict.fromkeys(wanted or [p.id for p in jmap.personas] or [None]))
    for name in names:
        get_persona(jmap, name)
    return names


def _walk(jmap, names: list[str | None], log, *, runs: int, seed: int, cycles: int,
          max_steps: int, top: int, exact: bool) -> list:  # fmt: skip
    """Each persona's report under a progress bar, every visit written to `log` if given."""
    from journeyctl.cli.progress import Progress
    from journeyctl.markov.montecarlo import simulate as walk
    from journeyctl.markov.summary import summarise

    if exact:  # the solver's imports (sparse LU, graphs) only when asked for
        from journeyctl.markov.exact import solve

    reports = []
    with Progress("simulating", total=len(names) * runs) as progress:
        for i, name in enumerate(names):
            w = walk(jmap, name, runs, seed, cycles, max_steps,
                     on_visits=log.sink(name, runs) if log is not None else None,
                     progress=lambda done, base=i * runs: progress.update(base + done))  # fmt: skip
            figures = solve(jmap, name, cycles) if exact else None
            reports.append(summarise(jmap, w, top, figures))
    return reports


def _walk_to_events(path: Path, jmap, force: bool, walk) -> list:
    """`walk` with every visit streamed to the event log at `path`, and a note of how many."""
    from journeyctl.cli.output import stderr
    from journeyctl.markov.events import event_log

    with event_log(path, jmap, force) as log:
        reports = walk(log)
    stderr().print(f"wrote {log.rows} visits to {path}", markup=False)
    return reports


def _write_report(jmap, reports: list, seed: int, format: str, output: Path | None) -> None:
    """The reports in `format`, on stdout or to the file `output`."""
    from journeyctl.cli.output import machine_output, report_output

    if format == "text":
        from journeyctl.markov.text import render

        with report_output(output, inputs=jmap.files) as console:
            render(console, jmap, reports, seed)
        return
    from journeyctl.markov.formats import to_csv, to_json

    with machine_output(output, inputs=jmap.files) as out:
        out.write(to_json(jmap.journey.id, seed, reports) if format == "json" else to_csv(reports))
