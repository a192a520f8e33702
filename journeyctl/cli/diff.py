"""`journeyctl diff`: what changed between two versions of a map, for review."""

from __future__ import annotations

from pathlib import Path

import typer

from journeyctl.cli import options
from journeyctl.cli.app import app


@app.command("diff")
def diff_command(
    paths: list[Path] = typer.Argument(
        None, help="OLD and NEW (two files or two folders); with --git, the maps to compare."
    ),
    git: str | None = typer.Option(
        None, "--git", help="Compare the working tree's maps with this revision (e.g. HEAD, main)."
    ),
    format: str = options.DIFF_FORMAT,
    output: Path | None = options.OUTPUT,
) -> int:
    """Semantic diff: entities added, removed or changed, and new or resolved findings. Exit 0
    (2 for unreadable input)."""
    from journeyctl.cli.errors import UsageError
    from journeyctl.cli.output import machine_output
    from journeyctl.diff import report as diff_report
    from journeyctl.diff.compare import compare_git, compare_paths

    paths = paths or []
    if git is not None:
        result = compare_git(git, paths)
    elif len(paths) == 2:
        result = compare_paths(*paths)
    else:
        raise UsageError("give OLD and NEW, or --git REV [PATHS…]")
    with machine_output(output, inputs=paths) as out:
        diff_report.write(result, format, out)
    return 0
