"""Read event logs (CSV, Parquet, XES) into a DuckDB table of normalised columns.

Every reader ends in the table `events(row, case_id, activity, ts, channel, screen, persona)`:
`row` is the event's 1-based position in the file, `ts` a UTC TIMESTAMP, the optional columns
NULL when the log has none. Within a case events are ordered by `ts`, ties by `row` (as pm4py).
"""

from __future__ import annotations

import csv
import gzip
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from journeyctl.errors import InputError, UsageError

ROLES = ("case", "activity", "timestamp", "channel", "screen", "persona")
REQUIRED = ("case", "activity", "timestamp")
CANDIDATES = {
    "case": ("case_id", "case:concept:name"),
    "activity": ("touchpoint", "concept:name"),
    "timestamp": ("timestamp", "time:timestamp"),
    "channel": ("channel", "case:channel"),
    "screen": ("screen", "case:screen"),
    "persona": ("persona", "case:persona", "segment", "case:segment"),
}
"""Column names tried, in order, for a role not named by an option: journeyctl's own
`simulate --events` header, then the XES / pm4py names."""

_OFFSET = r"(Z|[+-]\d\d(:?\d\d)?)$"


@dataclass(frozen=True)
class Columns:
    """Which source column plays each role; None means auto-detect (required) or absent."""

    case: str | None = None
    activity: str | None = None
    timestamp: str | None = None
    channel: str | None = None
    screen: str | None = None
    persona: str | None = None


@dataclass
class EventLog:
    """A log loaded into `con` as the table `events`, with what was noticed on the way."""

    con: object
    path: Path
    columns: Columns
    warnings: list[str] = field(default_factory=list)
    offsets: tuple[str, ...] = ()


def read_log(path: Path, columns: Columns = Columns(), con=None) -> EventLog:
    """Load the log at `path` (by suffix: .csv[.gz], .parquet, .xes[.gz]) into DuckDB.

    Raises InputError for unreadable files, missing columns, bad timestamps and empty logs.
    """
    import duckdb

    if not path.is_file():
        raise InputError(f"{path}: no such file" if not path.exists() else f"{path}: not a file")
    con = con or duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    name = path.name.lower()
    try:
        if name.endswith((".xes", ".xes.gz")):
            with tempfile.TemporaryDirectory(prefix="journeyctl-xes-") as tmp:
                csv_path = Path(tmp) / "events.csv"
                available = _xes_to_csv(path, csv_path, _wanted(columns))
                resolved = _resolve(columns, available, path)
                _load(con, _csv_source(csv_path), resolved)
        else:
            if name.endswith((".parquet", ".pq")):
                source = f"read_parquet({_quote(path)})"
            elif name.endswith((".csv", ".csv.gz", ".tsv", ".txt")):
                source = _csv_source(path)
            else:
                raise UsageError(f"{path}: unknown log format; use .csv, .parquet, .xes or .xes.gz")
            available = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()]
            resolved = _resolve(columns, available, path)
            _load(con, source, resolved)
    except duckdb.Error as exc:
        raise InputError(f"{path}: cannot read: {_first_line(exc)}") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    log = EventLog(con, path, resolved)
    _check(log)
    return log


def _csv_source(path: Path) -> str:
    return f"read_csv({_quote(path)}, header = true, all_varchar = true)"


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _wanted(columns: Columns) -> set[str]:
    named = {getattr(columns, r) for r in ROLES} - {None}
    return named | {c for names in CANDIDATES.values() for c in names}


def _resolve(columns: Columns, available: list[str], path: Path) -> Columns:
    """Name a source column for every role: the option's, else the first candidate present."""
    chosen = {}
    for role in ROLES:
        asked = getattr(columns, role)
        if asked is not None:
            if asked not in available:
                raise InputError(
                    f"{path}: no column {asked!r} (--{role}); "
                    f"the log has: {', '.join(available) or 'no columns'}"
                )
            chosen[role] = asked
            continue
        found = next((c for c in CANDIDATES[role] if c in available), None)
        if found is None and role in REQUIRED:
            raise InputError(
                f"{path}: no {role} column (tried {', '.join(CANDIDATES[role])}); "
                f"name it with --{role}; the log has: {', '.join(available) or 'no columns'}"
            )
        chosen[role] = found
    return Columns(**chosen)


def _load(con, source: str, cols: Columns) -> None:
    """Create `events` from `source` (columns cast to text, timestamps parsed to UTC)."""

    def text(role: str) -> str:
        name = getattr(cols, role)
        return f"CAST({_ident(name)} AS VARCHAR)" if name else "CAST(NULL AS VARCHAR)"

    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE raw_events AS
        SELECT {text("case")} AS case_id, {text("activity")} AS activity,
               {text("timestamp")} AS ts_text, {text("channel")} AS channel,
               {text("screen")} AS screen, {text("persona")} AS persona
        FROM {source}"""
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE events AS
        SELECT rowid + 1 AS row, case_id, activity,
               CAST(TRY_CAST(trim(ts_text) AS TIMESTAMPTZ) AS TIMESTAMP) AS ts,
               ts_text, channel, screen, persona
        FROM raw_events"""
    )
    con.execute("DROP TABLE raw_events")


