"""Derivatives of a persona's exact conversion and retention with respect to the map's weights
and the persona's affinities, by the adjoint of the absorbing chain (no finite differences).

A persona's weight of the move i → j is w'_ij = w_ij × f(j) (`Persona.factor`; `exit` kept),
normalised by the row's sum S_i. For a hitting probability F = s · L, with y = Nᵀs the expected
visits and L the value of landing at each state (P(hit from there); the goal's own value on a
goal, 0 on exit), the derivative through the row's normalisation is

    dF/dw'_ij = y_i (L_j − L_i) / S_i,            dF/de'_j = (L_j − F) / E

for a move and for an entry weight (E the entry weights' sum). A figure that runs through two
phases (before conversion, then after it until renewal) adds each phase's term, the second
phase's visits started where the first one's walks convert. Conversion is cycle 1's hit of the
goals; retention per cycle is P(convert in cycle k) = R0 ρ α^(k−2) for k ≥ 2 (`exact._Walk`:
R0 renew once, ρ convert again from the renewal touchpoint, α renew again), each factor such a
figure, so its derivative is the product rule over the three. Levers (`Lever`) are then sums
over the moves they scale (the chain rule): a move's or entry's own weight, a channel affinity
(every move into the channel's touchpoints), a screen affinity (every move into a touchpoint
where that screen has the largest affinity: the effect of raising it, so screens that tie each
get the whole), and a touchpoint (a multiplier on every weight into it, entries included).

Where a lever would give weight to a move out of a touchpoint the walks reach but cannot leave
(a loop with no way out, or one whose weights the persona all zeroes) or to an entry when the
persona zeroes every entry, the figure jumps: its derivative is nan (not differentiable).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from journeyctl.core.model import JourneyMap, Persona, Touchpoint
from journeyctl.markov.absorbing import reachable
from journeyctl.markov.chain import Chain, cycles_of, get_persona, persona_chain
from journeyctl.markov.exact import Phase, phases, renewing, scaled

KINDS = ("move", "entry", "channel", "screen", "touchpoint")
"""Lever kinds, in the order they are listed on a tie."""


@dataclass(frozen=True)
class Lever:
    """Something in the map or the persona whose value can be changed."""

    kind: str
    """One of `KINDS`."""
    target: str
    """The touchpoint moved to or entered (move, entry, touchpoint), or the channel or screen."""
    source: str = ""
    """The touchpoint a move leaves; for an entry, the persona whose own entry it is ("" for the
    journey's)."""
    value: float = 1.0
    """The lever's value now: the weight, the affinity, or 1 for a touchpoint's multiplier."""

    @property
    def key(self) -> tuple[int, str, str]:
        return KINDS.index(self.kind), self.source, self.target


@dataclass(frozen=True)
class Gradient:
    """A persona's exact figures and their derivatives with respect to each lever."""

    persona: str | None
    levers: tuple[Lever, ...]
    conversion: float
    """P(convert) in cycle 1 (1 for a persona that starts as a customer)."""
    d_conversion: np.ndarray
    """(levers,) d conversion / d lever; nan where not differentiable."""
    retention: tuple[float, ...]
    """P(convert in cycle k), k = 1..cycles, as `ExactResult.retention`."""
    d_retention: np.ndarray | None
    """(levers, cycles) d retention[k] / d lever; None unless the journey is cyclical and
    more than one cycle is walked."""
    customer: bool
    no_entry: bool
    """The persona zeroes every entry: no walk starts."""


@dataclass(frozen=True)
class _Figure:
    """A figure F, its derivative per move (dF/dw', `moves` order) and per state entered
    (dF/de')."""

    value: float
    move: np.ndarray
    entry: np.ndarray

    def __rmul__(self, c: float) -> _Figure:
        return _Figure(c * self.value, scaled(c, self.move), scaled(c, self.entry))

    def __add__(self, other: _Figure) -> _Figure:
        return _Figure(self.value + other.value, self.move + other.move, self.entry + other.entry)


class _Moves:
    """Every `next` move of the map (exit included), in map order, with the persona's weights."""

    def __init__(self, jmap: JourneyMap, who: Persona | None):
        index = {t.id: i for i, t in enumerate(jmap.touchpoints)}
        items = [(i, tp, m) for i, tp in enumerate(jmap.touchpoints) for m in tp.next]
        self.items = items
        self.src = np.array([i for i, _, _ in items], dtype=np.intp)
        self.dst = np.array([index.get(m.target, -1) for _, _, m in items], dtype=np.intp)
        self.weight = np.array([m.weight for _, _, m in items], dtype=float)
        self.adjusted = np.array([w for _, tp, m in items for _, w in jmap.adjusted([m], who)])
        self.total = np.bincount(self.src, self.adjusted, minlength=len(index))


def gradient(jmap: JourneyMap, persona: str | None, cycles: int = 3) -> Gradient:
    """The derivatives of `persona`'s conversion and retention (None: the map as-is). Raises
    RequestError for an unknown persona."""
    who = get_persona(jmap, persona)
    chain = persona_chain(jmap, persona)
    j = jmap.journey
    assert j is not None
    K = cycles_of(jmap, cycles)
    renewal = chain.index[j.renewal] if j.kind == "cyclical" and j.renewal else None
    moves = _Moves(jmap, who)
    adj = _Adjoint(chain, moves, *phases(chain, renewal), renewal)
    levers, J_move, J_entry = _levers(jmap, who, chain, moves)
    E = float(sum(w for _, w in jmap.adjusted(chain.entry, None if _own(who) else who)))

    def slope(f: _Figure) -> np.ndarray:
        entry = f.entry / E if E > 0 else np.full(len(f.entry), np.nan)  # the start jumps
        return J_move @ f.move + J_entry @ entry[[chain.index[m.target] for m in chain.entry]]

    if chain.customer:
        start = chain.start.sum()
        c1 = _Figure(float(start), np.zeros(len(moves.src)), np.ones(len(chain.states)) - start)
        R0 = adj.post_figure(chain.start) if renewal is not None else None
    else:
        c1 = adj.pre_figure(chain.start, through=False)
        R0 = adj.pre_figure(chain.start, through=True) if renewal is not None else None
    retention: list[_Figure] = [c1]
    if R0 is not None and K > 1:
        assert renewal is not None
        e = np.zeros(len(chain.states))
        e[renewal] = 1.0
        # from the renewal touchpoint: whatever the entry
        rho, alpha = (_fixed(adj.pre_figure(e, through=t)) for t in (False, True))
        r, p, a = R0.value, rho.value, alpha.value
        for k in range(2, K + 1):
            d_alpha = (k - 2) * r * p * a ** (k - 3) if k > 2 else 0.0
            retention.append(
                _Figure(r * p * a ** (k - 2), np.zeros_like(c1.move), np.zeros_like(c1.entry))
                + (p * a ** (k - 2)) * _part(R0)
                + (r * a ** (k - 2)) * _part(rho)
                + d_alpha * _part(alpha)
            )
    d_retention = None
    if len(retention) > 1:
        d_retention = np.column_stack([slope(f) for f in retention])
    d_conversion = np.zeros(len(levers)) if chain.customer else slope(c1)
    return Gradient(
        persona=persona,
        levers=levers,
        conversion=c1.value,
        d_conversion=d_conversion,
        retention=tuple(f.value for f in retention),
        d_retention=d_retention,
        customer=chain.customer,
        no_entry=E <= 0,
    )


def _fixed(f: _Figure) -> _Figure:
    """`f` for walks that do not start by the entry (its entry derivatives 0)."""
    return _Figure(f.value, f.move, np.zeros_like(f.entry))


def _part(f: _Figure) -> _Figure:
    """`f`'s derivatives with a value of 0 (a term of the product rule)."""
    return _Figure(0.0, f.move, f.entry)


def _own(who: Persona | None) -> bool:
    return who is not None and bool(who.entry)


class _Adjoint:
    """The two phases of a persona's chain and the derivatives of figures on them."""

    def __init__(self, chain: Chain, moves: _Moves, pre: Phase, post: Phase, renewal: int | None):
        self.chain, self.moves, self.pre, self.post, self.renewal = chain, moves, pre, post, renewal
        n = len(chain.states)
        self.stuck = np.zeros(n, dtype=bool)
        self.stuck[[chain.index[s] for s in chain.stuck]] = True
        self.renews = np.zeros(n)  # P(renew) of landing on each state in the post phase
        self.post_land = np.zeros(n)  # ... the same, where landing on the renewal renews
        if renewal is not None:
            self.renews = post.solver.solve(renewing(chain, renewal))
            self.post_land = self.renews.copy()
            self.post_land[renewal] = 1.0

    def pre_figure(self, start: np.ndarray, *, through: bool) -> _Figure:
        """P(convert) of walks starting by `start`; with `through`, P(convert, then renew)."""
        chain, pre = self.chain, self.pre
        goal = chain.goal
        v = self.renews if through else np.ones(len(goal))
        x = pre.solver.solve(chain.P[:, np.flatnonzero(goal)] @ v[goal])
        L = np.where(goal, v, x)
        inside = np.where(goal, 0.0, start)
        y = pre.solver.visits(inside)
        move = self._phase_terms(pre, inside, y, L, ~goal)
        if through:
            land = np.where(goal, start + chain.P.T @ y, 0.0)
            move = move + self._post_terms(land)
        F = float(start @ L)
        return _Figure(F, move, L - F)

    def post_figure(self, start: np.ndarray) -> _Figure:
        """P(renew) of walks starting converted by `start` (entering at the renewal renews)."""
        land = start.copy()
        land[self.renewal] = 0.0
        F = float(start @ self.post_land)
        return _Figure(F, self._post_terms(land), self.post_land - F)

    def _post_terms(self, land: np.ndarray) -> np.ndarray:
        y = self.post.solver.visits(land)
        # a move to the renewal ends the phase (value 1); being at the renewal is worth `renews`
        every = np.ones(len(land), bool)
        return self._phase_terms(self.post, land, y, self.post_land, every, self.renews)

    def _phase_terms(
        self,
        phase: Phase,
        land: np.ndarray,
        y: np.ndarray,
        L: np.ndarray,
        rows: np.ndarray,
        here: np.ndarray | None = None,
    ) -> np.ndarray:
        """y_i (L_j − L_i) / S_i per move i → j from a `rows` state, `here` the value of being
        at i (default L). nan for a move of weight 0 to a touchpoint out of a state the walks
        reach and cannot leave by the chain: giving it weight changes where the walks go at
        once (leaving by `exit` instead changes no hitting odds: 0)."""
        m = self.moves
        here = L if here is None else here
        Lj = np.where(m.dst >= 0, L[np.maximum(m.dst, 0)], 0.0)
        gap = Lj - here[m.src]
        ys = y[m.src]
        with np.errstate(divide="ignore", invalid="ignore"):
            term = np.where(rows[m.src] & (m.total[m.src] > 0), ys * gap / m.total[m.src], 0.0)
        caught = (self.stuck & (y > 0)) | (phase.trapped & reachable(phase.inner, land))
        jump = caught[m.src] & rows[m.src] & (m.adjusted == 0) & (m.dst >= 0)
        return np.where(jump, np.nan, term)


def _levers(
    jmap: JourneyMap, who: Persona | None, chain: Chain, moves: _Moves
) -> tuple[tuple[Lever, ...], sparse.csr_array, sparse.csr_array]:
    """The levers that act on this persona, and d w' / d lever for each move and entry move
    (levers × moves, levers × entry moves)."""
    tps = jmap.touchpoints
    n, M, own = len(tps), len(moves.src), _own(who)
    factor = np.array([1.0 if who is None else who.factor(tp) for tp in tps])
    into = moves.dst >= 0
    # weight of each move (entry move) into each touchpoint: touchpoints × moves (entry moves)
    Into = sparse.csr_array(
        (moves.weight[into], (moves.dst[into], np.flatnonzero(into))), shape=(n, M)
    )
    targets = [chain.index[m.target] for m in chain.entry]
    entry_w = np.array([m.weight for m in chain.entry], dtype=float)
    Enter = sparse.csr_array((entry_w, (targets, range(len(targets)))), shape=(n, len(targets)))
    entry_factor = np.ones(n) if own else factor
    levers = [Lever("move", m.target, tp.id, m.weight) for _, tp, m in moves.items]
    levers += [Lever("entry", m.target, who.id if own and who else "", m.weight)
               for m in chain.entry]  # fmt: skip
    own_move = np.where(into, factor[np.maximum(moves.dst, 0)], 1.0)  # exit: not adjusted
    move_blocks = [sparse.diags_array(own_move), sparse.csr_array((len(targets), M))]
    own_entry = sparse.diags_array(entry_factor[targets], shape=(len(targets),) * 2)
    entry_blocks = [sparse.csr_array((M, len(targets))), own_entry]
    if who is not None:
        for scale in _affinity_levers(tps, who, levers):  # the persona's own entry: as written
            move_blocks.append(scale @ Into)
            entry_blocks.append(sparse.csr_array((1, len(targets))) if own else scale @ Enter)
    levers += [Lever("touchpoint", tp.id) for tp in tps]
    move_blocks.append(sparse.diags_array(factor) @ Into)
    entry_blocks.append(sparse.diags_array(entry_factor) @ Enter)
    J_move = sparse.csr_array(sparse.vstack(move_blocks, format="csr"))
    J_entry = sparse.csr_array(sparse.vstack(entry_blocks, format="csr"))
    J_move.eliminate_zeros()
    J_entry.eliminate_zeros()
    return tuple(levers), J_move, J_entry


def _affinity_levers(tps: tuple[Touchpoint, ...], who: Persona, levers: list[Lever]):
    """For each channel, then each screen, of the map's touchpoints: append its lever to
    `levers` and yield d f(j) / d affinity (1 × touchpoints). f(j) = a × s:
    d/da = s; d/ds(x) = a on a touchpoint where screen x has the largest affinity (every tied
    screen: raising any one raises s); 0 on an invitation the persona declines."""
    a = np.array([who.channel_affinity.get(tp.channel, 1.0) for tp in tps])
    s = np.array(
        [max((who.screen_affinity.get(x, 1.0) for x in tp.screens), default=1.0) for tp in tps]
    )
    live = np.array([not (tp.invitation and who.declines(tp)) for tp in tps])
    for c in sorted({tp.channel for tp in tps}):
        levers.append(Lever("channel", c, value=who.channel_affinity.get(c, 1.0)))
        on = np.array([tp.channel == c for tp in tps]) & live
        yield sparse.csr_array(np.where(on, s, 0.0)[None, :])
    for x in sorted({x for tp in tps for x in tp.screens}):
        value = who.screen_affinity.get(x, 1.0)
        levers.append(Lever("screen", x, value=value))
        on = np.array([x in tp.screens for tp in tps]) & (s == value) & live
        yield sparse.csr_array(np.where(on, a, 0.0)[None, :])
