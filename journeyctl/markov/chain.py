"""A journey map as a Markov chain over its touchpoints, with a persona's adjustment applied.

For a move to touchpoint j with map weight w the persona's weight is
w' = w × a(channel_j) × s(j), where a(c) is the persona's channel affinity (default 1) and
s(j) the largest of its screen affinities over j's screens (1 when j lists none). Moves to a
brand-initiated touchpoint on a channel the persona opted out of get w' = 0. `exit` weights
are kept. Each mapping is then normalised; a touchpoint whose weights are all 0 is `stuck`
(walks leave from there).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from journeyctl.core.errors import RequestError
from journeyctl.core.model import EXIT, JourneyMap, Persona, Touchpoint, Transition


@dataclass(frozen=True)
class Chain:
    """Move probabilities among touchpoints for one persona (or the map as-is)."""

    states: tuple[str, ...]
    """Touchpoint ids in map order."""
    P: np.ndarray
    """(n, n) move probabilities among touchpoints; each row plus `exit` sums to 1."""
    exit: np.ndarray
    """(n,) probability of leaving from each touchpoint."""
    start: np.ndarray
    """(n,) entry distribution (all zeros when the persona zeroes every entry)."""
    goal: np.ndarray
    """(n,) True for goal touchpoints."""
    stuck: tuple[str, ...]
    """Touchpoints with moves whose weights the persona all zeroed."""

    @cached_property
    def index(self) -> dict[str, int]:
        return {s: i for i, s in enumerate(self.states)}

    def probability(self, src: str, dst: str) -> float:
        """P(the move `src` → `dst`), `dst` a touchpoint id or `exit`."""
        i = self.index[src]
        return self.exit[i] if dst == EXIT else self.P[i, self.index[dst]]


def get_persona(jmap: JourneyMap, persona: str | None) -> Persona | None:
    """The persona called `persona`; None for None. Raises RequestError for an unknown one."""
    if persona is None:
        return None
    if persona not in jmap.persona:
        known = ", ".join(p.id for p in jmap.personas) or "none"
        raise RequestError(f"unknown persona {persona!r}; the map's personas: {known}")
    return jmap.persona[persona]


def factor(tp: Touchpoint, persona: Persona | None) -> float:
    """The persona's multiplier for moves to `tp`: a(channel) × s(screens), 0 if opted out."""
    if persona is None:
        return 1.0
    if tp.initiated_by == "brand" and tp.channel in persona.opted_out:
        return 0.0
    a = persona.channel_affinity.get(tp.channel, 1.0)
    s = max((persona.screen_affinity.get(x, 1.0) for x in tp.screens), default=1.0)
    return a * s


def adjusted(
    jmap: JourneyMap, moves: Sequence[Transition], persona: Persona | None
) -> list[tuple[str, float]]:
    """`moves` as (target, persona-adjusted weight); `exit` weights unchanged."""
    return [
        (
            m.target,
            m.weight if m.target == EXIT else m.weight * factor(jmap.touchpoint[m.target], persona),
        )
        for m in moves
    ]


def persona_chain(jmap: JourneyMap, persona: str | None) -> Chain:
    """The chain of `jmap` for `persona` (None: weights as they are). Raises RequestError."""
    who = get_persona(jmap, persona)
    states = tuple(t.id for t in jmap.touchpoints)
    index = {s: i for i, s in enumerate(states)}
    n = len(states)
    P = np.zeros((n, n))
    leave = np.zeros(n)
    stuck: list[str] = []
    for i, tp in enumerate(jmap.touchpoints):
        weights = adjusted(jmap, tp.next, who)
        total = sum(w for _, w in weights)
        if total <= 0:
            leave[i] = 1.0
            if tp.next:
                stuck.append(tp.id)
            continue
        for target, w in weights:
            if target == EXIT:
                leave[i] += w / total
            else:
                P[i, index[target]] += w / total
    start = np.zeros(n)
    assert jmap.journey is not None
    entry = adjusted(jmap, jmap.journey.entry, who)
    total = sum(w for _, w in entry)
    if total > 0:
        for target, w in entry:
            start[index[target]] += w / total
    goal = np.array([s in jmap.journey.goal for s in states], dtype=bool)
    return Chain(states, P, leave, start, goal, tuple(stuck))
