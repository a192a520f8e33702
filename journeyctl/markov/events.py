"""Simulated walks as an event log: one CSV row per touchpoint visit."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from journeyctl.core.files import atomic_writer
from journeyctl.core.model import JourneyMap
from journeyctl.markov.montecarlo import Walks

EVENTS_HEADER = ("case_id", "persona", "touchpoint", "stage", "channel", "screen", "timestamp")
EPOCH = np.datetime64("2026-01-01T00:00:00", "s")
"""Every simulated walk starts here (UTC); timestamps add the walk's simulated hours."""


def timestamps(hours: np.ndarray) -> np.ndarray:
    """ISO 8601 UTC strings for `hours` after EPOCH, to the second."""
    seconds = np.round(hours * 3600).astype("timedelta64[s]")
    return np.char.add(np.datetime_as_string(EPOCH + seconds, unit="s"), "Z")


def write_events(path: Path, jmap: JourneyMap, all_walks: Sequence[Walks], force: bool) -> int:
    """Write every recorded visit of `all_walks` to `path`, streamed and atomically; returns
    the number of rows. An existing file is an event log the user owns: replaced only with
    `force` (OverwriteError otherwise), never when it is one of the map's files."""
    tps = jmap.touchpoints
    tp_ids = np.array([t.id for t in tps] or [""])
    stages = np.array([t.stage for t in tps] or [""])
    channels = np.array([t.channel for t in tps] or [""])
    screens = np.array([s.id for s in jmap.screens] + [""])  # index -1: no screen
    rows = 0
    with atomic_writer(path, owned=True, force=force, inputs=jmap.files) as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(EVENTS_HEADER)
        for walks in all_walks:
            ev = walks.events
            assert ev is not None, "simulate(record=True) keeps the visits"
            if not len(ev.walk):  # a persona that never enters the journey
                continue
            who = walks.persona or ""
            width = len(str(walks.runs))
            cases = np.char.add(
                f"{who or 'walk'}-", np.char.zfill((ev.walk + 1).astype(str), width)
            )
            out.writerows(
                zip(
                    cases.tolist(),
                    [who] * len(ev.walk),
                    tp_ids[ev.touchpoint].tolist(),
                    stages[ev.touchpoint].tolist(),
                    channels[ev.touchpoint].tolist(),
                    screens[ev.screen].tolist(),
                    timestamps(ev.hours).tolist(),
                    strict=True,
                )
            )
            rows += len(ev.walk)
    return rows
