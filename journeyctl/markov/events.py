"""Simulated walks as an event log: one row per touchpoint visit, written by DuckDB straight from
the walks' numpy arrays as each chunk of walks ends (CSV, gzipped CSV or Parquet), on a thread of
its own while the next walks are walked."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from journeyctl.core.errors import InputError, RequestError, first_line
from journeyctl.core.escape import sql_literal
from journeyctl.core.files import atomic_writer
from journeyctl.core.model import JourneyMap
from journeyctl.markov.montecarlo import Visits

EPOCH = 1_767_225_600
"""Every simulated walk starts here, 2026-01-01T00:00:00Z (seconds since 1970); timestamps add
the walk's simulated hours."""
_CSV = "FORMAT csv, TIMESTAMPFORMAT '%Y-%m-%dT%H:%M:%SZ'"
FORMATS = {
    ".csv": _CSV,
    ".csv.gz": f"{_CSV}, COMPRESSION gzip",
    ".parquet": "FORMAT parquet",
}
"""The extensions an event log may have, and DuckDB's COPY options for each."""
_PARTS = "FORMAT parquet, COMPRESSION uncompressed"
"""How Parquet parts (numbers only, read back once) are written: no time spent compressing."""
ROWS_PER_COPY = 1 << 18
"""Visits written by one COPY: chunks are held until they add up to this many (about 8 MB)."""
PENDING = 4
"""COPYs waiting for the writer thread at most: the walks wait beyond (memory stays bounded)."""

_VISITS = "(SELECT *, $persona::VARCHAR AS persona, $width::INTEGER AS width FROM visits)"
"""A chunk's visits: its arrays (`_columns`), with the persona and case-id width of its walks."""
_ROWS = """
SELECT coalesce(persona, 'walk') || '-' || lpad(walk::VARCHAR, width, '0') AS case_id, persona,
       ($touchpoints::VARCHAR[])[tp] AS touchpoint, ($stages::VARCHAR[])[tp] AS stage,
       ($channels::VARCHAR[])[tp] AS channel, ($screens::VARCHAR[])[screen] AS screen,
       {timestamp} AS timestamp
FROM {visits}"""
"""The event log's rows from visits (`_VISITS`, or Parquet parts of them); the names come from
the map as list parameters (`EventLog.names`), NULL for none."""
_TIMESTAMP = f"make_timestamp(({EPOCH} + seconds) * 1_000_000)"
"""A visit's time for CSV, written by `TIMESTAMPFORMAT` (a TIMESTAMP, the cheaper to format)."""
_TIMESTAMPTZ = f"to_timestamp({EPOCH} + seconds)"
"""A visit's time for Parquet: TIMESTAMP WITH TIME ZONE, UTC."""


def log_format(path: Path) -> str:
    """The extension of the event log `path` (a key of FORMATS); RequestError for another."""
    name = path.name.lower()
    for extension in sorted(FORMATS, key=len, reverse=True):
        if name.endswith(extension):
            return extension
    raise RequestError(
        f"{path}: unknown event-log format; use {', '.join(FORMATS)} (by the file's extension)"
    )


def _columns(ev: Visits, rows: slice) -> dict[str, np.ndarray]:
    """The arrays `_VISITS` reads as `visits`, for `rows` of `ev`: 1-based walk, touchpoint and
    screen numbers, seconds since EPOCH."""
    return {
        "walk": ev.walk[rows] + 1,
        "tp": ev.touchpoint[rows] + 1,
        "screen": ev.screen[rows] + 1,
        "seconds": np.round(ev.hours[rows] * 3600).astype(np.int64),  # half to even, as before
    }


