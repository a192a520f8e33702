"""Monte Carlo walks through a journey map, all walks advancing together one step at a time.

Each step is a handful of numpy operations over the walks still going: record the visit,
apply the cycle rules (a goal converts the current cycle; after a conversion the renewal
touchpoint starts the next one), draw the next move for every walk at once from alias tables,
and drop the walks that ended.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from journeyctl.core.model import JourneyMap
from journeyctl.markov.chain import Chain, get_persona, persona_chain
from journeyctl.markov.exact import cycles_of
from journeyctl.markov.sampling import Alias, Clock

CONVERTED, EXIT_, STUCK, CUT, NO_ENTRY = range(5)
OUTCOMES = ("converted", "exit", "stuck", "cut", "no-entry")
_MIX = np.uint64(1_000_003)


@dataclass(frozen=True)
class Visits:
    """Every touchpoint visit, one entry per visit, ordered by walk then time."""

    walk: np.ndarray  # walk number
    touchpoint: np.ndarray  # state index
    screen: np.ndarray  # index into JourneyMap.screens, -1 for none
    hours: np.ndarray  # arrival time in hours since the walk began


@dataclass(frozen=True)
class Walks:
    """The outcome of `runs` walks for one persona."""

    persona: str | None
    chain: Chain
    runs: int
    cycles: int  # cycles walked (1 for linear journeys)
    max_steps: int
    timed: bool  # whether the map has durations (else `time_to_convert` is all NaN)
    outcome: np.ndarray  # (runs,) one of CONVERTED, EXIT_, STUCK, CUT, NO_ENTRY
    steps: np.ndarray  # (runs,) touchpoint visits
    last: np.ndarray  # (runs,) last touchpoint index (-1 for none)
    converted: np.ndarray  # (runs,) cycles converted
    steps_to_convert: np.ndarray  # (runs,) visits up to the first conversion (0: none)
    time_to_convert: np.ndarray  # (runs,) hours to the first conversion (NaN: none)
    visited: np.ndarray  # (runs, n) bool, touchpoint visited at least once
    visits: np.ndarray  # (n,) visits per touchpoint, all walks
    screen_visits: np.ndarray  # (len(screens) + 1,) visits per screen, the last: no screen
    path_key: np.ndarray  # (runs,) uint64 hash of the path and its outcome
    trail: tuple[tuple[np.ndarray, np.ndarray], ...]  # per step: (walks going, their states)
    events: Visits | None

    def path(self, walk: int) -> list[int]:
        """The touchpoint indices walk `walk` visited, in order."""
        out = []
        for ids, states in self.trail:
            at = np.searchsorted(ids, walk)
            if at == len(ids) or ids[at] != walk:
                break
            out.append(int(states[at]))
        return out


def _screen_table(jmap: JourneyMap, persona: str | None) -> tuple[Alias, np.ndarray]:
    """(alias tables, (n, width) screen index or -1) for picking each visit's screen."""
    who = get_persona(jmap, persona)
    where = {s.id: i for i, s in enumerate(jmap.screens)}
    width = max((len(t.screens) for t in jmap.touchpoints), default=0) or 1
    probs = np.zeros((len(jmap.touchpoints), width))
    ids = np.full(probs.shape, -1)
    for i, tp in enumerate(jmap.touchpoints):
        w = [who.screen_affinity.get(s, 1.0) if who else 1.0 for s in tp.screens]
        probs[i, : len(w)] = w if sum(w) > 0 else [1.0] * len(w)
        ids[i, : len(w)] = [where.get(s, -1) for s in tp.screens]
        if not tp.screens:
            probs[i, 0] = 1.0
    return Alias.of(probs), ids


