"""`journeyctl rules`: list every rule, or show one rule's documentation."""

from __future__ import annotations

import typer

from journeyctl.cli.app import app


@app.command("rules")
def rules_command(
    code: str | None = typer.Argument(None, help="A rule code or slug to explain."),
    format: str = typer.Option("text", "--format", "-f", help="text or json."),
) -> int:
    """List every rule with its code, slug, severity and summary; name one for its full docs."""
    import json
    import sys

    from rich.table import Table

    from journeyctl.cli.errors import UsageError
    from journeyctl.cli.output import stderr
    from journeyctl.lint.rules import all_rules

    rules = list(all_rules().values())
    if code:
        rules = [r for r in rules if code.upper() == r.code or code == r.slug]
        if not rules:
            raise UsageError(f"no rule {code!r}; `journeyctl rules` lists them")
    if format == "json":
        doc = [
            {
                "code": r.code,
                "slug": r.slug,
                "severity": r.severity.label,
                "summary": r.summary,
                "description": r.description,
            }
            for r in rules
        ]
        sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
        return 0
    if format != "text":
        raise UsageError(f"unknown format {format!r}; use text or json")
    if code:
        r = rules[0]
        sys.stdout.write(f"{r.code} {r.slug} ({r.severity.label})\n\n{r.description}\n")
        return 0
    from rich.text import Text

    table = Table("code", "slug", "severity", "summary", box=None, pad_edge=False)
    for r in rules:
        table.add_row(*(Text(c) for c in (r.code, r.slug, r.severity.label, r.summary)))
    stderr().print(table)
    return 0
