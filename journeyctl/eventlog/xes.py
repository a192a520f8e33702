"""XES event logs streamed into DuckDB by expat with any DOCTYPE refused, bounded in depth,
width and bytes, with no temporary file."""

from __future__ import annotations

from pathlib import Path

from journeyctl.core.errors import InputError
from journeyctl.core.escape import sql_ident
from journeyctl.eventlog.bounded import Bounded, open_log

MAX_XML_DEPTH = 64
"""XES nests a few levels (log, trace, event, attribute, list attributes)."""
MAX_XML_CHILDREN = 10_000
"""The most elements inside an event (its attributes, a list's items), checked as each chunk of
_CHUNK bytes is read."""
XES_TABLE = "xes_events"
"""The table the XES reader fills: one text column per wanted attribute (a trace's attributes
as `case:<key>`), then `xes_trace` and `xes_event`, the event's place in the file (1-based: the
trace, and the event within it)."""
_EVENTS, _TRACES = "xes_event_rows", "xes_trace_rows"
_CHUNK = 1 << 20
"""Bytes handed to expat at a time."""
_BATCH = 50_000
"""Events (or traces) gathered before they are inserted into DuckDB."""
_SEEN_SHOWN = 100
"""Attribute keys remembered beside the wanted ones, to list in messages."""


class _Collector:
    """expat's handlers, gathering the wanted attributes of events and of traces.

    An event's values are kept flat (`codes`: which wanted key, `values`; `ends`: where each
    event's values end), so that `_flush` makes columns of them with numpy. Events are kept
    apart from their trace's attributes (joined in DuckDB at the end), so a trace may give its
    attributes after its events; memory stays flat: nothing of the document is kept but the
    depth, and the elements inside an event are bounded.

    Speed: the only Python called per element is `start`. expat's end handler is `list.append`
    (C): an element's depth is the elements opened less those closed, and an event or a trace
    is known to have closed at the next start, or when `settle` is called.
    """

    def __init__(self, parser, path: Path, wanted: set[str]):
        self.keys = sorted(wanted)
        self.codes: list[int] = []
        self.values: list[str] = []
        self.ends: list[int] = []
        self.trace_of: list[int] = []
        self.event_of: list[int] = []
        self.traces: list[dict[str, str]] = []
        self.trace_ids: list[int] = []
        self.others: set[str] = set()
        """Keys seen that are not wanted (the first _SEEN_SHOWN), to list in messages."""
        closed: list[str] = []
        parser.ordered_attributes = True  # [name, value, name, value]: cheaper than a dict
        parser.StartDoctypeDeclHandler = self._doctype
        parser.EndElementHandler = closed.append
        parser.StartElementHandler, self.settle = self._handlers(closed)
        self.parser, self.path = parser, path

    def _handlers(self, closed: list[str]):
        """The start handler and `settle`: closures over their state, the fastest Python has."""
        codes, values, ends, trace_of, event_of = (
            self.codes, self.values, self.ends, self.trace_of, self.event_of
        )  # fmt: skip
        traces, trace_ids, others = self.traces, self.trace_ids, self.others
        index: dict[str, int] = {k: i for i, k in enumerate(self.keys)}
        """Wanted key -> its column; -1 for a key noted in `others`."""
        local: dict[str, str] = {}  # element name -> local name ("xes:event" -> "event")
        opened = event_at = event_opened = trace_at = trace_no = event_no = 0
        attr_at = -1  # the depth of the open event's attributes (-1: no event open)
        case: dict[str, str] = {}

        def note(key: str | None) -> None:
            """A key not wanted: remembered (the first _SEEN_SHOWN) to list in messages."""
            if key is not None and len(others) < _SEEN_SHOWN:
                others.add(key)
                index[key] = -1

        def start(name: str, attrs: list[str]) -> None:
            nonlocal opened, event_at, event_opened, attr_at, trace_at, trace_no, event_no, case
            opened += 1
            depth = opened - len(closed)
            if depth == attr_at:  # <string key=".." value=".."/> in an event: the hot path
                if len(attrs) == 4 and attrs[0] == "key" and attrs[2] == "value":
                    code = index.get(attrs[1])
                    if code is None:
                        note(attrs[1])
                    elif code >= 0:
                        codes.append(code)
                        values.append(attrs[3])
                else:
                    key, value = _key_value(attrs)
                    code = index.get(key)  # type: ignore[arg-type]
                    if code is None:
                        note(key)
                    elif code >= 0 and value is not None:
                        codes.append(code)
                        values.append(value)
                return
            if depth > MAX_XML_DEPTH:
                raise self._bound(f"XML nested deeper than {MAX_XML_DEPTH} levels")
            if event_at and depth > event_at:  # deeper in an event: a list's items, say
                return
            close(depth, opened - 1)
            kind = local.get(name) or local.setdefault(name, name.rpartition(":")[2])
            if kind == "event" and depth < MAX_XML_DEPTH:
                event_at, attr_at, event_opened = depth, depth + 1, opened
                event_no += 1
            elif kind == "trace":
                trace_at, case = depth, {}
                trace_no += 1
                event_no = 0
            elif trace_at and depth == trace_at + 1:
                key, value = _key_value(attrs)
                if key is None:
                    return
                key = "case:" + key
                if key not in index:
                    note(key)
                elif index[key] >= 0 and value is not None:
                    case[key] = value

        def close(depth: int, last: int) -> None:
            """Close the event and the trace that ended before an element at `depth`; `last`
            counts the elements opened before it."""
            nonlocal event_at, attr_at, trace_at
            if event_at and last - event_opened > MAX_XML_CHILDREN:
                raise self._bound(f"an event with more than {MAX_XML_CHILDREN:,} elements")
            if event_at and depth <= event_at:
                ends.append(len(values))
                trace_of.append(trace_no if trace_at else 0)
                event_of.append(event_no)
                event_at, attr_at = 0, -1
            if trace_at and depth <= trace_at:
                traces.append(case)
                trace_ids.append(trace_no)
                trace_at = 0

        def settle() -> None:
            """Close what has ended so far and forget the closed tags (once per chunk read:
            an event's size is checked at the latest here, a chunk holds few elements)."""
            nonlocal opened, event_opened
            close(opened - len(closed) + 1, opened)
            opened -= len(closed)
            event_opened -= len(closed)
            closed.clear()

        return start, settle

    def _doctype(self, *_) -> None:
        raise InputError(
            f"{self._where()}: XES with a DOCTYPE is refused (entities and DTDs are unsafe); "
            "export the log without one"
        )

    def _bound(self, what: str) -> InputError:
        return InputError(f"{self._where()}: {what}; this is no XES event log")

    def _where(self) -> str:
        return f"{self.path}:{self.parser.CurrentLineNumber}:{self.parser.CurrentColumnNumber + 1}"


