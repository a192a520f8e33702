"""Exact journey figures from the absorbing Markov chain (no sampling, no step cap).

The walk's state is (touchpoint, cycle k, phase): phase `pre` until cycle k converts, `post`
after it (post-purchase, loyalty) until the renewal touchpoint starts cycle k+1. Linear
journeys have one cycle, so a goal ends the walk. Exit and the conversion of the last cycle
are absorbing. With Q the moves among the other (transient) states, the expected visits are
start · N with N = (I − Q)⁻¹, and each figure follows from them. P(visit j at least once) is
v_j / N_jj when j has one state (the standard h = N_ij / N_jj), else an absorbing solve with
j's states made absorbing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from journeyctl.core.model import JourneyMap
from journeyctl.markov.absorbing import can_reach, first_visit, fundamental, hit, reachable
from journeyctl.markov.chain import Chain, persona_chain


@dataclass(frozen=True)
class ExactResult:
    """Exact per-walk expectations and probabilities for one persona."""

    persona: str | None
    conversion: float
    """P(reach a goal) (in cycle 1 for cyclical journeys)."""
    expected_steps: float
    """Expected touchpoint visits until absorption (inf when some walks can loop forever)."""
    visit_probability: dict[str, float]
    expected_visits: dict[str, float]
    edge_flow: dict[tuple[str, str], float]
    """Expected traversals per walk of each `next` move (src, dst); dst may be `exit`."""
    exit_probability: dict[str, float]
    """P(the walk drops off from this touchpoint)."""
    stage_exit_probability: dict[str, float]
    retention: tuple[float, ...]
    """Cyclical: P(convert in cycle k), k = 1..cycles; linear: (conversion,)."""


@dataclass(frozen=True)
class Lifted:
    """The chain over the (cycle, phase, touchpoint) states a walk can reach."""

    Q: np.ndarray  # (m, m) moves among transient states
    start: np.ndarray  # (m,) where walks land first
    final: np.ndarray  # (m, n) P(next move converts the last cycle at touchpoint t)
    final0: np.ndarray  # (n,) P(the first landing converts the last cycle at t)
    convert: np.ndarray  # (m, K) P(next move converts cycle k)
    convert0: np.ndarray  # (K,) P(the first landing converts cycle k)
    tp: np.ndarray  # (m,) the touchpoint index of each state


def cycles_of(jmap: JourneyMap, cycles: int) -> int:
    """The number of cycles walked: `cycles` for a cyclical journey, else 1."""
    j = jmap.journey
    return cycles if j is not None and j.kind == "cyclical" and j.renewal else 1


def lift(chain: Chain, renewal: int | None, cycles: int) -> Lifted:
    """The cycle-aware absorbing chain, kept to the states reachable from the entries."""
    n, K = len(chain.states), cycles
    m = 2 * n * K
    Q = np.zeros((m, m))
    start, final, final0 = np.zeros(m), np.zeros((m, n)), np.zeros(n)
    convert, convert0 = np.zeros((m, K)), np.zeros(K)

    def land(t: int, k: int, post: bool) -> tuple[int | None, int | None]:
        """(transient state or None if absorbed, cycle converted or None) on arriving at t."""
        if post and t == renewal:
            k, post = k + 1, False
        if not post and chain.goal[t]:
            return (None if k == K - 1 else (2 * k + 1) * n + t), k
        return (2 * k + post) * n + t, None

    for t in np.flatnonzero(chain.start):
        s, c = land(int(t), 0, False)
        if s is None:
            final0[t] += chain.start[t]
        else:
            start[s] += chain.start[t]
        if c is not None:
            convert0[c] += chain.start[t]
    for k in range(K):
        for post in (False, True) if k < K - 1 else (False,):
            for j in range(n):
                src = (2 * k + post) * n + j
                for t in np.flatnonzero(chain.P[j]):
                    p = chain.P[j, t]
                    s, c = land(int(t), k, post)
                    if s is None:
                        final[src, t] += p
                    else:
                        Q[src, s] += p
                    if c is not None:
                        convert[src, c] += p
    keep = np.flatnonzero(reachable(Q, start))  # state (k, phase, j) is (2k + phase)·n + j
    return Lifted(
        Q[np.ix_(keep, keep)], start[keep], final[keep], final0, convert[keep], convert0, keep % n
    )


def _visits(Q: np.ndarray, start: np.ndarray, leaves: np.ndarray):
    """(expected visits start · N, N's diagonal (0: unsolved), the states that get absorbed).

    N = (I − Q)⁻¹ over the states that can be absorbed; the others that a walk can reach are
    visited infinitely often (inf).
    """
    ok = can_reach(Q, leaves > 0)
    N = fundamental(Q, ok)
    v = np.zeros(len(start))
    v[ok] = start[ok] @ N[np.ix_(ok, ok)]
    v[~ok & reachable(Q, start)] = math.inf
    return v, np.diag(N), ok


def solve(jmap: JourneyMap, persona: str | None, cycles: int = 3) -> ExactResult:
    """Exact figures for `persona` (None: the map as-is). Raises RequestError for unknown ones."""
    chain = persona_chain(jmap, persona)
    j = jmap.journey
    assert j is not None
    K = cycles_of(jmap, cycles)
    renewal = chain.index[j.renewal] if K > 1 and j.renewal else None
    L = lift(chain, renewal, K)
    n, tp_of = len(chain.states), L.tp
    leaves = chain.exit[tp_of] + L.final.sum(axis=1)
    v, diagonal, ok = _visits(L.Q, L.start, leaves)
    transient = np.bincount(tp_of, weights=v, minlength=n)
    with np.errstate(invalid="ignore"):  # inf × 0 where a looping state never converts
        finals = L.final0 + np.nan_to_num(v[:, None] * L.final, nan=0.0).sum(axis=0)
        retention = L.convert0 + np.nan_to_num(v[:, None] * L.convert, nan=0.0).sum(axis=0)
    visits = transient + finals
    exits = {s: _product(transient[i], chain.exit[i]) for i, s in enumerate(chain.states)}
    return ExactResult(
        persona=persona,
        conversion=float(retention[0]),
        expected_steps=float(visits.sum()),
        visit_probability=_visit_probability(chain, L, first_visit(v, diagonal), ok, finals),
        expected_visits={s: float(visits[i]) for i, s in enumerate(chain.states)},
        edge_flow=_edge_flow(jmap, chain, transient),
        exit_probability=exits,
        stage_exit_probability=_by_stage(jmap, exits),
        retention=tuple(float(r) for r in retention),
    )


def _visit_probability(
    chain: Chain, L: Lifted, first: np.ndarray, ok: np.ndarray, finals: np.ndarray
) -> dict[str, float]:
    """P(visit each touchpoint at least once), from the first-visit odds `first` of its state
    where it has one solved state, else by an absorbing solve with its states made absorbing."""
    out = {}
    for i, s in enumerate(chain.states):
        [*copies] = np.flatnonzero(L.tp == i)
        if not copies:  # only ever visited by converting the last cycle there (once)
            out[s] = float(finals[i])
        elif len(copies) == 1 and ok[copies[0]] and not finals[i]:  # h = N_sc / N_cc
            out[s] = float(first[copies[0]])
        else:
            out[s] = hit(L.Q, L.start, L.tp == i, L.final[:, i]) + float(L.final0[i])
    return out


def _edge_flow(
    jmap: JourneyMap, chain: Chain, transient: np.ndarray
) -> dict[tuple[str, str], float]:
    """Expected traversals per walk of each `next` move (src, dst), from src's expected visits."""
    index = chain.index
    return {
        (tp.id, m.target): _product(transient[index[tp.id]], chain.probability(tp.id, m.target))
        for tp in jmap.touchpoints
        for m in tp.next
    }


def _by_stage(jmap: JourneyMap, exits: dict[str, float]) -> dict[str, float]:
    """Per-touchpoint drop-off summed per stage (every stage listed, in map order)."""
    by_stage = {st.id: 0.0 for st in jmap.stages}
    for tp in jmap.touchpoints:
        by_stage[tp.stage] = by_stage.get(tp.stage, 0.0) + exits[tp.id]
    return by_stage


def _product(visits: float, p: float) -> float:
    """visits × p, with 0 for a move never taken (even from a state visited infinitely often)."""
    return float(visits * p) if p > 0 else 0.0
