"""`journeyctl validate`: lint map files."""

from __future__ import annotations

from pathlib import Path

import typer

from journeyctl.cli.app import app


@app.command()
def validate(
    paths: list[Path] = typer.Argument(..., help="Map files, or directories to search for *.yaml."),
    format: str = typer.Option("text", "--format", "-f", help="Output: text or json."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the report here."),
    strict: bool = typer.Option(False, "--strict", help="Fail (exit 1) on warnings too."),
) -> int:
    """Check maps: YAML, schema and journey-logic rules. Exit 0 clean, 1 findings, 2 bad input."""
    from journeyctl.cli.output import machine_output
    from journeyctl.errors import EXIT_FINDINGS, EXIT_OK, UsageError
    from journeyctl.findings import Severity
    from journeyctl.lint import lint
    from journeyctl.reporters import REPORTERS, get_reporter

    if format not in REPORTERS:
        raise UsageError(f"unknown format {format!r}; use one of {', '.join(REPORTERS)}")
    report = lint(paths)
    reporter = get_reporter(format)
    if reporter.machine or output is not None:
        with machine_output(output) as out:
            reporter.write(report, out)
    else:
        import sys

        reporter.write(report, sys.stderr)
    fail_at = Severity.WARNING if strict else Severity.ERROR
    return EXIT_FINDINGS if report.worst is not None and report.worst >= fail_at else EXIT_OK
