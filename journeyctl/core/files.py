"""Writing output files, the one way every command does it (the policy: docs/outputs.md), and
the check that an input is a regular file before anything opens it.

Every write is atomic: the data goes to a temporary file in the target's folder, which then
replaces the target, so a failed or killed run leaves the old file as it was. Generated files
are replaced; a file the user owns (`owned`: a map, an event log) only with `force`; no file
is ever written over one of the command's `inputs`, nor through a link to a missing file.
A named pipe or a character device (`-o /dev/null`) is written into, never replaced.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from journeyctl.core.errors import InputError, OverwriteError, RequestError

Inputs = Iterable[str | os.PathLike | None]
"""The files a command reads (None entries, options not given, are skipped)."""


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def irregular(mode: int) -> str | None:
    """What a file of `mode` (`os.stat`) is when it is no regular file, e.g. "is a named pipe,
    not a regular file"; None for a regular file."""
    kind = next((name for test, name in _KINDS if test(mode)), "a special file")
    return None if stat.S_ISREG(mode) else f"is {kind}, not a regular file"


def check_readable(path: Path) -> int:
    """The size of the regular file at `path`; InputError when it is missing or something else
    (a FIFO would block a reader, `/dev/zero` never ends). Only looks: opens nothing."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        dangling = os.path.islink(path)
        raise InputError(
            f"{path}: a link to a missing file" if dangling else f"{path}: no such file"
        ) from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    problem = irregular(st.st_mode)
    if problem is not None:
        raise InputError(f"{path}: {problem}")
    return st.st_size


def check_writable(
    path: Path, *, owned: bool = False, force: bool = False, inputs: Inputs = ()
) -> None:
    """Raise unless `path` may be written: RequestError when it is one of `inputs` or a link to a
    missing file, OverwriteError when it is `owned`, exists and `force` is false."""
    for source in inputs:
        if source is not None and _same_file(path, Path(source)):
            raise RequestError(f"{path} is an input of this command; write to another file")
    if os.path.islink(path) and not os.path.exists(path):
        raise RequestError(
            f"{path} is a link to a missing file ({os.readlink(path)}); journeyctl writes "
            "through a link only to an existing file: remove the link or write elsewhere"
        )
    if owned and not force and path.exists():
        raise OverwriteError(path)


def write_file(
    path: Path, data: str | bytes, *, owned: bool = False, force: bool = False, inputs: Inputs = ()
) -> None:
    """Write `data` (text as UTF-8) to `path` atomically, after `check_writable`."""
    binary = isinstance(data, bytes)
    with atomic_writer(path, binary=binary, owned=owned, force=force, inputs=inputs) as out:
        out.write(data)


@contextlib.contextmanager
def atomic_writer(
    path: Path,
    *,
    binary: bool = False,
    owned: bool = False,
    force: bool = False,
    inputs: Inputs = (),
) -> Iterator[IO]:
    """A stream (UTF-8 text with `\\n` newlines, or `binary`) that replaces `path` when the
    block ends without an error; on any error the old file stays and nothing else is left.

    Checks `check_writable` first; raises InputError when the file cannot be written. A symbolic
    link to an existing file is written through (its target is replaced, the link stays); the
    target keeps its permission bits.
    """
    check_writable(path, owned=owned, force=force, inputs=inputs)
    target = Path(os.path.realpath(path))
    if _is_stream(target):
        with _stream_writer(path, target, binary) as out:
            yield out
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    try:
        text = {} if binary else {"encoding": "utf-8", "newline": ""}
        with open(fd, "wb" if binary else "w", **text) as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, _mode(target))
        os.replace(temp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(exc, OSError):
            raise _cannot_write(path, exc) from None
        raise


def _is_stream(target: Path) -> bool:
    """Whether `target` is a named pipe or a character device (`/dev/null`, a terminal): written
    into as it is, never replaced by a file."""
    try:
        mode = os.stat(target).st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)


@contextlib.contextmanager
def _stream_writer(path: Path, target: Path, binary: bool) -> Iterator[IO]:
    text = {} if binary else {"encoding": "utf-8", "newline": ""}
    try:
        with open(target, "wb" if binary else "w", **text) as out:
            yield out
    except OSError as exc:
        raise _cannot_write(path, exc) from None


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet)
        return a.resolve() == b.resolve()


def _mode(target: Path) -> int:
    """The permission bits to give `target`: its own when it exists, else the umask default."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _cannot_write(path: Path, exc: OSError) -> InputError:
    return InputError(f"{path}: cannot write: {exc.strerror or exc}")
