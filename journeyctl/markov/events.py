"""Simulated walks as an event log: one CSV row per touchpoint visit, written as walks go."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from journeyctl.core.files import atomic_writer
from journeyctl.core.model import JourneyMap
from journeyctl.markov.montecarlo import Visits

EVENTS_HEADER = ("case_id", "persona", "touchpoint", "stage", "channel", "screen", "timestamp")
EPOCH = np.datetime64("2026-01-01T00:00:00", "s")
"""Every simulated walk starts here (UTC); timestamps add the walk's simulated hours."""
ROWS_PER_WRITE = 1 << 15
"""Rows formatted at once, so that writing holds little beside the walks."""


def timestamps(hours: np.ndarray) -> np.ndarray:
    """ISO 8601 UTC strings for `hours` after EPOCH, to the second."""
    seconds = np.round(hours * 3600).astype("timedelta64[s]")
    return np.char.add(np.datetime_as_string(EPOCH + seconds, unit="s"), "Z")


class EventLog:
    """An event log being written (open one with `event_log`); `rows` written so far."""

    def __init__(self, out, jmap: JourneyMap):
        tps = jmap.touchpoints
        self.out = out
        self.tp_ids = np.array([t.id for t in tps] or [""])
        self.stages = np.array([t.stage for t in tps] or [""])
        self.channels = np.array([t.channel for t in tps] or [""])
        self.screens = np.array([s.id for s in jmap.screens] + [""])  # the last: no screen
        self.rows = 0

    def sink(self, persona: str | None, runs: int) -> Callable[[Visits], None]:
        """What `simulate(on_visits=…)` calls with the visits of `persona`'s `runs` walks."""
        return lambda visits: self._write(visits, persona or "", len(str(runs)))

    def _write(self, ev: Visits, who: str, width: int) -> None:
        for at in range(0, len(ev.walk), ROWS_PER_WRITE):
            part = slice(at, at + ROWS_PER_WRITE)
            walk, tp = ev.walk[part], ev.touchpoint[part]
            cases = np.char.add(f"{who or 'walk'}-", np.char.zfill((walk + 1).astype(str), width))
            self.out.writerows(
                zip(
                    cases.tolist(),
                    [who] * len(walk),
                    self.tp_ids[tp].tolist(),
                    self.stages[tp].tolist(),
                    self.channels[tp].tolist(),
                    self.screens[ev.screen[part]].tolist(),
                    timestamps(ev.hours[part]).tolist(),
                    strict=True,
                )
            )
            self.rows += len(walk)


@contextmanager
def event_log(path: Path, jmap: JourneyMap, force: bool) -> Iterator[EventLog]:
    """An event log written to `path`, streamed and atomically (replaced when the block ends
    without an error). An existing file is an event log the user owns: replaced only with
    `force` (OverwriteError otherwise), never when it is one of the map's files."""
    with atomic_writer(path, owned=True, force=force, inputs=jmap.files) as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(EVENTS_HEADER)
        yield EventLog(out, jmap)
