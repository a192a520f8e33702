"""The figures gaps are weighed by: where a persona's walks go, convert and drop off.

Two views of the same persona chain (`journeyctl.markov.chain.persona_chain`):

* the *designed walk*: walks go on past a goal (delivery, loyalty, renewal) until they leave,
  as the map draws it. Reach and move figures, which rank gaps, come from it, so a gap after
  the purchase weighs what it weighs for the customer.
* the *path to conversion*: walks end at their first goal. Key touchpoints (P(visit | convert))
  and the chance a walk converts if it carries on from a touchpoint come from it; conversion
  and drop-off figures are the exact solver's (`journeyctl.markov.exact.solve`).

A walk caught in a loop it can never leave adds nothing to these figures.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from journeyctl.core.errors import RequestError
from journeyctl.core.model import JourneyMap
from journeyctl.markov.absorbing import Solver, as_sparse, can_reach, first_visit, hit
from journeyctl.markov.chain import persona_chain
from journeyctl.markov.exact import solve

MAX_STAGE_WORK = 4_000_000
"""Stages of two or more touchpoints × touchpoints: each such stage is one more solve."""


@dataclass(frozen=True)
class PersonaFlow:
    """One persona's figures, each a share of its walks unless said otherwise."""

    persona: str | None
    conversion: float
    """P(convert), from the exact solver (first cycle of a cyclical journey)."""
    reach: dict[str, float]
    """P(the designed walk reaches the touchpoint)."""
    stage_reach: dict[str, float]
    """P(the designed walk reaches any touchpoint of the stage)."""
    moves: dict[tuple[str, str], float]
    """Expected times a designed walk makes the move (src, dst); at most 1 without loops."""
    given_conversion: dict[str, float]
    """P(visit the touchpoint on the way | the walk converts)."""
    carry_on: dict[str, float]
    """P(convert | the walk takes one of the touchpoint's moves other than `exit`)."""
    exits: dict[str, float]
    """P(the walk drops off at the touchpoint before its last conversion: leaving after it
    costs none), from the exact solver."""
    stage_exits: dict[str, float]
    """The same per stage."""

    def visit(self, tp: str) -> float:
        return self.reach.get(tp, 0.0)

    def move(self, src: str, dst: str) -> float:
        return min(1.0, self.moves.get((src, dst), 0.0))


def persona_flow(jmap: JourneyMap, persona: str | None) -> PersonaFlow:
    """The figures for `persona` (None: the map's weights as they are). Raises RequestError
    past the exact solver's bounds or `MAX_STAGE_WORK`."""
    chain = persona_chain(jmap, persona)
    exact = solve(jmap, persona, chain=chain)
    P, start, goal = chain.P, chain.start, chain.goal
    # Designed walk: every touchpoint moves on as drawn; exit absorbs.
    keep = can_reach(P, chain.exit > 0)
    designed = Solver(P, keep)
    visits = designed.visits(start)
    reach = first_visit(visits, designed.diagonal)
    stage_reach = _stage_reach(jmap, chain.states, P, start, keep, reach)
    moves = {
        (chain.states[i], chain.states[j]): float(visits[i] * p)
        for (i, j), p in chain.moves.items()
    }
    # Path to conversion: goals absorb; only states that can still reach a goal matter.
    Q = as_sparse(sparse.diags_array((~goal).astype(float)) @ P)
    path = Solver(Q, can_reach(Q, goal))
    h = path.solve(goal.astype(float))
    first = first_visit(path.visits(start), path.diagonal)
    converts = float(start @ h)
    with np.errstate(invalid="ignore", divide="ignore"):
        on = np.where(chain.exit < 1, (P @ h) / (1 - chain.exit), 0.0)
    ids = chain.states
    return PersonaFlow(
        persona=persona,
        conversion=exact.conversion,
        reach={s: float(reach[i]) for i, s in enumerate(ids)},
        stage_reach=stage_reach,
        moves=moves,
        given_conversion={
            s: float(first[i] * h[i] / converts) if converts > 0 else 0.0 for i, s in enumerate(ids)
        },
        carry_on={s: float(on[i]) for i, s in enumerate(ids)},
        exits=dict(exact.lost_probability),
        stage_exits=dict(exact.stage_lost_probability),
    )


def _stage_reach(jmap: JourneyMap, states, P, start, keep, reach) -> dict[str, float]:
    """P(the designed walk reaches any touchpoint of each stage): a touchpoint's own reach
    for a stage of one, else one solve with the stage's touchpoints made absorbing."""
    stage_of = np.array([jmap.touchpoint[s].stage for s in states], dtype=object)
    sizes = {st.id: 0 for st in jmap.stages}
    for stage in stage_of:
        sizes[stage] += 1
    wide = sum(1 for k in sizes.values() if k > 1)
    if wide * len(states) > MAX_STAGE_WORK:
        raise RequestError(
            f"the map has {wide:,} stages of two or more touchpoints among {len(states):,} "
            f"touchpoints; gaps solves one chain per such stage and stops past "
            f"{MAX_STAGE_WORK:,} (stages × touchpoints; see 'Limits' in docs/simulate.md)"
        )
    out = {}
    for stage, size in sizes.items():
        inside = stage_of == stage
        only = np.flatnonzero(inside)[0] if size == 1 else None
        if only is not None and keep[only]:
            out[stage] = float(reach[only])
        else:
            out[stage] = hit(P, start, inside, keep=keep)
    return out
