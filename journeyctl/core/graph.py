"""Reachability over a map's touchpoints, for the lint rules: pure Python, so lint starts fast.

Over a persona's transition matrix (simulation, gaps) it is `journeyctl.markov.absorbing`.
"""

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


def reachable(jmap: JourneyMap, starts: Iterable[str]) -> set[str]:
    """Touchpoints reachable from `starts` (included) by moves of positive weight."""
    succ = successors(jmap)
    seen: set[str] = set()
    todo = [s for s in starts if s in succ]
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        todo.extend(n for n in succ[node] if n not in seen)
    return seen


def entries(jmap: JourneyMap) -> list[str]:
    """Entry touchpoint ids with a positive weight."""
    if jmap.journey is None:
        return []
    return [e.target for e in jmap.journey.entry if e.weight > 0 and e.target != EXIT]
