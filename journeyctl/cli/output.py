"""Where output goes: reports to stdout (or `-o`), notes, warnings and errors to stderr.

A report is rich on a terminal (colour, wrapped to its width); anywhere else (a pipe, a file)
it is plain lines: never wrapped or cut, no padding at line ends, and colour only when
FORCE_COLOR asks for it (rich honours NO_COLOR and FORCE_COLOR). This is decided here only.

Every console made here shows control characters in the text it prints as `\\xNN`
(`core.escape.printable`): names from a map cannot clear the screen or retitle the terminal,
while rich's own colours and cursor controls, which are not text, still work.
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from journeyctl.core.escape import printable
from journeyctl.core.files import Inputs, write_file

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, ConsoleRenderable, RenderResult

UNWRAPPED = 10_000
"""The width of a console that is not a terminal: wide enough that nothing wraps."""

_PADDING = re.compile(r" +(?=(?:\x1b\[[\d;]*m)*\n)")  # spaces (and styles) before a line end


@cache
def stderr() -> Console:
    """The console for notes, warnings, errors and progress."""
    return _console(stderr=True)


def stdout() -> Console:
    """The console for reports on stdout: rich on a terminal, plain lines elsewhere."""
    if is_terminal(sys.stdout):
        return _console()
    return _plain(sys.stdout)


@contextlib.contextmanager
def report_output(path: Path | None, inputs: Inputs = ()) -> Iterator[Console]:
    """A console for a report: `stdout()`, or plain lines without colour written to the file
    at `path` as `machine_output` writes it."""
    if path is None:
        yield stdout()
        return
    with machine_output(path, inputs) as out:
        yield _plain(out, force_terminal=False)


def _plain(out: TextIO, **options) -> Console:
    """A console writing whole lines to `out`: never wrapped or cut, no padding at line ends."""
    return _console(file=_Trimmed(out), width=UNWRAPPED, **options)


def _console(**options) -> Console:
    """A rich console that prints its text `printable`."""
    from rich.console import Console

    console = Console(highlight=False, soft_wrap=True, **options)
    console.push_render_hook(_PrintableHook())
    return console


class _PrintableHook:
    """A rich render hook: everything printed is drawn as `_Printable`."""

    def process_renderables(self, renderables: list[ConsoleRenderable]) -> list:
        return [_Printable(r) for r in renderables]


class _Printable:
    """`inner` drawn as rich draws it, the text of its segments made `printable` (control
    segments, rich's own cursor moves, pass unchanged; styles are not text)."""

    def __init__(self, inner: ConsoleRenderable):
        self.inner = inner

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.segment import Segment

        for seg in console.render(self.inner, options):
            yield seg if seg.control else Segment(printable(seg.text), seg.style)


class _Trimmed:
    """A text stream over `out` that drops the spaces rich pads line ends with."""

    def __init__(self, out: TextIO):
        self.out = out
        self.encoding = getattr(out, "encoding", None) or "utf-8"

    def write(self, text: str) -> int:
        return self.out.write(_PADDING.sub("", text))

    def flush(self) -> None:
        self.out.flush()

    def isatty(self) -> bool:
        return False


def is_terminal(stream: TextIO) -> bool:
    """Whether `stream` is a terminal (False when it cannot say, or is closed)."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


@contextlib.contextmanager
def machine_output(path: Path | None, inputs: Inputs = ()) -> Iterator[TextIO]:
    """Stdout, or the generated file at `path`: written whole, atomically, only when the
    command succeeds, replacing an existing file unless it is one of `inputs`."""
    if path is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    import io

    buffer = io.StringIO()
    yield buffer
    write_file(path, buffer.getvalue(), inputs=inputs)


def write_output(data: str | bytes, path: Path | None, inputs: Inputs = ()) -> None:
    """`data` (text or binary) to stdout, or to the generated file at `path` as machine_output."""
    if path is not None:
        write_file(path, data, inputs=inputs)
        return
    sys.stdout.flush()
    if isinstance(data, bytes):
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        sys.stdout.write(data)
        sys.stdout.flush()


def print_findings(findings) -> None:
    """Findings for people, on stderr (used when a command refuses an invalid map)."""
    from journeyctl.lint.engine import LintReport
    from journeyctl.lint.reporters.text import TextReporter

    files = sorted({f.span.file for f in findings})
    TextReporter().write(LintReport(files=files, findings=list(findings)), stderr())
