"""A journey map as a Markov chain over its touchpoints, with a persona's adjustment applied.

For a move to touchpoint j with map weight w the persona's weight is
w' = w × a(channel_j) × s(j), where a(c) is the persona's channel affinity (default 1) and
s(j) the largest of its screen affinities over j's screens (1 when j lists none). Moves to a
(`Persona.factor` says which moves a persona zeroes). `exit` weights are kept. Each mapping is
then normalised; a touchpoint whose weights are all 0 is `stuck` (walks leave from there).

Walks start by the journey's `entry`, adjusted the same way, or by the persona's own `entry`,
taken as written. A persona that `starts_as: customer` starts converted (`customer`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy import sparse

from journeyctl.core.errors import RequestError
from journeyctl.core.model import EXIT, JourneyMap, Persona, Transition


@dataclass(frozen=True)
class Chain:
    """Move probabilities among touchpoints for one persona (or the map as-is)."""

    states: tuple[str, ...]
    """Touchpoint ids in map order."""
    P: sparse.csr_array
    """(n, n) move probabilities among touchpoints, sparse (canonical CSR, no stored zeros);
    each row plus `exit` sums to 1."""
    exit: np.ndarray
    """(n,) probability of leaving from each touchpoint."""
    start: np.ndarray
    """(n,) entry distribution (all zeros when the persona zeroes every entry)."""
    goal: np.ndarray
    """(n,) True for goal touchpoints."""
    stuck: tuple[str, ...]
    """Touchpoints with moves whose weights the persona all zeroed."""
    customer: bool = False
    """Walks start converted (the persona `starts_as: customer`)."""
    entry: tuple[Transition, ...] = ()
    """The moves walks start by: the persona's own `entry`, else the journey's."""

    @cached_property
    def index(self) -> dict[str, int]:
        return {s: i for i, s in enumerate(self.states)}

    @cached_property
    def moves(self) -> dict[tuple[int, int], float]:
        """(i, j) to P[i, j] for every move of positive probability among touchpoints."""
        rows, cols = self.P.nonzero()
        keys = zip(rows.tolist(), cols.tolist(), strict=True)
        return dict(zip(keys, self.P.data.tolist(), strict=True))

    def probability(self, src: str, dst: str) -> float:
        """P(the move `src` → `dst`), `dst` a touchpoint id or `exit`."""
        i = self.index[src]
        if dst == EXIT:
            return float(self.exit[i])
        return self.moves.get((i, self.index[dst]), 0.0)


def cycles_of(jmap: JourneyMap, cycles: int) -> int:
    """The number of cycles walked: `cycles` for a cyclical journey, else 1."""
    j = jmap.journey
    return cycles if j is not None and j.kind == "cyclical" and j.renewal else 1


def get_persona(jmap: JourneyMap, persona: str | None) -> Persona | None:
    """The persona called `persona`; None for None. Raises RequestError for an unknown one."""
    if persona is None:
        return None
    if persona not in jmap.persona:
        known = ", ".join(p.id for p in jmap.personas) or "none"
        raise RequestError(f"unknown persona {persona!r}; the map's personas: {known}")
    return jmap.persona[persona]


def persona_chain(jmap: JourneyMap, persona: str | None) -> Chain:
    """The chain of `jmap` for `persona` (None: weights as they are). Raises RequestError."""
    who = get_persona(jmap, persona)
    states = tuple(t.id for t in jmap.touchpoints)
    index = {s: i for i, s in enumerate(states)}
    n = len(states)
    rows: list[int] = []
    cols: list[int] = []
    probs: list[float] = []
    leave = np.zeros(n)
    stuck: list[str] = []
    for i, tp in enumerate(jmap.touchpoints):
        weights = jmap.adjusted(tp.next, who)
        total = sum(w for _, w in weights)
        if total <= 0:
            leave[i] = 1.0
            if tp.next:
                stuck.append(tp.id)
            continue
        for target, w in weights:
            if target == EXIT:
                leave[i] += w / total
            elif w > 0:
                rows.append(i)
                cols.append(index[target])
                probs.append(w / total)
    P = sparse.csr_array((probs, (rows, cols)), shape=(n, n), dtype=float)
    P.sum_duplicates()  # sorted indices, repeated moves added up
    P.eliminate_zeros()  # probabilities that underflowed
    start = np.zeros(n)
    assert jmap.journey is not None
    own = who is not None and bool(who.entry)  # taken as written; the journey's is adjusted
    moves = who.entry if own else jmap.journey.entry
    entry = jmap.adjusted(moves, None if own else who)
    total = sum(w for _, w in entry)
    if total > 0:
        for target, w in entry:
            start[index[target]] += w / total
    goal = np.array([s in jmap.journey.goal for s in states], dtype=bool)
    customer = who is not None and who.customer
    return Chain(states, P, leave, start, goal, tuple(stuck), customer, moves)
