"""`journeyctl gaps`: where the designed journey fails its personas."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from journeyctl.cli.app import app
from journeyctl.cli.discover import ACTIVITY, CASE, CHANNEL, SCREEN, TIMESTAMP

if TYPE_CHECKING:
    from journeyctl.eventlog.readers import Columns

FORMATS = ("text", "json", "markdown", "html", "csv")


@dataclass(frozen=True)
class GapsOptions:
    """Everything `journeyctl gaps` was asked to do."""

    map_path: Path
    personas: tuple[str, ...] = ()
    format: str = "text"
    fail_on: str | None = None
    output: Path | None = None
    coverage_csv: Path | None = None
    observed: Path | None = None
    mapping: Path | None = None
    columns: Columns | None = None


@app.command()
def gaps(
    map_path: Path = typer.Argument(..., metavar="MAP", help="The journey map file."),
    persona: list[str] = typer.Option([], "--persona", "-p", help="Only this persona (repeat)."),
    format: str = typer.Option("text", "--format", "-f", help=f"{', '.join(FORMATS)}."),
    fail_on: str | None = typer.Option(
        None, "--fail-on", help="Exit 1 when a gap is this severe or worse: error, warning, info."
    ),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the report here."),
    coverage_csv: Path | None = typer.Option(
        None, "--coverage-csv", help="Also write the persona × stage × channel × screen matrix."
    ),
    observed: Path | None = typer.Option(
        None, "--observed", help="Also compare this event log with the map (family `observed`)."
    ),
    mapping: Path | None = typer.Option(
        None, "--mapping", help="YAML {activity: touchpoint id} for --observed."
    ),
    case: str | None = CASE,
    activity: str | None = ACTIVITY,
    timestamp: str | None = TIMESTAMP,
    channel: str | None = CHANNEL,
    screen: str | None = SCREEN,
    segment: str | None = typer.Option(
        None, "--segment", help="Persona or segment column of --observed (default: persona)."
    ),
) -> int:
    """Find gaps: coverage, engagement, push, measurement, silos and drop-off, worst first."""
    from journeyctl.eventlog.readers import Columns

    columns = Columns(case, activity, timestamp, channel, screen, segment)
    return run_gaps(
        GapsOptions(
            map_path,
            tuple(persona),
            format,
            fail_on,
            output,
            coverage_csv,
            observed=observed,
            mapping=mapping,
            columns=columns,
        )
    )


def run_gaps(options: GapsOptions) -> int:
    """Check the options, find the gaps, write the report; the exit code (1: `--fail-on` hit)."""
    from journeyctl.cli.errors import EXIT_FINDINGS, EXIT_OK, UsageError
    from journeyctl.cli.output import machine_output, stderr
    from journeyctl.core.findings import Severity
    from journeyctl.gaps import chosen_personas, coverage, find_gaps, formats
    from journeyctl.gaps.report import print_report
    from journeyctl.lint.load import load_map

    if options.format not in FORMATS:
        raise UsageError(f"unknown format {options.format!r}; use one of {', '.join(FORMATS)}")
    try:
        fail_at = Severity.parse(options.fail_on) if options.fail_on else None
    except ValueError as exc:
        raise UsageError(f"--fail-on: {exc}") from None
    if options.mapping is not None and options.observed is None:
        raise UsageError("--mapping needs --observed LOG")
    jmap = load_map(options.map_path)
    report = find_gaps(jmap, options.personas)
    if options.observed is not None:
        from journeyctl.gaps.observed import gaps_from_log

        found = gaps_from_log(jmap, options.observed, options.mapping, options.columns)
        report.extend(g for g in found if g.persona is None or g.persona in report.personas)
    if options.coverage_csv is not None:
        personas = chosen_personas(jmap, options.personas)
        with machine_output(options.coverage_csv) as out:
            formats.write_matrix(coverage.matrix(jmap, personas), out)
    if options.format == "text" and options.output is None:
        print_report(report, stderr())
    elif options.format == "text":
        from rich.console import Console

        with machine_output(options.output) as out:
            print_report(report, Console(file=out, highlight=False, soft_wrap=True, width=100))
    else:
        with machine_output(options.output) as out:
            formats.WRITERS[options.format](report, out)
    worst = report.worst
    return EXIT_FINDINGS if fail_at and worst is not None and worst >= fail_at else EXIT_OK