def _key_value(attrs: list[str]) -> tuple[str | None, str | None]:
    """The `key` and `value` of an element's attributes as expat lists them."""
    if len(attrs) == 4 and attrs[0] == "key" and attrs[2] == "value":
        return attrs[1], attrs[3]
    named = dict(zip(attrs[::2], attrs[1::2], strict=False))
    return named.get("key"), named.get("value")


def xes_to_table(con, path: Path, wanted: set[str], limit: int) -> list[str]:
    """Stream the XES log at `path` into the DuckDB table `xes_events` (the `wanted` attributes
    as text, in file order), in batches: no temporary file. Returns the keys seen: the wanted
    ones with a value somewhere, and the first others.

    Parsed by expat without namespaces (a prefixed `xes:event` is an event). A DOCTYPE is
    refused where it starts, so no entity is ever declared, let alone expanded.
    """
    from xml.parsers import expat

    keys = _create(con, wanted)
    parser = expat.ParserCreate()
    got = _Collector(parser, path, wanted)
    try:
        with Bounded(open_log(path), path, limit) as source:
            source.mark = 0
            while data := source.read(_CHUNK):
                parser.Parse(data, False)
                got.settle()
                if len(got.ends) >= _BATCH or len(got.traces) >= _BATCH:
                    _flush(con, got)
            parser.Parse(b"", True)
            got.settle()
            _flush(con, got)
    except expat.ExpatError as exc:
        raise InputError(
            f"{path}:{exc.lineno}:{exc.offset + 1}: not well-formed XES: "
            f"{expat.ErrorString(exc.code)}"
        ) from None
    return _join(con, keys, got.others)