def _check(log: EventLog) -> None:
    """Refuse empty logs and rows without case, activity or a readable timestamp; warn."""
    con, path = log.con, log.path
    if con.execute("SELECT count(*) FROM events").fetchone()[0] == 0:
        raise InputError(f"{path}: the log has no events")
    for role, expr in (("case", "case_id"), ("activity", "activity")):
        bad = con.execute(
            f"SELECT min(row) FROM events WHERE {expr} IS NULL OR trim({expr}) = ''"
        ).fetchone()[0]
        if bad is not None:
            raise InputError(
                f"{path}: row {bad}: empty {role} (column {getattr(log.columns, role)!r})"
            )
    bad = con.execute(
        "SELECT row, ts_text FROM events WHERE ts IS NULL ORDER BY row LIMIT 1"
    ).fetchone()
    if bad is not None:
        raise InputError(
            f"{path}: row {bad[0]}: cannot read timestamp {bad[1]!r} "
            f"(column {log.columns.timestamp!r}); use ISO 8601, e.g. 2026-01-31T09:30:00+01:00"
        )
    offsets = con.execute(
        f"""SELECT DISTINCT regexp_extract(trim(ts_text), '{_OFFSET}') AS o FROM events
        ORDER BY o"""
    ).fetchall()
    log.offsets = tuple(o[0] for o in offsets)
    if "" in log.offsets and len(log.offsets) > 1:
        row = con.execute(
            f"""SELECT min(row) FROM events
            WHERE regexp_extract(trim(ts_text), '{_OFFSET}') = ''"""
        ).fetchone()[0]
        log.warnings.append(
            f"mixed time zones: some timestamps have a UTC offset, others (first at row {row}) "
            "have none and are taken as UTC"
        )
    con.execute("ALTER TABLE events DROP COLUMN ts_text")
    from journeyctl.eventlog.queries import out_of_order

    late = out_of_order(con)
    if late.cases:
        log.warnings.append(
            f"{late.cases} case(s) have events out of time order in the file, e.g. case "
            f"{late.case!r} at row {late.row}; each case is sorted by timestamp"
        )


# --- XES -------------------------------------------------------------------------------------

_ROOT = re.compile(rb"<[A-Za-z_]")


def _open(path: Path) -> IO[bytes]:
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else path.open("rb")


def _refuse_doctype(path: Path) -> None:
    """Refuse a DOCTYPE (entities, external DTDs) before parsing: XES never needs one."""
    head = b""
    with _open(path) as f:
        while len(head) < 1 << 20:
            chunk = f.read(1 << 16)
            if not chunk:
                break
            head += chunk
            if _ROOT.search(head):
                break
    root = _ROOT.search(head)
    prolog = head[: root.start()] if root else head
    if b"<!DOCTYPE" in prolog.upper():
        raise InputError(f"{path}: XES with a DOCTYPE is refused (entities and DTDs are unsafe)")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _xes_events(path: Path, wanted: set[str], seen: set[str]) -> Iterator[dict[str, str]]:
    """Events of an XES log as {attribute: value}; trace attributes prefixed `case:`."""
    import xml.etree.ElementTree as ET

    _refuse_doctype(path)
    trace: dict[str, str] = {}
    stack: list[str] = []
    root = None
    with _open(path) as f:
        for event, elem in ET.iterparse(f, events=("start", "end")):
            tag = _local(elem.tag)
            if event == "start":
                stack.append(tag)
                root = elem if root is None else root
                if tag == "trace":
                    trace = {}
                continue
            stack.pop()
            parent = stack[-1] if stack else ""
            if tag == "event":
                row = dict(trace)
                for child in elem:
                    key, value = child.get("key"), child.get("value")
                    if key is not None and value is not None:
                        seen.add(key)
                        if key in wanted:
                            row[key] = value
                yield row
                elem.clear()
            elif tag == "trace":
                root.clear()  # keep memory flat: finished traces are not needed again
            elif parent == "trace" and elem.get("key") is not None:
                key = "case:" + elem.get("key")
                seen.add(key)
                if key in wanted and elem.get("value") is not None:
                    trace[key] = elem.get("value")


def _xes_to_csv(path: Path, out: Path, wanted: set[str]) -> list[str]:
    """Stream the XES log at `path` into a CSV of the `wanted` attributes; the keys seen."""
    import xml.etree.ElementTree as ET

    seen: set[str] = set()
    keys = sorted(wanted)
    try:
        with out.open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(keys)
            for row in _xes_events(path, wanted, seen):
                writer.writerow([row.get(k, "") for k in keys])
    except ET.ParseError as exc:
        raise InputError(f"{path}: not well-formed XES: {exc}") from None
    except (EOFError, gzip.BadGzipFile) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from None
    return sorted(seen)

