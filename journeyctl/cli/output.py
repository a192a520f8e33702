"""Where output goes: people's text to stderr via rich, machine output to stdout or a file."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TextIO

from journeyctl.core.errors import InputError


@cache
def stderr():
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


@contextlib.contextmanager
def machine_output(path: Path | None) -> Iterator[TextIO]:
    """Stdout, or the file at `path` (written whole, only when the command succeeds)."""
    if path is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    import io

    buffer = io.StringIO()
    yield buffer
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(buffer.getvalue(), encoding="utf-8", newline="\n")
    except OSError as exc:
        raise InputError(f"{path}: cannot write: {exc.strerror or exc}") from None


def print_findings(findings) -> None:
    """Findings for people, on stderr (used when a command refuses an invalid map)."""
    from journeyctl.lint.engine import LintReport
    from journeyctl.lint.reporters.text import TextReporter

    files = sorted({f.span.file for f in findings})
    TextReporter().write(LintReport(files=files, findings=list(findings)), sys.stderr)
