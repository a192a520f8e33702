"""Exact journey figures from the absorbing Markov chain (no sampling, no step cap).

The walk's state is (touchpoint, cycle k, phase): phase `pre` until cycle k converts (lands
on a goal), `post` after it (post-purchase, loyalty). A linear journey has one cycle and its
post phase runs until the walk exits. In a cyclical journey the renewal touchpoint ends the
post phase and starts cycle k+1; after the last cycle walked, moving to it ends the walk (the
next cycle is beyond the horizon). Exit is absorbing. A persona that starts as a customer
starts in cycle 1's post phase (converted), or in cycle 2 where it enters at the renewal
touchpoint.

The moves within a phase are the same in every cycle, so each phase is factorised once
(`Phase`, sparse) and the cycles are chained: cycle 1 starts from the entries; every later
cycle starts with the walks that renew, all on the renewal touchpoint, so it is cycle 2 scaled
by the share that renews, and the sums over cycles are geometric (closed form, any number of
cycles). Expected visits are start · N per phase, N = (I − Q)⁻¹. P(visit j at least once) adds,
phase by phase, the first visits h = N_ij / N_jj of the walks that have not met j yet; those
are the walks that leave a phase by o without j: B_so − h_sj · B_jo, with B = N · (moves out).
A walk caught in a loop it can never leave visits it infinitely often. Figures over a set of
touchpoints (a stage) solve the hitting odds of the set on the chain written out cycle by cycle
(`_extended`, up to `EXTENDED_STATES` states). Steps and time to convert are means over the
converting walks: conditioned on conversion (Doob's h-transform with b_j = P(convert from j)),
the walks visit j before converting (s · N)_j b_j / c times and take the move i → k
(s · N)_i P_ik b_k / c times, c the conversion.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from journeyctl.core.errors import RequestError
from journeyctl.core.model import JourneyMap
from journeyctl.markov.absorbing import (
    Solver,
    as_sparse,
    can_reach,
    closed,
    first_visit,
    hit,
    reachable,
)
from journeyctl.markov.chain import Chain, cycles_of, persona_chain
from journeyctl.markov.sampling import Clock, mean_hours

MAX_CYCLES = 1_000_000
"""The most cycles the exact solver reports (one retention figure each)."""
MAX_GOALS = 200
"""The most goal touchpoints the exact solver follows walks past."""
EXTENDED_STATES = 200_000
"""The most states (2 × cycles × touchpoints) of the chain written out for figures per stage."""


@dataclass(frozen=True)
class AfterConversion:
    """What converting walks do from their first conversion on (post-purchase, loyalty, later
    cycles), as shares of the converting walks."""

    reach: dict[str, float]
    """P(visit the touchpoint at or after the first conversion | converted)."""
    drop_off: dict[str, float]
    """P(leave the journey from the touchpoint after converting | converted)."""
    stage_reach: dict[str, float] | None
    """P(visit the stage at or after the first conversion | converted); None past
    `EXTENDED_STATES`."""
    stage_drop_off: dict[str, float]
    """`drop_off` summed per stage."""


@dataclass(frozen=True)
class ExactResult:
    """Exact per-walk expectations and probabilities for one persona."""

    persona: str | None
    conversion: float
    """P(reach a goal) (in cycle 1 for cyclical journeys); 1 for a persona that starts as a
    customer."""
    expected_steps: float
    """Expected touchpoint visits until the walk ends (inf when some walks can loop forever)."""
    steps_to_convert: float | None
    """E[visits up to and including the first conversion | converted]; None when no walk
    converts or the persona starts as a customer."""
    time_to_convert: float | None
    """E[hours to the first conversion | converted]: entry travel, then the dwell at each
    touchpoint left and the travel of each move, up to the arrival at the goal; None as
    `steps_to_convert`, and when the map has no durations."""
    visit_probability: dict[str, float]
    expected_visits: dict[str, float]
    edge_flow: dict[tuple[str, str], float]
    """Expected traversals per walk of each `next` move (src, dst); dst may be `exit`."""
    exit_probability: dict[str, float]
    """P(the walk drops off from this touchpoint)."""
    stage_exit_probability: dict[str, float]
    unconverted_exit_probability: dict[str, float]
    """P(the walk drops off from this touchpoint without ever converting)."""
    lost_probability: dict[str, float]
    """P(the walk drops off from this touchpoint before the last cycle's conversion): a drop-off
    that costs a conversion (before the purchase of a linear journey)."""
    stage_lost_probability: dict[str, float]
    retention: tuple[float, ...]
    """Cyclical: P(convert in cycle k), k = 1..cycles; linear: (conversion,)."""
    after: AfterConversion | None
    """From the first conversion on; None when no walk converts."""


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


def _geometric(a, m: int):
    """1 + a + … + a^(m−1), element-wise for 0 ≤ a ≤ 1."""
    a = np.clip(a, 0.0, 1.0)
    if m <= 0:
        return np.zeros_like(a)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(a < 1, -np.expm1(m * np.log(a)) / (1 - a), float(m))


def scaled(c: float, x: np.ndarray) -> np.ndarray:
    """c × x, with 0 (not nan) for c = 0 where x is infinite."""
    return c * x if c > 0 else np.zeros_like(x)


def phases(chain: Chain, renewal: int | None) -> tuple[Phase, Phase]:
    """Before conversion (goals take the walk on) and after it (until exit, or until the
    renewal touchpoint takes it on)."""
    P, goal = chain.P, chain.goal
    pre = Phase(
        as_sparse(_keep_rows(~goal) @ P @ _keep_rows(~goal)),
        ~goal,
        chain.exit + P @ goal.astype(float),
    )
    return pre, Phase(
        as_sparse(P @ _keep_rows(_others(len(goal), renewal))),
        np.ones(len(goal), bool),
        chain.exit + renewing(chain, renewal),
    )


def _others(n: int, renewal: int | None) -> np.ndarray:
    """Every state but the renewal touchpoint."""
    other = np.ones(n, dtype=bool)
    if renewal is not None:
        other[renewal] = False
    return other


def renewing(chain: Chain, renewal: int | None) -> np.ndarray:
    """P(the next move from each touchpoint is to the renewal touchpoint); 0 without one."""
    if renewal is None:
        return np.zeros(len(chain.states))
    return chain.P[:, [renewal]].toarray().ravel()


def _keep_rows(mask: np.ndarray) -> sparse.dia_array:
    return sparse.diags_array(mask.astype(float))


def solve(
    jmap: JourneyMap, persona: str | None, cycles: int = 3, *, chain: Chain | None = None
) -> ExactResult:
    """Exact figures for `persona` (None: the map as-is); `chain` is its `persona_chain` when
    the caller has built it already. Raises RequestError for unknown personas, past
    `MAX_CYCLES` cycles, and past `MAX_GOALS` goals."""
    chain = chain if chain is not None else persona_chain(jmap, persona)
    j = jmap.journey
    assert j is not None
    K = cycles_of(jmap, cycles)
    if K > MAX_CYCLES:
        raise RequestError(
            f"{cycles:,} cycles: the exact solver reports at most {MAX_CYCLES:,} (one retention "
            "figure each); ask for fewer with --cycles"
        )
    if chain.goal.sum() > MAX_GOALS:
        raise RequestError(
            f"{j.at('goal')}: the journey has {chain.goal.sum():,} goal touchpoints; the exact "
            f"solver follows walks past at most {MAX_GOALS}; leave out --exact"
        )
    renewal = chain.index[j.renewal] if j.kind == "cyclical" and j.renewal else None
    walk = _Walk(chain, *phases(chain, renewal), renewal, K)
    transient = walk.shown0 + walk.after
    visited, reached = walk.first_visits()
    exits = _per_state(chain, _times(transient, chain.exit))
    lost = _per_state(chain, _times(walk.before, chain.exit))
    convert = float(walk.retention[0])
    steps, hours = walk.to_convert(jmap)
    return ExactResult(
        persona=persona,
        conversion=convert,
        expected_steps=float(transient.sum()),
        steps_to_convert=steps,
        time_to_convert=hours,
        visit_probability=_per_state(chain, visited),
        expected_visits=_per_state(chain, transient),
        edge_flow=_edge_flow(jmap, chain, transient),
        exit_probability=exits,
        stage_exit_probability=jmap.per_stage(exits),
        unconverted_exit_probability=_per_state(chain, _times(walk.shown0, chain.exit)),
        lost_probability=lost,
        stage_lost_probability=jmap.per_stage(lost),
        retention=tuple(walk.retention.tolist()),
        after=_after(jmap, walk, reached, convert) if convert > 0 else None,
    )


class _Walk:
    """The phases chained over K cycles from where the persona starts.

    `land`: where walks enter cycle 1's post phase (the goals they convert at, or a customer's
    entries); `direct`: the share that starts at the renewal touchpoint (a customer entering
    there starts cycle 2); `after`: expected visits from the first conversion on; `before`:
    expected visits before the last cycle's conversion (a walk leaving there loses one).
    """

    def __init__(self, chain: Chain, pre: Phase, post: Phase, renewal: int | None, K: int):
        self.chain, self.pre, self.post, self.renewal, self.K = chain, pre, post, renewal, K
        n, start = len(chain.states), chain.start
        self.back = renewing(chain, renewal)
        self.e = np.zeros(n)
        self.direct = 0.0
        if chain.customer:
            self.shown0, self.land = np.zeros(n), start.copy()
            if renewal is not None:
                self.direct, self.land[renewal] = float(start[renewal]), 0.0
            convert = float(start.sum())
        else:
            self.shown0, self.land = self.pre_phase(start)
            convert = float(self.land.sum())
        vp0 = post.solver.visits(self.land)
        R0 = float(vp0 @ self.back) + self.direct
        self.after = post.shown(self.land, vp0)  # cycle 1's post phase
        self.before = self.shown0
        self.retention = np.array([convert])
        self.cycles = renewal is not None and K > 1
        if self.cycles:
            assert renewal is not None
            self.e[renewal] = 1.0
            shown_u, self.cu = self.pre_phase(self.e)
            vp = post.solver.visits(self.cu)
            alpha, rho = float(vp @ self.back), float(self.cu.sum())
            shown_v = post.shown(self.cu, vp)  # the post phase of each later cycle
            cycles_on = R0 * float(_geometric(alpha, K - 1))  # cycles 2 … K
            self.before = (
                self.shown0
                + self.after
                + scaled(cycles_on, shown_u)
                + scaled(R0 * float(_geometric(alpha, K - 2)), shown_v)  # all but the last
            )
            self.after = self.after + scaled(cycles_on, shown_u + shown_v)
            more = R0 * rho * alpha ** np.arange(K - 1)
            self.retention = np.concatenate([self.retention, more])

    def pre_phase(self, land: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Expected visits (shown) and conversions at each goal of walks landing by `land`."""
        goal = self.chain.goal
        inside = np.where(goal, 0.0, land)
        v = self.pre.solver.visits(inside)
        return self.pre.shown(inside, v), np.where(goal, land + self.chain.P.T @ v, 0.0)

    @cached_property
    def _from_goals(self) -> tuple[np.ndarray, np.ndarray]:
        """(B, H) over the goals g: B[i, g] = P(convert at g) from i in a pre phase, H[i, g] =
        P(meet i in the post phase entered at g)."""
        P, goal = self.chain.P, self.chain.goal
        g = np.flatnonzero(goal)
        entry = np.zeros((len(goal), len(g)))
        entry[g, np.arange(len(g))] = 1.0
        return self.pre.solver.solve(P[:, g].toarray()), self.post.first(entry)

    def first_visits(self) -> tuple[np.ndarray, np.ndarray]:
        """P(visit each touchpoint at least once), and at or after the first conversion.

        Walks that have not met touchpoint i yet leave a pre phase at goal g by L[i, g] = c_g −
        h_i · B[i, g] (B: P(convert at g) from i), and landing on g meets g. A post phase
        entered by L[i, :] meets i with Σ_g L[i, g] H[i, g] (H: first visits from g) and renews
        without meeting it by Σ_g L[i, g] (Bren_g − H[i, g] Bren_i). Every cycle after the first
        lands on the renewal touchpoint, so walk i's share is geometric with ratio α_i.
        """
        pre, post, chain = self.pre, self.post, self.chain
        Bren = post.solver.solve(self.back)
        later = np.zeros(len(chain.states))
        if self.cycles:
            hu = pre.first(np.where(chain.goal, 0.0, self.e))
            meetu, alpha, metu = self._through_cycle(hu, self.cu, Bren)
            later = (hu + metu + meetu) * _geometric(alpha, self.K - 1)
        meet = post.first(self.land)
        reached = meet + (self.land @ Bren - Bren * meet + self.direct) * later
        if chain.customer:
            return reached, reached
        h0 = pre.first(np.where(chain.goal, 0.0, chain.start))
        meet0, R0, met0 = self._through_cycle(h0, self.land, Bren)
        return h0 + met0 + meet0 + R0 * later, reached

    def to_convert(self, jmap: JourneyMap) -> tuple[float | None, float | None]:
        """E[steps, hours up to the first conversion | converted]: the visits and moves before
        it weighted by b = P(convert from there), over the conversion c. Both None for a
        customer or when c is 0; hours None when the map has no durations."""
        chain = self.chain
        c = float(self.retention[0])
        if chain.customer or c <= 0:
            return None, None
        b = np.where(chain.goal, 1.0, self._from_goals[0].sum(axis=1))
        before = np.where(np.isfinite(self.shown0), self.shown0, 0.0)  # caught: b = 0 onwards
        visits = before * b  # by the walks that go on to convert; goals are never in it
        steps = 1.0 + float(visits.sum()) / c
        clock = Clock(jmap, chain.index, chain.entry)
        if not clock.timed:
            return steps, None
        n = clock.n
        travel = sparse.csr_array(  # mean travel per move, row n: the entry moves
            (mean_hours(clock.travel), np.divmod(clock.keys, n)), shape=(n + 1, n)
        )
        moves = sparse.vstack(  # traversals of each move by the walks that go on to convert
            [sparse.diags_array(before) @ chain.P, sparse.csr_array(chain.start[None, :])]
        ) @ sparse.diags_array(b)
        hours = visits @ mean_hours(clock.dwell) + moves.multiply(travel).sum()
        return steps, float(hours) / c

    def _through_cycle(
        self, h: np.ndarray, c: np.ndarray, Bren: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For walks that met i in a pre phase with odds `h` and converted by `c`: (meets i in
        the post phase, renews without having met i, meets i by landing on it as a goal)."""
        goal = self.chain.goal
        g = np.flatnonzero(goal)
        B, H = self._from_goals
        L = c[g][None, :] - h[:, None] * B
        met = np.zeros(len(goal))
        met[g] = L[g, np.arange(len(g))]
        L[g, np.arange(len(g))] = 0.0
        meet = (L * H).sum(axis=1)
        return meet, L @ Bren[g] - Bren * meet, met


def _after(jmap: JourneyMap, walk: _Walk, reached: np.ndarray, convert: float) -> AfterConversion:
    """The figures from the first conversion on, as shares of the converting walks."""
    chain = walk.chain
    drop = _per_state(chain, _times(walk.after, chain.exit) / convert)
    return AfterConversion(
        reach=_per_state(chain, reached / convert),
        drop_off=drop,
        stage_reach=_stage_reach(jmap, walk, convert),
        stage_drop_off=jmap.per_stage(drop),
    )


def _stage_reach(jmap: JourneyMap, walk: _Walk, convert: float) -> dict[str, float] | None:
    """P(visit each stage at or after the first conversion | converted), from the hitting odds
    of its touchpoints on the extended chain; None past `EXTENDED_STATES` states."""
    n, K = len(walk.chain.states), walk.K
    if 2 * K * n > EXTENDED_STATES:
        return None
    Q, start = _extended(walk)
    stage = np.array([jmap.stage_order[t.stage] for t in jmap.touchpoints])
    after = np.arange(2 * K * n) >= n  # every block from cycle 1's post phase on
    out = {}
    for s in jmap.stages:
        target = after & np.tile(stage == jmap.stage_order[s.id], 2 * K)
        out[s.id] = hit(Q, start, target) / convert if target.any() else 0.0
    return out


def _extended(walk: _Walk) -> tuple[sparse.csr_array, np.ndarray]:
    """The chain written out cycle by cycle: blocks (pre 1, post 1, pre 2, …, post K) of n
    states each, and where walks start on it."""
    chain, K, r = walk.chain, walk.K, walk.renewal
    n, P, goal = len(chain.states), chain.P, chain.goal
    blocks: list[list] = [[None] * (2 * K) for _ in range(2 * K)]
    for k in range(K):
        blocks[2 * k][2 * k] = _keep_rows(~goal) @ P @ _keep_rows(~goal)
        blocks[2 * k][2 * k + 1] = _keep_rows(~goal) @ P @ _keep_rows(goal)
        blocks[2 * k + 1][2 * k + 1] = P @ _keep_rows(_others(n, r))
        if k + 1 < K:
            blocks[2 * k + 1][2 * k + 2] = P @ _keep_rows(~_others(n, r))
    start = np.zeros(2 * K * n)
    if chain.customer:
        start[n : 2 * n] = walk.land
        if walk.cycles:
            start[2 * n : 3 * n] = walk.direct * walk.e
    else:
        start[:n] = np.where(goal, 0.0, chain.start)
        start[n : 2 * n] = np.where(goal, chain.start, 0.0)
    return as_sparse(sparse.block_array(blocks, format="csr")), start


def _per_state(chain: Chain, x: np.ndarray) -> dict[str, float]:
    return {s: float(x[i]) for i, s in enumerate(chain.states)}


def _times(visits: np.ndarray, p: np.ndarray) -> np.ndarray:
    """visits × p, with 0 for a move never taken (even from a state visited infinitely often)."""
    with np.errstate(invalid="ignore"):
        return np.where(p > 0, visits * p, 0.0)


def _edge_flow(
    jmap: JourneyMap, chain: Chain, transient: np.ndarray
) -> dict[tuple[str, str], float]:
    """Expected traversals per walk of each `next` move (src, dst), from src's expected visits."""
    index = chain.index
    return {
        (tp.id, m.target): float(
            _times(transient[index[tp.id]], chain.probability(tp.id, m.target))
        )
        for tp in jmap.touchpoints
        for m in tp.next
    }
