"""`journeyctl simulate`: Monte Carlo walks (and exact figures) per persona."""

from __future__ import annotations

from pathlib import Path

import typer

from journeyctl.cli import options
from journeyctl.cli.app import app


@app.command()
def simulate(
    map: Path = typer.Argument(..., help="The journey map file."),
    persona: list[str] | None = options.PERSONAS,
    runs: int = typer.Option(10000, "--runs", "-n", help="Walks per persona."),
    seed: int = typer.Option(0, "--seed", help="Random seed; the same seed gives the same output."),
    format: str = options.SIMULATE_FORMAT,
    events: Path | None = typer.Option(
        None, "--events", help="Write every visit as CSV here (an existing file needs --force)."
    ),
    force: bool = options.force("the --events file"),
    exact: bool = typer.Option(False, "--exact", help="Add exact Markov-chain figures."),
    cycles: int = typer.Option(3, "--cycles", help="Cycles to walk (cyclical journeys)."),
    max_steps: int = typer.Option(200, "--max-steps", help="Cut walks after this many visits."),
    top: int = typer.Option(10, "--top", help="How many of the most common paths to show."),
    output: Path | None = options.OUTPUT,
) -> int:
    """Simulate customers walking the journey: conversion, drop-off, paths, mix and time."""
    from journeyctl.cli.errors import UsageError
    from journeyctl.cli.output import machine_output, stderr
    from journeyctl.core.files import check_writable
    from journeyctl.lint.load import load_map
    from journeyctl.markov.chain import get_persona

    for name, value in (("--runs", runs), ("--cycles", cycles), ("--max-steps", max_steps),
                        ("--top", top)):  # fmt: skip
        if value < 1:
            raise UsageError(f"{name} must be 1 or more, not {value}")
    jmap = load_map(map)
    names: list[str | None] = list(
        dict.fromkeys(persona or [p.id for p in jmap.personas] or [None])
    )
    for name in names:
        get_persona(jmap, name)
    if events is not None:  # refused before the walks, not after
        check_writable(events, owned=True, force=force, inputs=jmap.files)
    if output is not None:
        check_writable(output, inputs=jmap.files)

    from journeyctl.markov.exact import solve
    from journeyctl.markov.montecarlo import simulate as walk
    from journeyctl.markov.summary import summarise

    progress = _Progress(len(names) * runs)
    kept, reports = [], []  # kept: the walks, for --events
    try:
        for i, name in enumerate(names):
            w = walk(jmap, name, runs, seed, cycles, max_steps, record=events is not None,
                     progress=lambda done, base=i * runs: progress.update(base + done))  # fmt: skip
            figures = solve(jmap, name, cycles) if exact else None
            reports.append(summarise(jmap, w, top, figures))
            if events is not None:
                kept.append(w)
    finally:
        progress.close()
    if events is not None:
        from journeyctl.markov.events import write_events

        rows = write_events(events, jmap, kept, force)
        stderr().print(f"wrote {rows} visits to {events}", markup=False)
    if format == "text":
        from journeyctl.markov.text import render

        if output is None:
            render(stderr(), jmap, reports, seed)
        else:
            from rich.console import Console

            with machine_output(output, inputs=jmap.files) as out:
                render(Console(file=out, width=100, no_color=True), jmap, reports, seed)
        return 0
    from journeyctl.markov.formats import to_csv, to_json

    with machine_output(output, inputs=jmap.files) as out:
        out.write(to_json(jmap.journey.id, seed, reports) if format == "json" else to_csv(reports))
    return 0


class _Progress:
    """A rich progress bar on stderr, shown only on a terminal once a run passes one second."""

    def __init__(self, total: int):
        import sys
        import time

        self.total, self.bar, self.task = total, None, None
        self.start, self.clock = time.monotonic(), time.monotonic
        self.live = sys.stderr.isatty()

    def update(self, done: int) -> None:
        if not self.live:
            return
        if self.bar is None and self.clock() - self.start > 1.0:
            from rich.progress import Progress

            from journeyctl.cli.output import stderr

            self.bar = Progress(console=stderr(), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("simulating", total=self.total)
        if self.bar is not None:
            self.bar.update(self.task, completed=done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
