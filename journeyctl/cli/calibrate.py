"""`journeyctl calibrate`: fit a map's move weights from an event log and write them back."""

from __future__ import annotations

from pathlib import Path

import typer

from journeyctl.cli import options
from journeyctl.cli.app import app

BOM = b"\xef\xbb\xbf"


@app.command()
def calibrate(
    map_path: Path = typer.Argument(..., metavar="MAP", help="The journey map file."),
    log: str | None = typer.Argument(None, metavar="LOG", help=options.LOG_HELP),
    output: Path | None = typer.Option(
        None,
        "--output",
        "-o",
        help="Write the calibrated map here (an existing file needs --force).",
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Print the change as a unified diff; write nothing."
    ),
    in_place: bool = typer.Option(
        False, "--in-place", help="Rewrite the map's own files (needs --force)."
    ),
    force: bool = options.force("the map"),
    format: str = options.TEXT_OR_JSON,
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
    """Fit the map's move weights from an event log, with a 95% interval each; with -o or
    --in-place, write them into the YAML, nothing else changed."""
    from journeyctl.cli.errors import EXIT_OK, UsageError
    from journeyctl.cli.output import stderr
    from journeyctl.core.escape import printable
    from journeyctl.core.files import check_writable
    from journeyctl.eventlog.readers import Columns
    from journeyctl.lint.load import load_map
    from journeyctl.lint.mapping import load_mapping

    source = options.log_source(log, engine, spark_master, table, required=True)
    if sum((output is not None, dry_run, in_place)) > 1:
        raise UsageError("give one of -o MAP, --dry-run and --in-place")
    if in_place and not force:
        raise UsageError("--in-place replaces the map's files: add --force")
    jmap = load_map(map_path)
    explicit = load_mapping(mapping, jmap) if mapping else None  # refused before the log is read
    inputs = (source.local, mapping, *jmap.files)
    if output is not None:
        check_writable(output, owned=True, force=force, inputs=inputs)
    columns = Columns(case, activity, timestamp, channel, screen, segment)
    cal = _fit(source, jmap, explicit, columns)
    texts = _texts(cal)
    root = jmap.files[0]
    if output is not None and set(texts) - {root}:
        raise UsageError(
            f"weights to change live in included files ({', '.join(sorted(set(texts) - {root}))})"
            ": -o writes only the map's own file; use --in-place --force, or --dry-run"
        )
    for warning in cal.warnings:
        stderr().print(f"[bold yellow]warning:[/] {_markup(printable(warning))}")
    if dry_run:
        _diff(texts)
        return EXIT_OK
    _report(cal, format)
    if output is not None:
        text = texts[root][1] if root in texts else _load(Path(root))[0]
        _write(output, text, root, force, inputs)
    elif in_place:
        for file, (_, text) in texts.items():
            _write(Path(file), text, file, True, (source.local, mapping))
    return EXIT_OK


def _fit(source, jmap, explicit, columns):
    """The calibration, the log read under a progress indicator."""
    from journeyctl.cli.progress import Progress
    from journeyctl.eventlog.calibrate import calibrate
    from journeyctl.eventlog.readers import open_log

    with Progress(f"reading {source}"):
        return calibrate(open_log(source, columns), jmap, explicit)


def _load(path: Path):
    """The text of the map file at `path` (its byte-order mark kept) and its document, read by
    the safe loader."""
    from journeyctl.core.errors import InputError
    from journeyctl.core.limits import DEFAULT_LIMITS
    from journeyctl.lint.loader import load_bytes, read_limited, unreadable

    try:
        data = read_limited(path, DEFAULT_LIMITS.max_bytes)
    except OSError as exc:
        raise InputError(f"{path}: {unreadable(exc)}") from None
    doc = load_bytes(data, str(path)).document
    return ("\ufeff" if data.startswith(BOM) else "") + doc.text, doc


def _texts(cal) -> dict[str, tuple[str, str]]:
    """Each map file with changed weights: its text, and its text with the fitted weights."""
    from journeyctl.eventlog.calibrate import edited_texts

    loaded = {f: _load(Path(f)) for f in {w.span.file for w in cal.changed}}
    edited = edited_texts(cal, {f: doc for f, (_, doc) in loaded.items()})
    out = {}
    for f, new in edited.items():
        old, doc = loaded[f]
        out[f] = (old, old[: len(old) - len(doc.text)] + new)
    return out


def _write(path: Path, text: str, source: str, force: bool, inputs) -> None:
    from journeyctl.cli.output import stderr
    from journeyctl.core.files import write_file

    write_file(path, text, owned=True, force=force, inputs=inputs)
    stderr().print(f"wrote {path}: {source} with the fitted weights", markup=False)


def _diff(texts: dict[str, tuple[str, str]]) -> None:
    """Every changed file as a unified diff on stdout."""
    import difflib
    import sys

    for file, (old, new) in sorted(texts.items()):
        sys.stdout.writelines(
            difflib.unified_diff(
                old.splitlines(keepends=True),
                new.splitlines(keepends=True),
                file,
                file,
            )
        )
    sys.stdout.flush()


def _markup(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _report(cal, format: str) -> None:
    """Every weight (old, new, interval, count) on stdout: JSON, or a table for people."""
    from journeyctl.cli.output import machine_output, stdout

    if format == "json":
        import json

        doc = json.dumps(cal.to_json(), indent=2, sort_keys=True, ensure_ascii=False)
        with machine_output(None) as out:
            out.write(doc + "\n")
        return
    from journeyctl.eventlog.calibrate import print_calibration

    print_calibration(stdout(), cal)
