"""Reachability over a map's touchpoints, shared by rules, simulation and gaps."""

from __future__ import annotations

from collections.abc import Iterable

from journeyctl.core.model import EXIT, JourneyMap


def successors(jmap: JourneyMap) -> dict[str, list[str]]:
    """Touchpoint id to the known touchpoints it can move to (positive weight only)."""
    known = jmap.touchpoint
    return {
        t.id: [n.target for n in t.next if n.target in known and n.weight > 0]
        for t in jmap.touchpoints
    }


def reachable(jmap: JourneyMap, starts: Iterable[str], stop: Iterable[str] = ()) -> set[str]:
    """Touchpoints reachable from `starts` (included), not walking on from those in `stop`."""
    succ = successors(jmap)
    stop = set(stop)
    seen: set[str] = set()
    todo = [s for s in starts if s in succ]
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        if node not in stop:
            todo.extend(n for n in succ[node] if n not in seen)
    return seen


def entries(jmap: JourneyMap) -> list[str]:
    """Entry touchpoint ids with a positive weight."""
    if jmap.journey is None:
        return []
    return [e.target for e in jmap.journey.entry if e.weight > 0 and e.target != EXIT]
