"""`journeyctl discover`: read an event log, show its journeys, draft a map from it."""

from __future__ import annotations

from pathlib import Path

import typer

from journeyctl.cli import options
from journeyctl.cli.app import app
from journeyctl.core.escape import printable

SHOWN_STEPS = 10
"""A variant longer than this shows its first and last steps and how many are left out."""
NAME_CHARS = 80
"""Characters of a name shown in the variant table; a longer name is cut with `…`."""


def _lifecycles() -> tuple[str, ...]:
    from journeyctl.eventlog.readers import LIFECYCLES

    return LIFECYCLES


@app.command()
def discover(
    log: str | None = typer.Argument(None, metavar="LOG", help=options.LOG_HELP),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write the draft map here (an existing file needs --force)."
    ),
    force: bool = options.force("the --output map"),
    goal: list[str] | None = typer.Option(
        None,
        "--goal",
        help="Goal activity (or its id) of the draft map; repeat for several. Needed with -o.",
    ),
    format: str = options.TEXT_OR_JSON,
    top: int = options.count(10, "--top", help="Variants shown in the text report."),
    case: str | None = options.CASE,
    activity: str | None = options.ACTIVITY,
    timestamp: str | None = options.TIMESTAMP,
    channel: str | None = options.CHANNEL,
    screen: str | None = options.SCREEN,
    persona: str | None = typer.Option(
        None, "--persona", help="Persona or segment column (default: persona, segment)."
    ),
    compare: Path | None = typer.Option(
        None, "--compare", help="Compare the log with this designed map."
    ),
    mapping: Path | None = options.MAPPING,
    lifecycle: str = typer.Option(
        "complete",
        "--lifecycle",
        click_type=options.Choice("lifecycle", _lifecycles),
        help="When the log holds several lifecycle:transition values, keep these events.",
    ),
    engine: str = options.ENGINE,
    spark_master: str | None = options.SPARK_MASTER,
    table: str | None = options.TABLE,
) -> int:
    """Discover journeys in an event log; with -o, write them as a draft map."""
    from journeyctl.cli.errors import EXIT_OK
    from journeyctl.cli.output import stderr
    from journeyctl.core.files import check_writable, write_file
    from journeyctl.eventlog.readers import Columns

    source = options.log_source(log, engine, spark_master, table, required=True)
    jmap = _check(mapping, compare)
    explicit = None
    if mapping:  # refused before the log is read
        from journeyctl.lint.mapping import load_mapping

        explicit = load_mapping(mapping, jmap)
    inputs = (source.local, mapping, *(jmap.files if jmap else ()))
    if output is not None:  # refused before the log is read
        check_writable(output, owned=True, force=force, inputs=inputs)
    columns = Columns(case, activity, timestamp, channel, screen, persona)
    variants = None if format == "json" else top
    if jmap is not None:
        from journeyctl.eventlog.overlay import preload_comparison

        preload_comparison()
    elog, found, draft = _read(source, columns, variants, goal, output, lifecycle)
    overlay = _compare(elog, jmap, explicit) if jmap is not None else None
    for warning in elog.warnings:
        stderr().print(_text("warning: ", "bold yellow", printable(warning)))
    if elog.lifecycle is not None:
        stderr().print(_text("note: ", "bold", _lifecycle_note(elog.lifecycle)))
    _report(format, elog, found, top, overlay)
    if draft is not None:
        write_file(output, draft.text, owned=True, force=force, inputs=inputs)
        _print_draft(stderr(), output, draft)
    return EXIT_OK


def _check(mapping: Path | None, compare: Path | None):
    """Refuse bad options; the map to compare with, if any."""
    from journeyctl.cli.errors import UsageError

    if mapping is not None and compare is None:
        raise UsageError("--mapping needs --compare MAP")
    if compare is None:
        return None
    from journeyctl.lint.load import load_map

    return load_map(compare)


def _read(source, columns, variants, goal: list[str] | None, output: Path | None, lifecycle):
    """The log, its facts (with `variants` of them, None: all) and, with `output`, the draft
    map: read under a progress indicator."""
    from journeyctl.cli.progress import Progress
    from journeyctl.eventlog.discover import draft_map, facts
    from journeyctl.eventlog.readers import open_log

    with Progress(f"reading {source}"):
        elog = open_log(source, columns, lifecycle)
        found = facts(elog, variants=variants)
        draft = draft_map(elog, found, goal or ()) if output is not None else None
    return elog, found, draft


