"""Read event logs (CSV, Parquet, XES, an engine's table) into a table of normalised columns.

Every reader ends in the table `events(case_id, activity, ts, channel, screen, persona)` of
an engine (see engine), each row with its file position (`db.row()`, 1-based as messages count
rows), `ts` a UTC TIMESTAMP, the optional columns NULL when the log has none, repeated text held
as codes (ENUM) on DuckDB. `read_log` also builds `steps` (see queries). Within a case events
are ordered by `ts`, ties by file row (as pm4py).
"""

from __future__ import annotations

import shutil
import tempfile
import weakref
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from journeyctl.core.errors import InputError, RequestError, first_line
from journeyctl.core.escape import listing, printable, sql_ident, sql_literal
from journeyctl.core.files import check_readable
from journeyctl.eventlog.bounded import check_size, max_log_bytes
from journeyctl.eventlog.engine import DuckDBEngine, Engine, LogSource, open_engine
from journeyctl.eventlog.xes import XES_TABLE, start_worker, xes_place, xes_to_table

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
LIFECYCLE = "lifecycle:transition"
"""The column (XES attribute) saying which moment of an activity an event is: start,
complete, ..."""
LIFECYCLES = ("complete", "start", "all")
"""Which events of a log holding several lifecycle values are kept (`all`: every one)."""

