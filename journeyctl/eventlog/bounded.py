"""Reading a log within bounds: bytes read (gzip counted after decompression: a 10 MB `.gz` can
expand to terabytes; XES between two tags), and the engine's memory (it spills to disk)."""

from __future__ import annotations

import gzip
import os
import re
import secrets
import shutil
import tempfile
import weakref
from pathlib import Path
from typing import IO

from journeyctl.core.errors import InputError, RequestError
from journeyctl.core.escape import printable
from journeyctl.core.machine import usable_cores

MAX_BYTES_ENV = "JOURNEYCTL_MAX_LOG_BYTES"
DEFAULT_MAX_BYTES = 4 << 30
"""The most bytes of log text read (after decompression) unless MAX_BYTES_ENV says otherwise:
a 10 MB `.gz` can expand to terabytes."""
MAX_XML_ELEMENT = 4 << 20
"""The most bytes between two XML tags: an attribute or text larger than this is refused (and
expat, rescanning an unfinished tag on each read, slows down with its size)."""
MEMORY_ENV = "JOURNEYCTL_MEMORY"
DEFAULT_MEMORY = 1 << 30
"""The engine's memory limit unless MEMORY_ENV says otherwise: beyond it, DuckDB spills to a
temporary folder, so a log of any size is read in bounded memory."""
_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}


def max_log_bytes() -> int:
    """The byte limit on a log: MAX_BYTES_ENV (`8G`, `500M`, bytes), else DEFAULT_MAX_BYTES."""
    return _size(MAX_BYTES_ENV, DEFAULT_MAX_BYTES)


def _size(env: str, default: int) -> int:
    text = os.environ.get(env, "").strip()
    if not text:
        return default
    m = re.fullmatch(r"(\d+)\s*([kmgt]?)i?b?", text.lower())
    if not m or int(m[1]) == 0:
        raise RequestError(f"{env}={printable(text)!r} is no size; give bytes or e.g. 500M, 8G")
    return int(m[1]) * _UNITS[m[2]]


def connect():
    """A DuckDB connection on every core, within MEMORY_ENV (default 1 GiB): beyond it
    DuckDB spills to a folder of its own in the system's temporary folder (never the user's
    project), made only when needed and removed when the connection closes or Python exits."""
    import duckdb

    spill = Path(tempfile.gettempdir()) / f"journeyctl-spill-{os.getpid()}-{secrets.token_hex(4)}"
    con = duckdb.connect(
        config={
            "memory_limit": f"{_size(MEMORY_ENV, DEFAULT_MEMORY) >> 20}MiB",
            "temp_directory": str(spill),
            "threads": usable_cores(),
        }
    )
    weakref.finalize(con, shutil.rmtree, spill, ignore_errors=True)
    return con


def too_large(path: Path, limit: int) -> InputError:
    return InputError(
        f"{path}: more than {limit:,} bytes of log (after decompression); "
        f"set {MAX_BYTES_ENV} (e.g. {MAX_BYTES_ENV}=16G) to read larger logs"
    )


def check_size(path: Path, size: int, limit: int) -> None:
    """Refuse a log over `limit` bytes; a gzip file is decompressed (and dropped) to count."""
    if size > limit:
        raise too_large(path, limit)
    if path.name.lower().endswith(".gz"):
        with Bounded(open_log(path), path, limit) as f:
            while f.read(1 << 20):
                pass


class Bounded:
    """A binary stream of a log (gzip decompressed) that refuses to give more than `limit`
    bytes; once the XES reader sets `mark`, it follows the last `<` read, and the bytes after it
    are bounded (no tag, attribute or text is longer than MAX_XML_ELEMENT)."""

    def __init__(self, raw: IO[bytes], path: Path, limit: int):
        self.raw, self.path, self.limit = raw, path, limit
        self.count = 0
        self.mark: int | None = None

    def read(self, n: int = 1 << 16) -> bytes:
        data = self.raw.read(n if n > 0 else 1 << 16)
        self.count += len(data)
        if self.count > self.limit:
            raise too_large(self.path, self.limit)
        if self.mark is None:
            return data
        if (at := data.rfind(b"<")) >= 0:
            self.mark = self.count - len(data) + at
        if self.count - self.mark > MAX_XML_ELEMENT:
            raise InputError(
                f"{self.path}: byte {self.mark:,}: more than {MAX_XML_ELEMENT:,} bytes without "
                "an XML tag; an attribute or a text that large is no event log"
            )
        return data

    def __enter__(self) -> Bounded:
        return self

    def __exit__(self, *exc) -> None:
        self.raw.close()


def open_log(path: Path) -> IO[bytes]:
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else path.open("rb")
