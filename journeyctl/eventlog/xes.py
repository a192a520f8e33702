"""XES event logs streamed into DuckDB by expat with any DOCTYPE refused, bounded in depth,
width and bytes, with no temporary file; a large plain `.xes` is parsed in two processes, one
part each."""

from __future__ import annotations

import re
import sys
import weakref
from pathlib import Path

from journeyctl.core.errors import InputError
from journeyctl.core.escape import sql_ident
from journeyctl.core.machine import usable_cores
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
HALVES_BYTES = 16 << 20
"""A plain `.xes` of at least this many bytes is parsed in two processes on Linux when two
cores are usable: this one reads the first part, a forked worker the rest (from a `<trace`
tag _FIRST_SHARE into the file)."""
_EVENTS, _TRACES = "xes_event_rows", "xes_trace_rows"
"""Staging tables; the worker's part goes to the same names ending in `_2`."""
_FIRST_SHARE = 0.4
"""The share of a file read here when it is read in two processes: less than half, as this
process also puts both parts' rows into DuckDB (measured on a BPIC-2012-shaped log)."""
_CHUNK = 1 << 20
"""Bytes handed to expat at a time."""
_BATCH = 50_000
"""Events (or traces) gathered before they are inserted into DuckDB."""
_SEEN_SHOWN = 100
"""Attribute keys remembered beside the wanted ones, to list in messages."""
_TRACE_TAG = re.compile(rb"<trace[\s/>]")
_LOOK = 1 << 20
"""Bytes searched for a `<trace` tag at the start of the file and at its middle."""


