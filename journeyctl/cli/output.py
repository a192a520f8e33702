"""Where output goes: people's text to stderr via rich, machine output to stdout or a file."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TextIO

from journeyctl.core.files import Inputs, write_file


@cache
def stderr():
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


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
    TextReporter().write(LintReport(files=files, findings=list(findings)), sys.stderr)