def simulate(
    jmap: JourneyMap,
    persona: str | None,
    runs: int,
    seed: int = 0,
    cycles: int = 3,
    max_steps: int = 200,
    record: bool = False,
    progress: Callable[[int], None] | None = None,
) -> Walks:
    """Walk `runs` customers through `jmap` as `persona`; `record` keeps every visit's details.

    `progress`, if given, is called after each step with the number of walks that ended.
    """
    chain = persona_chain(jmap, persona)
    j = jmap.journey
    assert j is not None
    n, K = len(chain.states), cycles_of(jmap, cycles)
    renewal = chain.index[j.renewal] if K > 1 and j.renewal else -1
    rng = np.random.default_rng(seed)
    clock = Clock(jmap, chain.index)
    moves = Alias.of(np.column_stack([chain.P, chain.exit]))
    screens, screen_ids = _screen_table(jmap, persona)
    has_screens = bool((screen_ids >= 0).any())
    stuck = np.array([s in chain.stuck for s in chain.states], dtype=bool)

    outcome = np.full(runs, NO_ENTRY, dtype=np.int8)
    steps = np.zeros(runs, dtype=np.int64)
    last = np.full(runs, -1, dtype=np.int64)
    converted = np.zeros(runs, dtype=np.int64)
    steps_to_convert = np.zeros(runs, dtype=np.int64)
    time_to_convert = np.full(runs, np.nan)
    visited = np.zeros((runs, n), dtype=bool)
    visits = np.zeros(n, dtype=np.int64)
    screen_visits = np.zeros(len(jmap.screens) + 1, dtype=np.int64)
    path_key = np.zeros(runs, dtype=np.uint64)
    trail: list[tuple[np.ndarray, np.ndarray]] = []
    log: list[tuple[np.ndarray, np.ndarray]] = []

    starts = chain.start if chain.start.sum() > 0 else None  # None: every entry zeroed
    idx = np.arange(runs if starts is not None else 0)
    state = np.zeros(len(idx), dtype=np.int64)
    if starts is not None:
        state = Alias.of(starts[None, :]).draw(state, rng.random(runs))
    cycle = np.zeros(len(idx), dtype=np.int64)
    post = np.zeros(len(idx), dtype=bool)
    key = np.zeros(len(idx), dtype=np.uint64)
    hours = clock.entry(rng, state) if clock.timed else np.zeros(len(idx))
    for t in range(1, max_steps + 1):
        if not len(idx):
            break
        visits += np.bincount(state, minlength=n)
        visited[idx, state] = True
        key = key * _MIX + (state + 1).astype(np.uint64)
        trail.append((idx, state))
        if has_screens:
            screen = screen_ids[state, screens.draw(state, rng.random(len(idx)))]
            screen_visits += np.bincount(screen % len(screen_visits), minlength=len(screen_visits))
        else:
            screen = np.full(len(idx), -1)
            screen_visits[-1] += len(idx)
        if record:
            log.append((screen, hours if clock.timed else np.full(len(idx), t - 1.0)))
        renew = post & (state == renewal)
        cycle[renew] += 1
        post[renew] = False
        conv = ~post & chain.goal[state]
        converted[idx[conv]] = cycle[conv] + 1
        first = conv & (cycle == 0)
        steps_to_convert[idx[first]] = t
        time_to_convert[idx[first]] = hours[first] if clock.timed else np.nan
        done = conv & (cycle == K - 1)
        post |= conv
        col = moves.draw(state, rng.random(len(idx)))
        leave = ~done & (col == n)
        cut = ~done & ~leave & (t == max_steps)
        end = done | leave | cut
        ended = idx[end]
        outcome[ended] = np.select(
            [done[end], cut[end], stuck[state[end]]], [CONVERTED, CUT, STUCK], EXIT_
        )
        steps[ended] = t
        last[ended] = state[end]
        path_key[ended] = key[end] * np.uint64(len(OUTCOMES)) + outcome[ended].astype(np.uint64)
        keep = ~end
        if clock.timed:
            hours = hours[keep] + clock.step(rng, state[keep], col[keep])
        idx, state, cycle, post, key = idx[keep], col[keep], cycle[keep], post[keep], key[keep]
        if progress is not None:
            progress(runs - len(idx))
    events = _events(trail, log) if record else None
    return Walks(
        persona, chain, runs, K, max_steps, clock.timed, outcome, steps, last, converted,
        steps_to_convert, time_to_convert, visited, visits, screen_visits, path_key,
        tuple(trail), events,
    )  # fmt: skip


def _events(trail, log) -> Visits:
    """Every visit from the per-step records, sorted by walk (stable, so by time within one)."""
    walk = np.concatenate([ids for ids, _ in trail]) if trail else np.zeros(0, dtype=np.int64)
    order = np.argsort(walk, kind="stable")

    def cat(parts, dtype):
        return np.concatenate(parts)[order] if parts else np.zeros(0, dtype=dtype)

    return Visits(
        walk[order],
        cat([s for _, s in trail], np.int64),
        cat([s for s, _ in log], np.int64),
        cat([h for _, h in log], float),
    )