class _Collector:
    """expat's handlers, gathering the wanted attributes of events and of traces.

    An event's values are kept flat (`codes`: which wanted key, `values`; `ends`: where each
    event's values end), so that `_columns` makes columns of them with numpy. Events are kept
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
        self.others: dict[str, None] = {}
        """Keys seen that are not wanted, in the order seen (the first 2 × _SEEN_SHOWN: a half
        read apart may repeat the first half's), to list in messages."""
        self.root = ""
        """The name of the document's element."""
        self.first_trace: tuple[int, int] | None = None
        """Where the first trace starts (a byte offset), and the events before it."""
        self.taken = 0
        """Events handed over by `take`."""
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
            """A key not wanted: remembered (the first 2 × _SEEN_SHOWN) to list in messages."""
            if key is not None and len(others) < 2 * _SEEN_SHOWN:
                others[key] = None
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
                if self.first_trace is None:
                    self.first_trace = (self.parser.CurrentByteIndex, self.taken + len(ends))
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
            elif depth == 1:
                self.root = name

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

        def settle() -> int:
            """Close what has ended so far and forget the closed tags (once per chunk read:
            an event's size is checked at the latest here, a chunk holds few elements).
            Returns the traces begun so far."""
            nonlocal opened, event_opened
            close(opened - len(closed) + 1, opened)
            opened -= len(closed)
            event_opened -= len(closed)
            closed.clear()
            return trace_no

        return start, settle

    def full(self) -> bool:
        """Whether a batch is gathered."""
        return len(self.ends) >= _BATCH or len(self.traces) >= _BATCH

    def take(self) -> tuple[list, ...]:
        """The events and the traces gathered so far, as plain lists (`_columns` turns them into
        columns), forgotten here: the events' key codes and values, where each event's values
        end, each event's trace and place in it; the traces' attributes and numbers."""
        done = self.ends[-1] if self.ends else 0  # the values after it are the open event's
        batch = (self.codes[:done], self.values[:done], self.ends[:], self.trace_of[:],
                 self.event_of[:], self.traces[:], self.trace_ids[:])  # fmt: skip
        self.taken += len(self.ends)
        del self.codes[:done], self.values[:done]
        for gathered in (self.ends, self.trace_of, self.event_of, self.traces, self.trace_ids):
            gathered.clear()
        return batch

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


def xes_to_table(
    con, path: Path, wanted: set[str], limit: int, worker: Worker | None = None
) -> list[str]:
    """Stream the XES log at `path` into the DuckDB table `xes_events` (the `wanted` attributes
    as text, in file order), in batches: no temporary file. Returns the keys seen: the wanted
    ones with a value somewhere, and the first others.

    Parsed by expat without namespaces (a prefixed `xes:event` is an event). A DOCTYPE is
    refused where it starts, so no entity is ever declared, let alone expanded. A large plain
    file is read in two parts at once (see `_read_halves`), by `worker` if given (started by
    `start_worker` with the same `path`, `wanted` and `limit`); whatever doubt there is about
    the split, it is read again in one piece, so errors are located in the file as it is.
    """
    from xml.parsers import expat

    try:
        worker = worker or start_worker(path, wanted, limit)
        read = _read_halves(con, path, wanted, limit, worker) if worker else None
        others, first_traces = read or (_read_whole(con, path, wanted, limit), None)
    except expat.ExpatError as exc:
        raise InputError(
            f"{path}:{exc.lineno}:{exc.offset + 1}: not well-formed XES: "
            f"{expat.ErrorString(exc.code)}"
        ) from None
    return _join(con, sorted(wanted), others[:_SEEN_SHOWN], first_traces)


def _read_whole(con, path: Path, wanted: set[str], limit: int) -> list[str]:
    """Parse the file in this process into the staging tables; returns the other keys seen."""
    from xml.parsers import expat

    _create(con, wanted)
    parser = expat.ParserCreate()
    got = _Collector(parser, path, wanted)
    with Bounded(open_log(path), path, limit) as source:
        _parse(parser, got, source, lambda batch: _insert(con, batch, got.keys))
    return list(got.others)


def _parse(parser, got: _Collector, source: Bounded, sink, between=None, final=True) -> None:
    """Feed `source` to `parser` in chunks, handing `sink` each batch gathered (and the last,
    when `final`), and calling `between()` after each chunk."""
    source.mark = 0
    while data := source.read(_CHUNK):
        parser.Parse(data, False)
        got.settle()
        if got.full():
            sink(got.take())
        if between is not None:
            between()
    if final:
        parser.Parse(b"", True)
        got.settle()
        sink(got.take())


class Worker:
    """A worker process parsing the second part of a large plain `.xes` (`_second_half`): the
    file's head, up to its first trace at `first`, then bytes from `split` on; stopped when
    done with or dropped."""

    def __init__(self, path: Path, wanted: set[str], limit: int, first: int, split: int):
        import multiprocessing

        # fork: the worker runs at once, without importing anything again or running the
        # caller's script as spawn does; it touches nothing of DuckDB's
        fork = multiprocessing.get_context("fork")
        self.receive, send = fork.Pipe(duplex=False)
        process = fork.Process(
            target=_second_half, args=(send, path, wanted, limit, first, split), daemon=True
        )
        process.start()
        send.close()
        self.first, self.split = first, split
        self.stop = weakref.finalize(self, _stop, process, self.receive)


def _stop(process, receive) -> None:
    receive.close()
    if process.is_alive():
        process.kill()
    process.join()


def start_worker(path: Path, wanted: set[str], limit: int) -> Worker | None:
    """A worker reading the second part of `path` for `xes_to_table`, when it is a plain `.xes`
    worth reading in two processes (started early, it reads while this process sets up); else
    None, as on any OSError (reading in one piece reports it)."""
    try:
        halves = _halves(path, limit)
    except OSError:
        return None
    return Worker(path, wanted, limit, *halves) if halves else None


def _halves(path: Path, limit: int) -> tuple[int, int] | None:
    """Where the first trace starts and a `<trace` tag _FIRST_SHARE into it, when the file is a
    plain `.xes` worth reading in two processes, and both are found; else None."""
    if sys.platform != "linux" or not path.name.lower().endswith(".xes") or usable_cores() < 2:
        return None
    size = path.stat().st_size
    if size < HALVES_BYTES or size > limit:
        return None
    with path.open("rb") as f:
        head = f.read(_LOOK)
        f.seek(int(size * _FIRST_SHARE))
        middle = f.read(_LOOK)
    first, half = _TRACE_TAG.search(head), _TRACE_TAG.search(middle)
    return (first.start(), int(size * _FIRST_SHARE) + half.start()) if first and half else None


class _Prefix:
    """The first `size` bytes of a binary stream."""

    def __init__(self, raw, size: int):
        self.raw, self.left = raw, size

    def read(self, n: int) -> bytes:
        data = self.raw.read(min(n, self.left))
        self.left -= len(data)
        return data

    def close(self) -> None:
        self.raw.close()


def _read_halves(
    con, path: Path, wanted: set[str], limit: int, worker: Worker
) -> tuple[list[str], int] | None:
    """Parse bytes [0, split) here while `worker` parses the rest, into staging tables (the
    worker's named with `_2`, in batches through a pipe, taken between chunks: memory stays
    bounded). Returns the other keys seen and the traces of the first part; None when the split
    is not between two traces (the first part must then close as a whole document with its
    element's end tag added, and hold no event before its first trace, which must start at
    `first`) or the worker fails: the caller reads the file again in one piece."""
    from xml.parsers import expat

    receive, first, split = worker.receive, worker.first, worker.split
    for suffix in ("", "_2"):
        _create(con, wanted, suffix)
    parser = expat.ParserCreate()
    got = _Collector(parser, path, wanted)
    ended: list = []
    read = None

    def from_worker(wait: bool = False) -> None:
        while not ended and (wait or receive.poll()):
            message = receive.recv()
            if message[0] == "batch":
                codes, values, *rest = message[1]
                batch = (codes, values.split("\0") if codes else [], *rest)
                _insert(con, batch, got.keys, "_2")
            else:
                ended.append(message)

    def own(batch) -> None:
        _insert(con, batch, got.keys)

    try:
        with Bounded(_Prefix(path.open("rb"), split), path, limit) as source:
            _parse(parser, got, source, own, between=from_worker, final=False)
        try:
            parser.Parse(f"</{got.root}>".encode(), True)
        except expat.ExpatError:
            return None
        traces = got.settle()
        own(got.take())
        if got.first_trace != (first, 0):
            return None
        from_worker(wait=True)
        if ended[0][0] != "done":
            return None
        read = list(dict.fromkeys([*got.others, *ended[0][1]])), traces
    except EOFError:  # the worker died
        return None
    finally:
        worker.stop()
        if read is None:
            _drop(con, "_2")
    return read


def _second_half(conn, path: Path, wanted: set[str], limit: int, first: int, split: int) -> None:
    """In a worker process: parse the head of the file (bytes before `first`) and bytes from
    `split` on as one document, sending ("batch", batch of `_Collector.take` with its values
    joined by NUL) as gathered, then ("done", other keys); ("failed",) on any error, which the
    parent resolves by reading in one piece. A thread sends, so parsing goes on while the
    parent is busy (two batches wait at most: memory stays bounded)."""
    import queue
    import signal
    import threading
    from xml.parsers import expat

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    outbox: queue.Queue = queue.Queue(maxsize=2)

    def send() -> None:
        """Send what `outbox` holds until None; once the parent is gone, drop it."""
        gone = False
        while (message := outbox.get()) is not None:
            if not gone:
                try:
                    conn.send(message)
                except OSError:
                    gone = True

    def hand_over(batch: tuple[list, ...]) -> None:
        codes, values, *rest = batch  # the values as one text: sent and split again quicker
        outbox.put(("batch", (codes, "\0".join(values), *rest)))  # XML has no NUL characters

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    try:
        parser = expat.ParserCreate()
        got = _Collector(parser, path, wanted)
        with Bounded(path.open("rb"), path, limit) as source:
            parser.Parse(source.raw.read(first), False)
            source.raw.seek(split)
            _parse(parser, got, source, hand_over)
        outbox.put(("done", list(got.others)))
    except BaseException:  # any failure: the parent reads the file in one piece
        outbox.put(("failed",))
    finally:
        outbox.put(None)
        sender.join()
        conn.close()


def xes_place(con, row: int) -> str:
    """Where the event at `row` (1-based, as messages count) stands in its XES file:
    'trace T, event E'."""
    trace, event = con.execute(
        f"SELECT xes_trace, xes_event FROM {XES_TABLE} LIMIT 1 OFFSET {int(row) - 1}"
    ).fetchone()
    return f"trace {trace}, event {event}" if trace else f"event {event} outside any trace"


def _create(con, wanted: set[str], suffix: str = "") -> list[str]:
    """The empty staging tables of events and of traces (named with `suffix`); returns the
    wanted keys, sorted."""
    keys = sorted(wanted)
    for table, names, place in (
        (_EVENTS, keys, "xes_trace INTEGER, xes_event INTEGER"),
        (_TRACES, [k for k in keys if k.startswith("case:")], "xes_trace INTEGER"),
    ):
        columns = "".join(f"{sql_ident(k)} VARCHAR, " for k in names)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table}{suffix} ({columns}{place})")
    return keys