def _lifecycle_note(lc) -> str:
    """What was kept of a log with several lifecycle values, for stderr."""
    values = ", ".join(f"{printable(v)} {n:,}" for v, n in lc.values[:20])
    kept = (
        "kept every event"
        if lc.kept == "all"
        else f"kept the {lc.kept} events ({lc.left_out:,} others left out)"
    )
    return f"{lc.column} holds {values}: {kept}; choose with --lifecycle complete|start|all"


def _compare(elog, jmap, explicit: dict[str, str | None] | None):
    """The log against the designed map (and the --mapping), under a progress indicator."""
    from journeyctl.cli.progress import Progress
    from journeyctl.eventlog.overlay import compare_log

    with Progress(f"comparing with {printable(jmap.name)}"):
        return compare_log(elog, jmap, explicit)


def _report(format: str, elog, found, top: int, overlay) -> None:
    """The report on stdout: JSON, or text for people (and the comparison, if any)."""
    from journeyctl.cli.output import machine_output, stdout

    if format == "json":
        import json

        from journeyctl.eventlog.discover import to_json

        report = to_json(elog, found)
        if overlay is not None:
            report["compare"] = overlay.to_json()
        with machine_output(None) as out:
            out.write(json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
        return
    console = stdout()
    _print_report(console, elog, found, top)
    if overlay is not None:
        from journeyctl.eventlog.overlay import print_overlay

        print_overlay(console, overlay)


def _text(prefix: str, style: str, message: str):
    from rich.text import Text

    return Text.assemble((prefix, style), message)


def _print_report(console, elog, found, top: int) -> None:
    from rich.table import Table
    from rich.text import Text

    from journeyctl.core.escape import listing

    s = found.summary
    console.print(
        Text.assemble(
            (f"{elog.path}", "bold"),
            f": {s.cases:,} cases, {s.events:,} events, {s.activities} activities, "
            f"{found.variant_count:,} variant(s), {s.first} to {s.last}",
        )
    )
    if elog.columns.channel:
        shares = listing([f"{c} {n:,}" for c, n in s.channels])
        console.print(Text(f"events by channel ({printable(elog.columns.channel)}): {shares}"))
    else:
        console.print(Text("no channel column: every touchpoint gets the channel `unknown`"))
    if len(elog.offsets) > 1 or elog.offsets[0] not in ("", "Z", "+00", "+00:00"):
        offs = ", ".join(o or "none" for o in elog.offsets)
        console.print(Text(f"timestamp UTC offsets {offs}: normalised to UTC"))
    elif elog.offsets == ("",):
        console.print(Text("timestamps have no UTC offset: taken as UTC"))
    shown = min(top, found.variant_count)
    table = Table(title=f"Top {shown} of {found.variant_count:,} variants", title_justify="left")
    table.add_column("cases", justify="right")
    table.add_column("share", justify="right")
    table.add_column("steps", justify="right")
    table.add_column("variant")
    for variant, n in found.variants[:top]:
        table.add_row(f"{n:,}", f"{n / s.cases:.1%}", f"{len(variant):,}", Text(_steps(variant)))
    console.print(table)


def _steps(variant: tuple[str, ...]) -> str:
    """A variant for people: its activities joined by →; a long one shows its first and last
    steps around how many are left out, so the text stays short whatever the case."""
    if len(variant) > SHOWN_STEPS:
        head, tail = variant[: SHOWN_STEPS - 2], variant[-2:]
        variant = (*head, f"… {len(variant) - SHOWN_STEPS:,} more steps …", *tail)
    return " → ".join(_short(a) for a in variant)


def _short(name: str) -> str:
    name = printable(name)
    return name if len(name) <= NAME_CHARS else name[: NAME_CHARS - 1] + "…"


def _print_draft(console, output: Path, draft) -> None:
    from rich.text import Text

    goals = " or ".join(repr(printable(g)) for g in draft.goals)
    after = f", what they did after it in {draft.after} touchpoint(s) of `after-goal`"
    console.print(
        Text.assemble(
            ("wrote ", "green"),
            str(output),
            f": draft map, goal {goals}: {draft.converted:,} of {draft.cases:,} cases "
            f"({draft.converted / draft.cases:.1%}) reach it{after if draft.after else ''}; "
            "stages to do (see TODO)",
        )
    )
