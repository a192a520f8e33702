"""Read event logs (CSV, Parquet, XES) into a DuckDB table of normalised columns.

Every reader ends in the table `events(case_id, activity, ts, utc_offset, channel, screen,
persona)` in file order (`rowid`; the 1-based `row` of messages is rowid + 1), `ts` a
UTC TIMESTAMP, the optional columns NULL when the log has none. `read_log` also builds `steps`
(see queries). Within a case events are ordered by `ts`, ties by `row` (as pm4py).
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

from journeyctl.core.errors import InputError, RequestError

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

_OFFSET = """CASE
    WHEN length({t}) <= 10 THEN ''
    WHEN right({t}, 1) IN ('Z', 'z') THEN 'Z'
    WHEN left(right({t}, 6), 1) IN ('+', '-') AND left(right({t}, 3), 1) = ':' THEN right({t}, 6)
    WHEN left(right({t}, 5), 1) IN ('+', '-') THEN right({t}, 5)
    WHEN left(right({t}, 3), 1) IN ('+', '-') THEN right({t}, 3)
    WHEN regexp_matches(right({t}, 1), '[A-Za-z]') THEN 'zone name'
    ELSE '' END"""
"""SQL: the UTC offset a timestamp text ends with (`Z`, `+02:00`, `-0500`, ...), '' if none.
Only the end of the text is looked at: cheaper than a regular expression on every row."""


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
                return _ingest(con, path, _csv_source(csv_path), columns, available)
        if name.endswith((".parquet", ".pq")):
            return _ingest(con, path, f"read_parquet({_quote(path)})", columns)
        if name.endswith((".csv", ".csv.gz", ".tsv", ".txt")):
            return _ingest(con, path, _csv_source(path), columns)
        raise RequestError(f"{path}: unknown log format; use .csv, .parquet, .xes or .xes.gz")
    except duckdb.Error as exc:
        raise InputError(f"{path}: cannot read: {_first_line(exc)}") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _ingest(con, path: Path, source: str, columns: Columns, available=None) -> EventLog:
    """Resolve the columns of `source`, load it as `events`, check it and build `steps`."""
    if available is None:
        available = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()]
    log = EventLog(con, path, _resolve(columns, available, path))
    _load(con, source, log.columns)
    _check(log, source)
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
    """Create `events` from `source` in one pass: text columns, timestamps parsed to UTC.

    The file order is the table's `rowid` (DuckDB keeps insertion order); `row` = rowid + 1.
    """

    def text(role: str) -> str:
        name = getattr(cols, role)
        return f"CAST({_ident(name)} AS VARCHAR)" if name else "CAST(NULL AS VARCHAR)"

    t = text("timestamp")
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE events AS
        SELECT {text("case")} AS case_id, {text("activity")} AS activity,
               CAST(TRY_CAST({t} AS TIMESTAMPTZ) AS TIMESTAMP) AS ts,
               {_OFFSET.format(t=t)} AS utc_offset,
               {text("channel")} AS channel, {text("screen")} AS screen,
               {text("persona")} AS persona
        FROM {source}"""
    )


def _check(log: EventLog, source: str) -> None:
    """Refuse empty logs and rows without case, activity or a readable timestamp; warn."""
    con, path = log.con, log.path
    n, no_case, no_activity, bad_ts, naive = con.execute(
        """SELECT count(*),
               min(rowid) FILTER (WHERE case_id IS NULL OR case_id = ''),
               min(rowid) FILTER (WHERE activity IS NULL OR activity = ''),
               min(rowid) FILTER (WHERE ts IS NULL),
               min(rowid) FILTER (WHERE utc_offset = '')
        FROM events"""
    ).fetchone()
    if n == 0:
        raise InputError(f"{path}: the log has no events")
    for role, bad in (("case", no_case), ("activity", no_activity)):
        if bad is not None:
            raise InputError(
                f"{path}: row {bad + 1}: empty {role} (column {getattr(log.columns, role)!r})"
            )
    if bad_ts is not None:
        column = log.columns.timestamp
        (value,) = con.execute(
            f"SELECT CAST({_ident(column)} AS VARCHAR) FROM {source} LIMIT 1 OFFSET {bad_ts}"
        ).fetchone()
        raise InputError(
            f"{path}: row {bad_ts + 1}: cannot read timestamp {value!r} (column {column!r}); "
            "use ISO 8601, e.g. 2026-01-31T09:30:00+01:00"
        )
    log.offsets = tuple(
        o
        for (o,) in con.execute(
            "SELECT DISTINCT utc_offset FROM events ORDER BY utc_offset"
        ).fetchall()
    )
    if naive is not None and len(log.offsets) > 1:
        log.warnings.append(
            f"mixed time zones: some timestamps have a UTC offset, others (first at row "
            f"{naive + 1}) have none and are taken as UTC"
        )
    from journeyctl.eventlog.queries import build_steps, out_of_order

    build_steps(con)
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