def _join(con, keys: list[str], others: list[str], first_traces: int | None) -> list[str]:
    """`xes_events`: each event with its trace's attributes (the event's own win), in file
    order; with `first_traces` (read in two parts), the second part's rows follow the first's,
    its traces numbered after the first part's. The staging tables are dropped. Returns the wanted
    keys with a value, and `others`."""
    columns = ", ".join(
        f"coalesce(e.{sql_ident(k)}, t.{sql_ident(k)}) AS {sql_ident(k)}"
        if k.startswith("case:")
        else f"e.{sql_ident(k)}"
        for k in keys
    )
    events, traces, order = _EVENTS, _TRACES, "e.rowid"
    if first_traces is not None:
        after = f"""* REPLACE (CASE WHEN xes_trace > 0 THEN xes_trace + {int(first_traces)}
            ELSE 0 END AS xes_trace)"""
        events = f"""(SELECT *, 1 AS xes_half, rowid AS xes_row FROM {_EVENTS}
            UNION ALL SELECT {after}, 2, rowid FROM {_EVENTS}_2)"""
        traces = f"(FROM {_TRACES} UNION ALL SELECT {after} FROM {_TRACES}_2)"
        order = "e.xes_half, e.xes_row"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {XES_TABLE} AS
        SELECT {columns}, e.xes_trace, e.xes_event
        FROM {events} e LEFT JOIN {traces} t USING (xes_trace) ORDER BY {order}"""
    )
    _drop(con, "", "_2")
    counts = con.execute(
        f"SELECT {', '.join(f'count({sql_ident(k)})' for k in keys)} FROM {XES_TABLE}"
    ).fetchone()
    return sorted({k for k, n in zip(keys, counts, strict=True) if n} | set(others))


def _drop(con, *suffixes: str) -> None:
    """Drop the staging tables named with `suffixes`."""
    for suffix in suffixes:
        for table in (_EVENTS, _TRACES):
            con.execute(f"DROP TABLE IF EXISTS {table}{suffix}")


def _columns(batch: tuple[list, ...], keys: list[str]) -> tuple[dict | None, dict | None]:
    """A batch of `_Collector.take` as columns of events and of traces (numpy arrays named
    `c<i>` for keys[i], `xes_trace`, `xes_event`; None when there are none)."""
    import numpy as np

    codes, values, ends, trace_of, event_of, traces, trace_ids = batch
    events = cases = None
    if ends:
        done = len(values)
        codes, values = np.array(codes, dtype=np.int32), np.array(values, dtype=object)
        events = {"xes_trace": np.array(trace_of, dtype=np.int32),
                  "xes_event": np.array(event_of, dtype=np.int32)}  # fmt: skip
        width = done // len(ends)
        table = codes.reshape(len(ends), width) if width * len(ends) == done else None
        if (
            table is not None
            and width
            and (table == table[0]).all()
            and len(set(table[0])) == width
        ):
            grid = values.reshape(len(ends), width)  # the usual: every event the same keys
            events.update((f"c{code}", grid[:, j]) for j, code in enumerate(table[0].tolist()))
        else:
            event = np.repeat(np.arange(len(ends)), np.diff(ends, prepend=0))  # of each value
            for code in np.unique(codes).tolist():
                column = np.full(len(ends), None, dtype=object)
                mine = codes == code
                column[event[mine]] = values[mine]  # a key given twice: one value kept
                events[f"c{code}"] = column
    if traces:
        cases = {"xes_trace": np.array(trace_ids, dtype=np.int32)}
        for k in sorted(set().union(*traces)):
            cases[f"c{keys.index(k)}"] = np.array([t.get(k) for t in traces], dtype=object)
    return events, cases


def _insert(con, batch: tuple[list, ...], keys: list[str], suffix: str = "") -> None:
    """Append a batch of `_Collector.take` to the staging tables named with `suffix`."""
    for table, columns in zip((_EVENTS, _TRACES), _columns(batch, keys), strict=True):
        if columns:
            names = [f"{n} AS {sql_ident(keys[int(n[1:])])}" if n[0] == "c" else n for n in columns]
            con.register("xes_batch", columns)
            con.execute(
                f"INSERT INTO {table}{suffix} BY NAME SELECT {', '.join(names)} FROM xes_batch"
            )
            con.unregister("xes_batch")
