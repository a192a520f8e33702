"""`journeyctl check`: the maps' budgets from the configuration, checked for CI."""

from __future__ import annotations

from pathlib import Path

import typer

from journeyctl.cli import options
from journeyctl.cli.app import app


@app.command()
def check(
    paths: list[Path] = typer.Argument(
        None, metavar="[MAP]...", help="Maps to check (default: every map the budgets name)."
    ),
    format: str = options.VALIDATE_FORMAT,
    output: Path | None = options.OUTPUT,
    config: Path | None = options.CONFIG,
) -> int:
    """Check the budgets: exact conversion, drop-off at moments of truth, forbidden gaps,
    negative experience.

    Exit 0 every budget holds, 1 a budget is breached (or a map is invalid), 2 bad options,
    input or configuration.
    """
    import os

    from journeyctl.budgets import codes, evaluate, report
    from journeyctl.budgets import config as budgets_config
    from journeyctl.cli.errors import EXIT_FINDINGS, EXIT_OK, UsageError
    from journeyctl.cli.output import machine_output, report_output, stderr
    from journeyctl.core.findings import Finding
    from journeyctl.lint import config as configuration
    from journeyctl.lint.engine import LintReport
    from journeyctl.lint.load import load_map
    from journeyctl.lint.reporters import get_reporter

    if format == "auto":
        format = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    if config is not None and not config.is_file():
        raise UsageError(f"--config {config}: no such file")
    settings = configuration.load(config)
    budgets = budgets_config.parse(settings)
    if not budgets:
        where = settings.path or "pyproject.toml ([tool.journeyctl.budgets]) or .journeyctl.yaml"
        raise UsageError(f"no budgets to check: add a `budgets` section to {where}")
    maps = _maps(paths or [], budgets)
    figures, findings, files = [], [], []
    for path in maps:
        jmap = load_map(path, config=settings)
        checked = evaluate.check(jmap, [b for b in budgets if b.names(path)])
        figures += checked.figures
        findings += checked.findings
        files.append(jmap.files[0])
    result = LintReport(files=files, findings=sorted(findings, key=Finding.sort_key))
    if format in ("text", "json"):
        opened = report_output if format == "text" else machine_output
        with opened(output, inputs=(*maps, config)) as out:
            (report.write_text if format == "text" else report.write_json)(figures, result, out)
    else:
        rules = {r.code: r for r in codes.RULES}
        reporter = get_reporter(format, command="journeyctl check", rules=rules)
        with machine_output(output, inputs=(*maps, config)) as out:
            reporter.write(result, out)
        stderr().print(report.verdict(figures), markup=False, highlight=False)
    return EXIT_FINDINGS if result.findings else EXIT_OK


def _maps(paths: list[Path], budgets) -> list[Path]:
    """The maps to check: those named (each must have budgets), else every map budgets name."""
    from journeyctl.cli.errors import UsageError

    if not paths:
        return list(dict.fromkeys(p for b in budgets for p in b.maps))
    for path in paths:
        if not path.is_file():
            raise UsageError(f"{path}: no such map file")
        if not any(b.names(path) for b in budgets):
            raise UsageError(f"{path}: no budget names this map; add it under `budgets`")
    return paths
