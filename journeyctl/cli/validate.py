"""`journeyctl validate`: lint map files."""

from __future__ import annotations

from pathlib import Path

import typer

from journeyctl.cli import options
from journeyctl.cli.app import app


@app.command()
def validate(
    paths: list[Path] = typer.Argument(..., help="Map files, or directories to search for *.yaml."),
    format: str = options.VALIDATE_FORMAT,
    output: Path | None = options.OUTPUT,
    select: list[str] = typer.Option(
        [], "--select", help="Only these rule codes or prefixes (comma-separated; repeatable)."
    ),
    ignore: list[str] = typer.Option(
        [], "--ignore", help="Also skip these rule codes or prefixes (comma-separated; repeatable)."
    ),
    config: Path | None = options.CONFIG,
    fail_level: str | None = options.FAIL_LEVEL,
    strict: bool = typer.Option(False, "--strict", help="Same as --fail-level warning."),
    exit_zero: bool = typer.Option(False, "--exit-zero", help="Exit 0 even with findings."),
    skip_non_maps: bool = typer.Option(
        False,
        "--skip-non-maps",
        help="Skip named files without a top-level `journeyctl:` key too, as in folders.",
    ),
    no_dependents: bool = typer.Option(
        False, "--no-dependents", help="Do not also check the maps that include a named catalogue."
    ),
    jobs: int | None = options.count(
        None,
        "--jobs",
        "-j",
        help="Check files in this many processes (default: the usable cores; 1: in this one).",
    ),
) -> int:
    """Check maps: YAML, schema and journey-logic rules.

    Exit 0 clean, 1 findings at or above the fail level, 2 bad options, input or configuration.
    """
    import os

    from journeyctl.cli.errors import EXIT_FINDINGS, EXIT_OK, UsageError
    from journeyctl.cli.output import machine_output, report_output
    from journeyctl.core.machine import usable_cores
    from journeyctl.lint import config as configuration
    from journeyctl.lint.engine import lint
    from journeyctl.lint.reporters import get_reporter

    if format == "auto":
        format = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    if strict and fail_level is not None:
        raise UsageError("--strict is --fail-level warning; give one of them")
    if config is not None and not config.is_file():
        raise UsageError(f"--config {config}: no such file")
    settings = configuration.load(config).with_overrides(
        select, ignore, "warning" if strict else fail_level
    )
    report = lint(
        paths,
        config=settings,
        skip_non_maps=skip_non_maps,
        dependents=not no_dependents,
        jobs=jobs or usable_cores(),
        maps=False,
    )
    reporter = get_reporter(format, settings.fail_level)
    opened = machine_output if reporter.machine else report_output  # a stream or a console
    with opened(output, inputs=(*report.files, config)) as out:
        reporter.write(report, out)
    failed = report.worst is not None and report.worst >= settings.fail_level
    return EXIT_FINDINGS if failed and not exit_zero else EXIT_OK
