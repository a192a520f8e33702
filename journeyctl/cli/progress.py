"""Feedback on long work: a progress indicator on stderr, only on a terminal, only after ~1 s.

    with Progress("simulating", total=runs) as progress:
        ...
        progress.update(done)

A known `total` gives a bar; without one, a spinner beside the label. The indicator is
transient (it leaves no trace) and never shown when stderr is not a terminal.
"""

from __future__ import annotations

import sys
import threading

from journeyctl.cli.output import is_terminal, stderr

DELAY = 1.0
"""Seconds of work before the indicator appears."""


class Progress:
    """A context manager showing the progress of the work it wraps (see the module)."""

    def __init__(self, label: str, total: int | None = None):
        self.label, self.total, self.done = label, total, 0
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._bar = None
        self._task = None
        self._closed = False

    def __enter__(self) -> Progress:
        if is_terminal(sys.stderr):  # a timer: the work may block (a query, `dot`) without updates
            self._timer = threading.Timer(DELAY, self._show)
            self._timer.daemon = True
            self._timer.start()
        return self

    def update(self, done: int) -> None:
        """`done` of `total` units are finished."""
        self.done = done
        bar = self._bar
        if bar is not None:
            bar.update(self._task, completed=done)

    def __exit__(self, *exc) -> None:
        if self._timer is not None:
            self._timer.cancel()
        with self._lock:
            self._closed = True
            if self._bar is not None:
                self._bar.stop()

    def _show(self) -> None:
        from rich import progress as rich

        columns = [rich.SpinnerColumn(), rich.TextColumn("{task.description}")]
        if self.total is not None:
            columns += [rich.BarColumn(), rich.TaskProgressColumn()]
        bar = rich.Progress(
            *columns,
            console=stderr(),
            transient=True,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        with self._lock:
            if self._closed:
                return
            self._task = bar.add_task(self.label, total=self.total, completed=self.done)
            self._bar = bar
            bar.start()
