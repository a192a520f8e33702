"""Exact journey figures from the absorbing Markov chain (no sampling, no step cap).

The walk's state is (touchpoint, cycle k, phase): phase `pre` until cycle k converts (lands
on a goal), `post` after it (post-purchase, loyalty) until the renewal touchpoint starts cycle
k+1. Linear journeys have one cycle, so a goal ends the walk. Exit and the conversion of the
last cycle are absorbing.

The moves within a phase are the same in every cycle, so each phase is factorised once
(`Phase`, sparse) and the cycles are chained: cycle 1 starts from the entries; every later
cycle starts with the walks that renew, all on the renewal touchpoint, so it is cycle 2 scaled
by the share that renews, and the sums over cycles are geometric (closed form, any number of
cycles). Expected visits are start · N per phase, N = (I − Q)⁻¹. P(visit j at least once) adds,
phase by phase, the first visits h = N_ij / N_jj of the walks that have not met j yet; those
are the walks that leave a phase by o without j: B_so − h_sj · B_jo, with B = N · (moves out).
A walk caught in a loop it can never leave visits it infinitely often.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from journeyctl.core.errors import RequestError
from journeyctl.core.model import JourneyMap
from journeyctl.markov.absorbing import Solver, as_sparse, can_reach, closed, first_visit, reachable
from journeyctl.markov.chain import Chain, persona_chain

MAX_CYCLES = 1_000_000
"""The most cycles the exact solver reports (one retention figure each)."""
MAX_GOALS = 200
"""The most goal touchpoints of a cyclical journey solved over several cycles."""


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


class Phase:
    """The moves within one phase (`inner`, among the phase's `states`), factorised once.

    `out` is what leaves the phase from each state (exit, or a move to the next phase). States
    in a closed group (loops with no way out) are left out of the solve: a walk that lands
    there stays for ever.
    """

    def __init__(self, inner: sparse.csr_array, states: np.ndarray, out: np.ndarray):
        self.inner, self.states = inner, states
        self.free = can_reach(inner, out > 0) & states
        self.trapped = closed(inner, states, out)
        self.solver = Solver(inner, states & ~self.trapped)
        _, group = connected_components(inner, directed=True, connection="strong")
        t = np.flatnonzero(self.trapped)
        member = sparse.csr_array((np.ones(len(t)), (t, group[t])), shape=inner.shape)
        self.together = member @ member.T  # trapped states of one group

    def shown(self, land: np.ndarray, visits: np.ndarray) -> np.ndarray:
        """`visits` (of walks landing by `land`), infinite where those walks can get caught."""
        caught = reachable(self.inner, land) & self.states & ~self.free
        return np.where(caught, math.inf, visits)

    def first(self, land: np.ndarray) -> np.ndarray:
        """P(visit each state at least once) for walks landing by `land`, (n,) or (n, r)."""
        v = self.solver.visits(land)
        d = self.solver.diagonal
        h = first_visit(v, d if v.ndim == 1 else d[:, None])
        if not self.trapped.any():
            return h
        enter = self.together @ (land + self.inner.T @ v)  # first entries into a closed group
        return np.where(self.trapped if v.ndim == 1 else self.trapped[:, None], enter, h)


def cycles_of(jmap: JourneyMap, cycles: int) -> int:
    """The number of cycles walked: `cycles` for a cyclical journey, else 1."""
    j = jmap.journey
    return cycles if j is not None and j.kind == "cyclical" and j.renewal else 1


def _phases(chain: Chain, renewal: int | None) -> tuple[Phase, Phase | None]:
    """Before conversion (goals take the walk on) and, for several cycles, after it (the
    renewal touchpoint takes it on)."""
    P, goal = chain.P, chain.goal
    pre = Phase(
        as_sparse(_keep_rows(~goal) @ P @ _keep_rows(~goal)),
        ~goal,
        chain.exit + P @ goal.astype(float),
    )
    if renewal is None:
        return pre, None
    other = np.ones(len(goal), dtype=bool)
    other[renewal] = False
    post = Phase(
        as_sparse(P @ _keep_rows(other)),
        np.ones(len(goal), bool),
        chain.exit + P[:, [renewal]].toarray().ravel(),
    )
    return pre, post


def _keep_rows(mask: np.ndarray) -> sparse.dia_array:
    return sparse.diags_array(mask.astype(float))


def _geometric(a, m: int):
    """1 + a + … + a^(m−1), element-wise for 0 ≤ a ≤ 1."""
    a = np.clip(a, 0.0, 1.0)
    if m <= 0:
        return np.zeros_like(a)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(a < 1, -np.expm1(m * np.log(a)) / (1 - a), float(m))


def _scaled(c: float, x: np.ndarray) -> np.ndarray:
    """c × x, with 0 (not nan) for c = 0 where x is infinite."""
    return c * x if c > 0 else np.zeros_like(x)


def solve(
    jmap: JourneyMap, persona: str | None, cycles: int = 3, *, chain: Chain | None = None
) -> ExactResult:
    """Exact figures for `persona` (None: the map as-is); `chain` is its `persona_chain` when
    the caller has built it already. Raises RequestError for unknown personas, and past
    `MAX_CYCLES` cycles or, over several cycles, `MAX_GOALS` goals."""
    chain = chain if chain is not None else persona_chain(jmap, persona)
    j = jmap.journey
    assert j is not None
    K = cycles_of(jmap, cycles)
    if K > MAX_CYCLES:
        raise RequestError(
            f"{cycles:,} cycles: the exact solver reports at most {MAX_CYCLES:,} (one retention "
            "figure each); ask for fewer with --cycles"
        )
    if K > 1 and chain.goal.sum() > MAX_GOALS:
        raise RequestError(
            f"{j.at('goal')}: the journey has {chain.goal.sum():,} goal touchpoints; the exact "
            f"solver follows at most {MAX_GOALS} over several cycles; ask for --cycles 1"
        )
    renewal = chain.index[j.renewal] if K > 1 and j.renewal else None
    pre, post = _phases(chain, renewal)
    P, goal = chain.P, chain.goal
    n = len(chain.states)

    def pre_phase(land):
        """Expected visits (shown) and conversions at each goal of walks landing by `land`."""
        inside = np.where(goal, 0.0, land)
        v = pre.solver.visits(inside)
        return pre.shown(inside, v), np.where(goal, land + P.T @ v, 0.0)

    shown0, c0 = pre_phase(chain.start)
    transient, finals, retention = shown0, c0, np.array([c0.sum()])
    visited = pre.first(np.where(goal, 0.0, chain.start)) + c0  # a goal: landing there
    if post is not None:
        # Cycle 1 converts by c0, walks on after it and renews by R0; every later cycle k
        # lands on the renewal touchpoint with R0 · α^(k−2) and converts ρ of that.
        back = P[:, [renewal]].toarray().ravel()
        e = np.zeros(n)
        e[renewal] = 1.0
        vp0 = post.solver.visits(c0)
        R0 = float(vp0 @ back)
        shown_u, cu = pre_phase(e)
        vp = post.solver.visits(cu)
        alpha, rho = float(vp @ back), float(cu.sum())
        transient = (
            shown0
            + post.shown(c0, vp0)
            + _scaled(R0 * float(_geometric(alpha, K - 1)), shown_u)
            + _scaled(R0 * float(_geometric(alpha, K - 2)), post.shown(cu, vp))
        )
        finals = R0 * alpha ** (K - 2) * cu
        retention = np.concatenate([retention, R0 * rho * alpha ** np.arange(K - 1)])
        visited = _visited(chain, pre, post, c0, e, cu, back, K)
    visits = transient + finals
    exits = {s: _product(transient[i], chain.exit[i]) for i, s in enumerate(chain.states)}
    return ExactResult(
        persona=persona,
        conversion=float(retention[0]),
        expected_steps=float(visits.sum()),
        visit_probability={s: float(visited[i]) for i, s in enumerate(chain.states)},
        expected_visits={s: float(visits[i]) for i, s in enumerate(chain.states)},
        edge_flow=_edge_flow(jmap, chain, transient),
        exit_probability=exits,
        stage_exit_probability=_by_stage(jmap, exits),
        retention=tuple(retention.tolist()),
    )


def _visited(
    chain: Chain,
    pre: Phase,
    post: Phase,
    c0: np.ndarray,
    e: np.ndarray,
    cu: np.ndarray,
    back: np.ndarray,
    K: int,
) -> np.ndarray:
    """P(visit each touchpoint at least once) over K ≥ 2 cycles.

    Walks that have not met touchpoint i yet leave a pre phase at goal g by L[i, g] = c_g −
    h_i · B[i, g] (B: P(convert at g) from i), and landing on g meets g. A post phase entered
    by L[i, :] meets i with Σ_g L[i, g] H[i, g] (H: first visits from g) and renews without
    meeting it by Σ_g L[i, g] (Bren_g − H[i, g] Bren_i). Every cycle after the first lands
    on the renewal touchpoint, so walk i's share is geometric with ratio α_i.
    """
    P, goal = chain.P, chain.goal
    g = np.flatnonzero(goal)
    B = pre.solver.solve(P[:, g].toarray())
    entry = np.zeros((len(goal), len(g)))
    entry[g, np.arange(len(g))] = 1.0
    H = post.first(entry)
    Bren = post.solver.solve(back)

    def leave_pre(h, c):
        """(L, met): walks leaving pre unmet by goal, and the share meeting a goal on landing."""
        L = c[g][None, :] - h[:, None] * B
        met = np.zeros(len(goal))
        met[g] = L[g, np.arange(len(g))]
        L[g, np.arange(len(g))] = 0.0
        return L, met

    def through_post(L):
        """(meets i in post, renews without meeting i) for walks entering post by L."""
        meet = (L * H).sum(axis=1)
        return meet, L @ Bren[g] - Bren * meet

    h0 = pre.first(np.where(goal, 0.0, chain.start))
    L0, met0 = leave_pre(h0, c0)
    meet0, R0 = through_post(L0)
    hu = pre.first(np.where(goal, 0.0, e))
    Lu, metu = leave_pre(hu, cu)
    meetu, alpha = through_post(Lu)
    later = (hu + metu) * _geometric(alpha, K - 1) + meetu * _geometric(alpha, K - 2)
    return h0 + met0 + meet0 + R0 * later


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