class EventLog:
    """An event log being written (open one with `event_log`); `rows` written so far.

    Chunks of visits are held until they add up to `ROWS_PER_COPY`, then written by one DuckDB
    COPY into a part in `scratch`, in order, by one writer thread (DuckDB works without the
    GIL, so the walks go on meanwhile). A CSV part holds the rows and is appended to `out` at
    once (the header is the part of no visits); a Parquet part holds the visits as numbers, and
    `finish` turns all of them into rows with one COPY.
    """

    def __init__(self, con, out, scratch: Path, extension: str, jmap: JourneyMap):
        tps = jmap.touchpoints
        self.con, self.out, self.scratch, self.extension = con, out, scratch, extension
        self.names = {
            "touchpoints": [t.id for t in tps],
            "stages": [t.stage for t in tps],
            "channels": [t.channel for t in tps],
            "screens": [s.id for s in jmap.screens] + [None],  # the last: no screen
        }
        self.parts: list[str] = []
        self.rows = 0
        self._held: list[Visits] = []
        self._held_for: tuple[str | None, int] = (None, 1)  # their persona and case-id width
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="journeyctl-events")
        self._pending: deque[Future] = deque()
        none = np.zeros(0, dtype=np.int64)
        self._copy(_columns(Visits(none, none, none, np.zeros(0)), slice(None)), self._held_for,
                   header=True)  # fmt: skip

    def sink(self, persona: str | None, runs: int) -> Callable[[Visits], None]:
        """What `simulate(on_visits=…)` calls with the visits of `persona`'s `runs` walks."""
        return lambda visits: self._hold(visits, (persona, len(str(runs))))

    def _hold(self, ev: Visits, held_for: tuple[str | None, int]) -> None:
        if held_for != self._held_for:
            self._flush()
            self._held_for = held_for
        self._held.append(ev)
        self.rows += len(ev.walk)
        if sum(len(h.walk) for h in self._held) >= ROWS_PER_COPY:
            self._flush()

    def _flush(self) -> None:
        """Write the visits held, `ROWS_PER_COPY` at a time."""
        if not self._held:
            return
        held, self._held = self._held, []
        columns = zip(*((h.walk, h.touchpoint, h.screen, h.hours) for h in held), strict=True)
        ev = held[0] if len(held) == 1 else Visits(*(np.concatenate(c) for c in columns))
        for at in range(0, len(ev.walk), ROWS_PER_COPY):
            while len(self._pending) >= PENDING:
                self._pending.popleft().result()
            part = (_columns(ev, slice(at, at + ROWS_PER_COPY)), self._held_for)
            self._pending.append(self._writer.submit(self._copy, *part))

    def _copy(
        self, visits: dict[str, np.ndarray], held_for: tuple[str | None, int], header: bool = False
    ) -> None:
        """Write `visits` (`_columns`) of `held_for`'s walks with one COPY into a part, appended
        to the log if CSV."""
        who, width = held_for
        part = str(self.scratch / f"{len(self.parts)}{self.extension}")
        params, to = {"persona": who, "width": width}, sql_literal(part)
        self.con.register("visits", visits)
        if self.extension == ".parquet":  # numbers: `finish` makes the rows
            self.con.execute(f"COPY {_VISITS} TO {to} ({_PARTS})", params)
            self.parts.append(part)
        else:
            rows = _ROWS.format(visits=_VISITS, timestamp=_TIMESTAMP)
            options = f"{FORMATS[self.extension]}, HEADER {str(header).lower()}"
            self.con.execute(f"COPY ({rows}) TO {to} ({options})", {**params, **self.names})
            self._append(part)
        self.con.unregister("visits")

    def _append(self, part: str) -> None:
        """Append the file `part` to the log, and remove it."""
        self.out.flush()
        with open(part, "rb") as f:
            try:  # copied by the kernel (Linux)
                while os.copy_file_range(f.fileno(), self.out.fileno(), 1 << 30):
                    pass
            except (AttributeError, OSError):  # elsewhere, or a file system that cannot
                shutil.copyfileobj(f, self.out, 1 << 20)
        os.unlink(part)

    def finish(self) -> None:
        """Write what is held; turn the Parquet parts into the log."""
        self._flush()
        while self._pending:
            self._pending.popleft().result()
        if self.parts:
            whole = str(self.scratch / "whole.parquet")
            query = _ROWS.format(visits="read_parquet($parts)", timestamp=_TIMESTAMPTZ)
            params = {**self.names, "parts": self.parts}
            to = sql_literal(whole)
            self.con.execute("SET threads = 2")  # 0.3 s sooner, at a peak of 280–330 MiB
            self.con.execute(f"COPY ({query}) TO {to} ({FORMATS['.parquet']})", params)
            self._append(whole)

    def stop(self) -> None:
        """Stop the writer thread: at once (the COPY running interrupted, those waiting
        dropped) unless it is done."""
        if self._pending:
            self.con.interrupt()
        self._writer.shutdown(wait=True, cancel_futures=True)


@contextmanager
def event_log(path: Path, jmap: JourneyMap, force: bool) -> Iterator[EventLog]:
    """An event log written to `path` in the format of its extension (`log_format`), streamed
    and atomically (replaced when the block ends without an error). An existing file is an
    event log the user owns: replaced only with `force` (OverwriteError otherwise), never when
    it is one of the map's files. InputError when it cannot be written, MemoryError when DuckDB
    runs out of memory, KeyboardInterrupt when a write is interrupted."""
    import duckdb

    extension = log_format(path)
    with atomic_writer(path, binary=True, owned=True, force=force, inputs=jmap.files) as out:
        folder = Path(os.path.realpath(path)).parent  # beside the temporary file: same disk
        with tempfile.TemporaryDirectory(dir=folder, prefix=f".{path.name}.") as scratch:
            try:
                # one thread for the parts (CSV is written fastest so, in order); Parquet's
                # last COPY takes two, no more: an ordered COPY holds each thread's batches
                config = {"temp_directory": scratch, "threads": 1}
                with duckdb.connect(config=config) as con:
                    log = EventLog(con, out, Path(scratch), extension, jmap)
                    try:
                        yield log
                        log.finish()
                    finally:
                        log.stop()
            except duckdb.OutOfMemoryException:
                raise MemoryError from None
            except duckdb.Error as exc:
                raise InputError(f"{path}: cannot write: {first_line(exc)}") from None
            except RuntimeError as exc:  # the Python client's word for Ctrl-C during a query
                if str(exc) == "Query interrupted":
                    raise KeyboardInterrupt from None
                raise