def xes_place(con, row: int) -> str:
    """Where the event at `row` (1-based, as messages count) stands in its XES file:
    'trace T, event E'."""
    trace, event = con.execute(
        f"SELECT xes_trace, xes_event FROM {XES_TABLE} LIMIT 1 OFFSET {int(row) - 1}"
    ).fetchone()
    return f"trace {trace}, event {event}" if trace else f"event {event} outside any trace"


def _create(con, wanted: set[str]) -> list[str]:
    """The empty tables of events and of traces; returns the wanted keys, sorted."""
    keys = sorted(wanted)
    for table, names, place in (
        (_EVENTS, keys, "xes_trace INTEGER, xes_event INTEGER"),
        (_TRACES, [k for k in keys if k.startswith("case:")], "xes_trace INTEGER"),
    ):
        columns = "".join(f"{sql_ident(k)} VARCHAR, " for k in names)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table} ({columns}{place})")
    return keys


def _join(con, keys: list[str], others: set[str]) -> list[str]:
    """`xes_events`: each event with its trace's attributes (the event's own win), in file
    order; the staging tables dropped. Returns the wanted keys with a value, and `others`."""
    columns = ", ".join(
        f"coalesce(e.{sql_ident(k)}, t.{sql_ident(k)}) AS {sql_ident(k)}"
        if k.startswith("case:")
        else f"e.{sql_ident(k)}"
        for k in keys
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {XES_TABLE} AS
        SELECT {columns}, e.xes_trace, e.xes_event
        FROM {_EVENTS} e LEFT JOIN {_TRACES} t USING (xes_trace) ORDER BY e.rowid"""
    )
    con.execute(f"DROP TABLE {_EVENTS}")
    con.execute(f"DROP TABLE {_TRACES}")
    counts = con.execute(
        f"SELECT {', '.join(f'count({sql_ident(k)})' for k in keys)} FROM {XES_TABLE}"
    ).fetchone()
    return sorted({k for k, n in zip(keys, counts, strict=True) if n} | others)


def _flush(con, got: _Collector) -> None:
    """Insert the events and traces gathered so far into DuckDB, and forget them."""
    import numpy as np

    if got.ends:
        ends = np.array(got.ends)
        done = got.ends[-1]  # the values after it are the open event's
        codes = np.array(got.codes[:done], dtype=np.int32)
        values = np.array(got.values[:done], dtype=object)
        batch = {"xes_trace": np.array(got.trace_of, dtype=np.int32),
                 "xes_event": np.array(got.event_of, dtype=np.int32)}  # fmt: skip
        width = done // len(ends)
        table = codes.reshape(len(ends), width) if width * len(ends) == done else None
        if (
            table is not None
            and width
            and (table == table[0]).all()
            and len(set(table[0])) == width
        ):
            grid = values.reshape(len(ends), width)  # the usual: every event the same keys
            batch.update((f"c{code}", grid[:, j]) for j, code in enumerate(table[0].tolist()))
        else:
            event = np.repeat(np.arange(len(ends)), np.diff(ends, prepend=0))  # of each value
            for code in np.unique(codes).tolist():
                column = np.full(len(ends), None, dtype=object)
                mine = codes == code
                column[event[mine]] = values[mine]  # a key given twice: one value kept
                batch[f"c{code}"] = column
        _insert(con, _EVENTS, batch, got.keys)
        del got.codes[:done], got.values[:done]
        for gathered in (got.ends, got.trace_of, got.event_of):
            gathered.clear()
    if got.traces:
        present = sorted(set().union(*got.traces))
        batch = {"xes_trace": np.array(got.trace_ids, dtype=np.int32)}
        for k in present:
            batch[f"c{got.keys.index(k)}"] = np.array([t.get(k) for t in got.traces], object)
        _insert(con, _TRACES, batch, got.keys)
        got.traces.clear()
        got.trace_ids.clear()


def _insert(con, table: str, batch: dict, keys: list[str]) -> None:
    """Append `batch` (columns `c<i>` for keys[i], and others named as in `table`)."""
    names = [f"{n} AS {sql_ident(keys[int(n[1:])])}" if n[0] == "c" else n for n in batch]
    con.register("xes_batch", batch)
    con.execute(f"INSERT INTO {table} BY NAME SELECT {', '.join(names)} FROM xes_batch")
    con.unregister("xes_batch")