_OFFSET = """CASE
    WHEN length({t}) <= 10 THEN ''
    WHEN ends_with({t}, 'Z') OR ends_with({t}, 'z') THEN 'Z'
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
    """A log loaded into the engine `db` as the table `events`, with what was noticed on the
    way."""

    db: Engine
    path: Path | str
    columns: Columns
    warnings: list[str] = field(default_factory=list)
    offsets: tuple[str, ...] = ()
    lifecycle: Lifecycle | None = None
    """Set when the log holds several lifecycle values."""


@dataclass(frozen=True)
class Lifecycle:
    """The lifecycle values of a log that holds several, and which events were kept."""

    column: str
    values: tuple[tuple[str, int], ...]
    """Each value (lower case) with its events, most first; events with none are always kept."""
    kept: str
    """A value of LIFECYCLES."""
    left_out: int


def open_log(
    source: LogSource, columns: Columns = Columns(), lifecycle: str = "complete"
) -> EventLog:
    """Load the log `source` names on the engine it names (see read_log)."""
    db = open_engine(source.engine, source.spark_master)
    return read_log(source.location, columns, db, lifecycle=lifecycle, table=source.table)


def read_log(
    path: Path | str,
    columns: Columns = Columns(),
    db: Engine | None = None,
    max_bytes: int | None = None,
    lifecycle: str = "complete",
    table: bool = False,
) -> EventLog:
    """Load the log at `path` (by suffix: .csv[.gz], .parquet, .xes[.gz]; a folder of Parquet
    or CSV files, hive-partitioned or not) into the engine `db` (default: DuckDB); with
    `table`, `path` names a table of the engine's catalogue (Spark: `db.events`).

    At most `max_bytes` of log text are read, after decompression (default: `max_log_bytes()`),
    from a local file (an engine's tables and remote paths are bounded by the engine).
    When its `lifecycle:transition` column holds several values, only the events of
    `lifecycle` are kept (`all`: every event).
    Raises InputError for unreadable files (missing, not a regular file, too large, not
    well-formed), missing columns, bad timestamps and empty logs.
    """
    if table:
        return _read(db, str(path), "table", columns, lifecycle)
    remote = isinstance(path, str) and "://" in path
    path = path if remote else Path(path)
    kind, folder = _kind(path)
    limit = max_log_bytes() if max_bytes is None else max_bytes
    if folder and not remote:
        check_size(path, sum(check_readable(f) for f in path.rglob(f"*.{kind}")), limit)
    elif not remote:
        size = check_readable(path)
        if kind != "xes":
            check_size(path, size, limit)
    if kind != "xes":
        return _read(db, path, kind, columns, lifecycle, folder)
    worker = start_worker(path, _wanted(columns), limit)  # reads while DuckDB loads
    local = db if isinstance(db, DuckDBEngine) else DuckDBEngine()
    with _reading(path, local):
        available = xes_to_table(local.con, path, _wanted(columns), limit, worker)
        if db is None or local is db:
            return _ingest(local, path, XES_TABLE, columns, lifecycle, available)
        copy = _parquet_copy(local, db, available)
    return _read(db, copy, "parquet", columns, lifecycle, named=path)


def _parquet_copy(local: DuckDBEngine, db: Engine, columns: list[str]) -> Path:
    """The XES events read into `local` (their `columns` with a value) as a Parquet file for
    the engine `db`, which cannot read them where they are (Spark; local mode, as the file is
    on this machine), in a temporary folder removed with `db`."""
    folder = tempfile.mkdtemp(prefix="journeyctl-xes-")
    weakref.finalize(db, shutil.rmtree, folder, ignore_errors=True)
    target = Path(folder) / "events.parquet"
    names = ", ".join(sql_ident(c) for c in columns)
    local.run(f"COPY (SELECT {names} FROM {XES_TABLE}) TO {sql_literal(str(target))}")
    return target


_SUFFIXES = {
    "xes": (".xes", ".xes.gz"),
    "parquet": (".parquet", ".pq"),
    "csv": (".csv", ".csv.gz", ".tsv", ".txt"),
}


def _kind(path: Path | str) -> tuple[str, bool]:
    """(csv, parquet or xes; whether `path` is a folder of such files): by the name's suffix,
    a local folder by the files it holds when its name does not say, a URI without a suffix
    as a data lake's folder of Parquet files."""
    name = str(path).lower().rstrip("/")
    by_name = next((k for k, ends in _SUFFIXES.items() if name.endswith(ends)), None)
    if isinstance(path, Path) and by_name != "xes" and path.is_dir():
        for kind in (by_name,) if by_name else ("parquet", "csv"):
            if any(path.rglob(f"*.{kind}")):
                return kind, True
        raise InputError(f"{path}: a folder with no .{by_name or 'parquet or .csv'} files")
    if by_name:
        return by_name, False
    if not isinstance(path, Path):
        return "parquet", True
    raise RequestError(
        f"{path}: unknown log format; use .csv, .parquet, .xes, .xes.gz or a folder of "
        ".parquet or .csv files"
    )


def _read(
    db, path, kind: str, columns: Columns, lifecycle: str, folder: bool = False, named=None
) -> EventLog:
    """`_ingest` the log at `path` of `kind` (a `folder` of such files) into `db` (default:
    DuckDB), its errors named after `named` (default: `path`)."""
    db = db or DuckDBEngine()
    timed = partial(db.timed_source, path, kind, folder)
    with _reading(named or path, db):
        source = db.source(path, kind, folder)
        return _ingest(db, named or path, source, columns, lifecycle, timed=timed)


@contextmanager
def _reading(path, db: Engine):
    """Turn the engine's and the file system's errors while reading `path` into InputError."""
    try:
        yield
    except db.errors as exc:
        raise InputError(f"{path}: cannot read: {printable(first_line(exc))}") from None
    except (EOFError, zlib.error) as exc:  # a gzip file cut short or corrupt
        raise InputError(f"{path}: cannot read: broken gzip data ({exc})") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _ingest(
    db, path, source: str, columns: Columns, lifecycle: str, available=None, timed=None
) -> EventLog:
    """Resolve the columns of `source`, load it as `events`, check it, keep the `lifecycle`
    events and build `steps`; `timed(column, form)`: `source` with the reader parsing timestamps
    of one form (see Engine.timed_source), if it can."""
    types = {}
    if available is None:
        types = db.columns(source)
        available = list(types)
    log = EventLog(db, path, _resolve(columns, available, path))
    has_lifecycle = LIFECYCLE in available
    ts_type = types.get(log.columns.timestamp, "VARCHAR")
    log.offsets, offset = _load(db, source, log.columns, ts_type, has_lifecycle, timed)
    _check(log, source, offset)
    if has_lifecycle:
        _keep_lifecycle(log, lifecycle)
    _build_steps(log)
    return log


def _wanted(columns: Columns) -> set[str]:
    named = {getattr(columns, r) for r in ROLES} - {None}
    return named | {c for names in CANDIDATES.values() for c in names} | {LIFECYCLE}


def _resolve(columns: Columns, available: list[str], path: Path) -> Columns:
    """Name a source column for every role: the option's, else the first candidate present."""
    chosen = {}
    for role in ROLES:
        asked = getattr(columns, role)
        if asked is not None:
            if asked not in available:
                raise InputError(
                    f"{path}: no column {printable(asked)!r} (--{role}); "
                    f"the log has: {listing(available) or 'no columns'}"
                )
            chosen[role] = asked
            continue
        found = next((c for c in CANDIDATES[role] if c in available), None)
        if found is None and role in REQUIRED:
            raise InputError(
                f"{path}: no {role} column (tried {', '.join(CANDIDATES[role])}); "
                f"name it with --{role}; the log has: {listing(available) or 'no columns'}"
            )
        chosen[role] = found
    return Columns(**chosen)


MAX_CODES = 65_535
"""Distinct values a text column may have to be held as codes (a DuckDB ENUM of 1 or 2 bytes a
row instead of 16); a column with more is held as text."""


UTC_FORMS = {"Z": "%Y-%m-%dT%H:%M:%SZ", "": "%Y-%m-%d %H:%M:%S"}
"""The commonest forms of text timestamps, by the one UTC offset a log has (`Z`, or none: UTC):
when every timestamp of a CSV log has exactly this form, DuckDB's CSV reader parses them, a
fifth of the load time faster than the general parse (which also reads offsets and zone
names), to the same instants."""
HEAD_ROWS = 1 << 17
"""Rows at the head of a log from which its codes and offsets are learnt first (see _load)."""


def _load(
    db, source: str, cols: Columns, ts_type: str, lifecycle: bool = False, timed=None
) -> tuple[tuple[str, ...], str]:
    """Create `events` from `source`: timestamps in UTC, repeated text as small codes; returns
    the log's UTC offsets, sorted, and the SQL of a row's offset (`_check` looks for the first
    row with none).

    Text timestamps are parsed; typed ones are read as they are: an instant (TIMESTAMP WITH
    TIME ZONE) as offset `Z`, a naive TIMESTAMP or DATE as UTC with no offset, like text without
    one. A first pass over `source` finds the distinct activities, channels, screens, personas
    and UTC offsets, so that `events` holds each text as an ENUM of its sorted values (sorted as
    text, so ORDER BY is unchanged) and stays small enough for memory, and holds no offsets.
    Codes only where the engine has them (DuckDB). The file order is the table's `rowid` on
    DuckDB (which keeps insertion order), the source's row column on Spark (see spark).
    With `lifecycle`, the `lifecycle:transition` column is kept too, in lower case, as
    `lifecycle`.

    When the engine's reader parses timestamps (`timed`, see _ingest), the first pass reads the
    log's first HEAD_ROWS rows only. If these show one offset with a form in UTC_FORMS, the log
    is loaded with their values at once, the reader parsing that form: a later row with a value
    not among them, or a timestamp of another form, fails the load (CAST to ENUM, the strict
    format), and the pass is made over every row, as without `timed`.
    """

    def text(role: str) -> str:
        name = getattr(cols, role)
        return f"CAST({sql_ident(name)} AS VARCHAR)" if name else "CAST(NULL AS VARCHAR)"

    t = text("timestamp")
    ts, offset = f"CAST(TRY_CAST({t} AS TIMESTAMPTZ) AS TIMESTAMP)", _OFFSET.format(t=t)
    if ts_type == "TIMESTAMP WITH TIME ZONE":
        ts, offset = f"CAST({sql_ident(cols.timestamp)} AS TIMESTAMP)", "'Z'"
    elif ts_type.startswith("TIMESTAMP") or ts_type == "DATE":
        ts, offset = f"CAST({sql_ident(cols.timestamp)} AS TIMESTAMP)", "''"
    exprs = {r: text(r) for r in ("activity", "channel", "screen", "persona") if getattr(cols, r)}
    if lifecycle:
        exprs["lifecycle"] = f"nullif(lower(trim(CAST({sql_ident(LIFECYCLE)} AS VARCHAR))), '')"
    row = "" if db.codes else f", {db.row()}"  # DuckDB numbers rows itself

    def load(values: dict[str, list], source: str, ts: str) -> None:
        kinds = {
            name: f"ENUM({', '.join(sql_literal(v) for v in vs)})"
            for name, vs in values.items()
            if name in exprs and vs
        }

        def coded(name: str, expr: str) -> str:
            kind = kinds.get(name)
            return f"CAST({expr} AS {kind}) AS {name}" if kind else f"{expr} AS {name}"

        db.create(
            "events",
            f"""SELECT {text("case")} AS case_id, {coded("activity", text("activity"))},
                   {ts} AS ts,
                   {coded("channel", text("channel"))}, {coded("screen", text("screen"))},
                   {coded("persona", text("persona"))}
                   {", " + coded("lifecycle", exprs["lifecycle"]) if lifecycle else ""}{row}
            FROM {source}""",
        )

    def load_timed(values: dict[str, list]) -> bool:
        """Load with the reader parsing the timestamps, if their one offset has a form it
        parses; False if not loaded."""
        offsets = values["utc_offset"]
        form = UTC_FORMS.get(offsets[0]) if len(offsets) == 1 else None
        if form is None:
            return False
        try:
            load(values, timed(cols.timestamp, form), sql_ident(cols.timestamp))
        except db.errors:  # a value or a timestamp unlike those learnt
            return False
        return True

    coded = exprs if db.codes else {}
    every = {"utc_offset": offset}
    if not coded and offset in ("'Z'", "''"):  # typed timestamps, no codes: nothing to learn
        load({}, source, ts)
        return (offset.strip("'"),), offset
    if ts_type != "VARCHAR" or timed is None or timed(cols.timestamp, UTC_FORMS[""]) is None:
        timed = None  # the reader parses no timestamps: every row is read to learn
    values, whole = _distinct(db, source, coded, every, HEAD_ROWS if timed else None)
    if not whole:  # the head only
        if load_timed(values):
            return tuple(values["utc_offset"]), offset
        values, _ = _distinct(db, source, coded, every)
        timed = None  # it failed once: the general parse
    if not (timed and load_timed(values)):
        load(values, source, ts)
    return tuple(values["utc_offset"]), offset


def _distinct(
    db, source: str, coded: dict[str, str], every: dict[str, str], head: int | None = None
) -> tuple[dict[str, list], bool]:
    """Name to the sorted distinct non-NULL values over `source` (its first `head` rows) of each
    expression of `coded` (none when more than MAX_CODES) and of `every`, in one pass: the
    distinct combinations first (one hash table, few rows), then each column's values among
    them; and whether every row of `source` was read."""
    names = [*coded, *every]
    values = {n: f"list_sort(list(DISTINCT {n}) FILTER (WHERE {n} IS NOT NULL))" for n in names}
    lists = ", ".join(
        [f"CASE WHEN count(DISTINCT {n}) <= {MAX_CODES} THEN {values[n]} END" for n in coded]
        + [values[n] for n in every]
    )
    combos = ", ".join(f"{e} AS {n}" for n, e in (coded | every).items())
    rows = source if head is None else f"(SELECT * FROM {source} LIMIT {int(head)})"
    *found, n = db.one(
        f"SELECT {lists}, sum(n) FROM (SELECT {combos}, count(*) AS n FROM {rows} GROUP BY ALL)"
    )
    whole = head is None or (n or 0) < head
    return {name: vs or [] for name, vs in zip(names, found, strict=True)}, whole


def _check(log: EventLog, source: str, offset: str) -> None:
    """Refuse empty logs and rows without case, activity or a readable timestamp; warn of
    mixed time zones (the first row with no offset found in `source` by `offset`, its SQL)."""
    db, path = log.db, log.path
    n, no_case, no_activity, bad_ts = db.one(
        f"""SELECT count(*),
               min({db.row()} - 1) FILTER (WHERE case_id IS NULL OR case_id = ''),
               min({db.row()} - 1) FILTER (WHERE activity IS NULL OR activity = ''),
               min({db.row()} - 1) FILTER (WHERE ts IS NULL)
        FROM events"""
    )
    if n == 0:
        raise InputError(f"{path}: the log has no events")
    for role, bad in (("case", no_case), ("activity", no_activity)):
        if bad is not None:
            raise InputError(
                f"{path}: row {bad + 1}: empty {role} (column {getattr(log.columns, role)!r})"
            )
    if bad_ts is not None:
        column = log.columns.timestamp
        value = db.source_value(source, f"CAST({sql_ident(column)} AS VARCHAR)", bad_ts)
        where = f"row {bad_ts + 1}"
        if source == XES_TABLE:
            where = xes_place(db.con, bad_ts + 1)
        if not value:
            raise InputError(
                f"{path}: {where} has no timestamp (column {column!r}); every event needs one"
            )
        raise InputError(
            f"{path}: {where}: cannot read timestamp {value[:100]!r} (column {column!r}); "
            "use ISO 8601, e.g. 2026-01-31T09:30:00+01:00"
        )
    if "" in log.offsets and len(log.offsets) > 1:
        (naive,) = db.one(  # rows numbered as read: the file's order
            f"""SELECT min(i) FROM (SELECT {db.source_index()} AS i, {offset} AS o
            FROM {source}) WHERE o = ''"""
        )
        log.warnings.append(
            f"mixed time zones: some timestamps have a UTC offset, others (first at row "
            f"{naive + 1}) have none and are taken as UTC"
        )


def _keep_lifecycle(log: EventLog, kept: str) -> None:
    """Keep the events of lifecycle value `kept` (and those with none) when the log holds
    several values (and drop the column), else every event. DuckDB then numbers rows among the
    events kept (Spark keeps their file rows), so the out-of-order warning names the case
    only."""
    db, path = log.db, log.path
    values = db.rows(
        """SELECT CAST(lifecycle AS VARCHAR) AS v, count(*)::BIGINT AS n FROM events
        WHERE lifecycle IS NOT NULL GROUP BY 1 ORDER BY n DESC, v"""
    )
    if len(values) < 2:
        return
    shown = listing([f"{v} ({n:,})" for v, n in values])
    if kept != "all" and kept not in dict(values):
        raise InputError(
            f"{path}: no {kept!r} events (column {LIFECYCLE!r}: {shown}); "
            "choose with --lifecycle complete|start|all"
        )
    left_out = 0 if kept == "all" else sum(n for v, n in values if v != kept)
    log.lifecycle = Lifecycle(LIFECYCLE, tuple(values), kept, left_out)
    keep = "TRUE"
    if kept != "all":
        keep = f"lifecycle IS NULL OR CAST(lifecycle AS VARCHAR) = {sql_literal(kept)}"
    db.create("events", f"SELECT * EXCLUDE (lifecycle) FROM events WHERE {keep}")


def _build_steps(log: EventLog) -> None:
    """Build `steps` and warn of cases whose events stand out of time order in the file."""
    from journeyctl.eventlog.queries import build_steps, out_of_order

    build_steps(log.db)
    late = out_of_order(log.db)
    if late.cases:
        where = "" if log.lifecycle and log.lifecycle.left_out else f" at row {late.row}"
        log.warnings.append(
            f"{late.cases} case(s) have events out of time order in the file, e.g. case "
            f"{late.case!r}{where}; each case is sorted by timestamp"
        )
