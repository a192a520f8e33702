"""`journeyctl rules`: list every code (lint rules and gap types), or explain one."""

from __future__ import annotations

import typer

from journeyctl.cli import options
from journeyctl.cli.app import app


@app.command("rules")
def rules_command(
    code: str | None = typer.Argument(
        None, help="A code or slug to explain, or a code prefix (JM1, G) to list."
    ),
    format: str = options.TEXT_OR_JSON,
) -> int:
    """List every code with its slug, severity and summary; name one for its full docs."""
    import json
    import sys

    from rich.table import Table

    from journeyctl.cli.errors import UsageError
    from journeyctl.cli.output import stdout
    from journeyctl.gaps.model import GapType
    from journeyctl.registry import all_codes

    codes = list(all_codes().values())
    exact = [c for c in codes if code and (code.upper() == c.code or code == c.slug)]
    if code:
        codes = exact or [c for c in codes if c.code.startswith(code.upper())]
        if not codes:
            raise UsageError(f"no code, slug or prefix {code!r}; `journeyctl rules` lists them")
    if format == "json":
        doc = [
            {
                "code": c.code,
                "slug": c.slug,
                **({"family": c.family} if isinstance(c, GapType) else {}),
                "severity": c.severity.label,
                "summary": c.summary,
                "description": c.description,
            }
            for c in codes
        ]
        sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
        return 0
    if exact:
        c = codes[0]
        family = f", family: {c.family}" if isinstance(c, GapType) else ""
        sys.stdout.write(f"{c.code} {c.slug} ({c.severity.label}{family})\n\n{c.description}\n")
        return 0
    from rich.text import Text

    table = Table("code", "slug", "severity", "summary", box=None, pad_edge=False)
    for c in codes:
        table.add_row(*(Text(s) for s in (c.code, c.slug, c.severity.label, c.summary)))
    stdout().print(table)
    return 0
