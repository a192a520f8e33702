"""`journeyctl gaps`: where the designed journey fails its personas."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from journeyctl.cli import options
from journeyctl.cli.app import app

if TYPE_CHECKING:
    from journeyctl.eventlog.engine import LogSource
    from journeyctl.eventlog.readers import Columns


@dataclass(frozen=True)
class GapsOptions:
    """Everything `journeyctl gaps` was asked to do."""

    map_path: Path
    personas: tuple[str, ...] = ()
    format: str = "text"
    fail_on: str | None = None
    output: Path | None = None
    coverage_csv: Path | None = None
    observed: LogSource | None = None
    mapping: Path | None = None
    columns: Columns | None = None


@app.command()
def gaps(
    map_path: Path = typer.Argument(..., metavar="MAP", help="The journey map file."),
    persona: list[str] | None = options.PERSONAS,
    format: str = options.GAPS_FORMAT,
    fail_on: str | None = options.FAIL_ON,
    output: Path | None = options.OUTPUT,
    coverage_csv: Path | None = typer.Option(
        None,
        "--coverage-csv",
        help="Also write the persona × stage × channel × screen matrix (replaced if it exists).",
    ),
    observed: str | None = typer.Option(
        None,
        "--observed",
        metavar="LOG",
        help="Also compare this event log with the map (family `observed`); "
        + options.LOG_HELP[0].lower()
        + options.LOG_HELP[1:],
    ),
    mapping: Path | None = options.MAPPING,
    segment: str | None = options.SEGMENT,
    case: str | None = options.CASE,
    activity: str | None = options.ACTIVITY,
    timestamp: str | None = options.TIMESTAMP,
    channel: str | None = options.CHANNEL,
    screen: str | None = options.SCREEN,
    engine: str = options.ENGINE,
    spark_master: str | None = options.SPARK_MASTER,
    table: str | None = options.TABLE,
) -> int:
    """Find gaps: coverage, engagement, push, measurement, silos and drop-off, worst first."""
    from journeyctl.eventlog.readers import Columns

    columns = Columns(case, activity, timestamp, channel, screen, segment)
    return run_gaps(
        GapsOptions(
            map_path,
            tuple(persona or ()),
            format,
            fail_on,
            output,
            coverage_csv,
            observed=options.log_source(observed, engine, spark_master, table, "--observed"),
            mapping=mapping,
            columns=columns,
        )
    )


def run_gaps(request: GapsOptions) -> int:
    """Check the options, find the gaps, write the report; the exit code (1: `--fail-on` hit)."""
    from journeyctl.cli.errors import EXIT_FINDINGS, EXIT_OK, UsageError
    from journeyctl.cli.output import machine_output, report_output
    from journeyctl.core.files import check_writable
    from journeyctl.core.findings import Severity
    from journeyctl.gaps import chosen_personas, coverage, find_gaps, formats
    from journeyctl.gaps.report import print_report
    from journeyctl.lint.load import load_map

    if request.mapping is not None and request.observed is None:
        raise UsageError("--mapping needs --observed LOG (or --table)")
    jmap = load_map(request.map_path)
    log = request.observed.local if request.observed else None
    inputs = (*jmap.files, log, request.mapping)
    for target in (request.coverage_csv, request.output):
        if target is not None:  # refused before anything is written
            check_writable(target, inputs=inputs)
    report = find_gaps(jmap, request.personas)
    if request.observed is not None:
        found = _observed(jmap, request)
        report.extend(g for g in found if g.persona is None or g.persona in report.personas)
    if request.coverage_csv is not None:
        personas = chosen_personas(jmap, request.personas)
        with machine_output(request.coverage_csv, inputs=inputs) as out:
            formats.write_matrix(coverage.matrix(jmap, personas), out)
    if request.format == "text":
        with report_output(request.output, inputs=inputs) as console:
            print_report(report, console)
    else:
        with machine_output(request.output, inputs=inputs) as out:
            formats.WRITERS[request.format](report, out)
    fail_at = Severity.parse(request.fail_on) if request.fail_on else None
    worst = report.worst
    return EXIT_FINDINGS if fail_at and worst is not None and worst >= fail_at else EXIT_OK


def _observed(jmap, request: GapsOptions) -> list:
    """The gaps of `--observed LOG` against `jmap`: the `--mapping` file read by the safe
    loader first, then the log under a progress indicator."""
    from journeyctl.cli.progress import Progress
    from journeyctl.gaps.observed import gaps_from_log
    from journeyctl.lint.mapping import load_mapping

    explicit = load_mapping(request.mapping, jmap) if request.mapping else None
    with Progress(f"reading {request.observed}"):
        return gaps_from_log(jmap, request.observed, explicit, request.columns)
