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


@dataclass(frozen=True)
class _Rules:
    """What every step reads for one persona: the chain, its draws and the cycle rules."""

    chain: Chain
    moves: Alias  # column n of a row: exit
    screens: Alias
    screen_ids: np.ndarray  # (n, width) index into JourneyMap.screens, -1 for none
    has_screens: bool
    stuck: np.ndarray  # (n,) bool
    renewal: int  # the renewal touchpoint's index, -1 for none
    cycles: int
    clock: Clock

    @classmethod
    def of(cls, jmap: JourneyMap, persona: str | None, cycles: int) -> _Rules:
        chain = persona_chain(jmap, persona)
        j = jmap.journey
        assert j is not None
        K = cycles_of(jmap, cycles)
        screens, screen_ids = _screen_table(jmap, persona)
        return cls(
            chain=chain,
            moves=Alias.of(np.column_stack([chain.P, chain.exit])),
            screens=screens,
            screen_ids=screen_ids,
            has_screens=bool((screen_ids >= 0).any()),
            stuck=np.array([s in chain.stuck for s in chain.states], dtype=bool),
            renewal=chain.index[j.renewal] if K > 1 and j.renewal else -1,
            cycles=K,
            clock=Clock(jmap, chain.index),
        )


@dataclass
class _Going:
    """The walks still going, one entry each: walk number, touchpoint, cycle, whether the
    cycle has converted (post phase), path hash so far and hours since the walk began."""

    idx: np.ndarray
    state: np.ndarray
    cycle: np.ndarray
    post: np.ndarray
    key: np.ndarray
    hours: np.ndarray


@dataclass
class _Tally:
    """The per-walk results, filled in as walks end, and the visits counted so far."""

    outcome: np.ndarray
    steps: np.ndarray
    last: np.ndarray
    converted: np.ndarray
    steps_to_convert: np.ndarray
    time_to_convert: np.ndarray
    visited: np.ndarray
    visits: np.ndarray
    screen_visits: np.ndarray
    path_key: np.ndarray
    trail: list[tuple[np.ndarray, np.ndarray]]
    log: list[tuple[np.ndarray, np.ndarray]]

    @classmethod
    def empty(cls, runs: int, n: int, screens: int) -> _Tally:
        return cls(
            outcome=np.full(runs, NO_ENTRY, dtype=np.int8),
            steps=np.zeros(runs, dtype=np.int64),
            last=np.full(runs, -1, dtype=np.int64),
            converted=np.zeros(runs, dtype=np.int64),
            steps_to_convert=np.zeros(runs, dtype=np.int64),
            time_to_convert=np.full(runs, np.nan),
            visited=np.zeros((runs, n), dtype=bool),
            visits=np.zeros(n, dtype=np.int64),
            screen_visits=np.zeros(screens + 1, dtype=np.int64),
            path_key=np.zeros(runs, dtype=np.uint64),
            trail=[],
            log=[],
        )


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
    rules = _Rules.of(jmap, persona, cycles)
    timed = rules.clock.timed
    rng = np.random.default_rng(seed)
    tally = _Tally.empty(runs, len(rules.chain.states), len(jmap.screens))
    going = _enter(rules, rng, runs)
    for t in range(1, max_steps + 1):
        if not len(going.idx):
            break
        screen = _visit(tally, going, rules, rng)
        if record:
            tally.log.append((screen, going.hours if timed else np.full(len(going.idx), t - 1.0)))
        done = _convert(tally, going, rules, t)
        col = rules.moves.draw(going.state, rng.random(len(going.idx)))
        end = _end(tally, going, rules, t, done, col, t == max_steps)
        going = _advance(going, ~end, col, rules.clock, rng)
        if progress is not None:
            progress(runs - len(going.idx))
    return Walks(
        persona, rules.chain, runs, rules.cycles, max_steps, timed, tally.outcome, tally.steps,
        tally.last, tally.converted, tally.steps_to_convert, tally.time_to_convert,
        tally.visited, tally.visits, tally.screen_visits, tally.path_key, tuple(tally.trail),
        _events(tally.trail, tally.log) if record else None,
    )  # fmt: skip


def _enter(rules: _Rules, rng: np.random.Generator, runs: int) -> _Going:
    """Every walk at the entry it draws (no walks when the persona zeroes every entry)."""
    starts = rules.chain.start if rules.chain.start.sum() > 0 else None
    idx = np.arange(runs if starts is not None else 0)
    state = np.zeros(len(idx), dtype=np.int64)
    if starts is not None:
        state = Alias.of(starts[None, :]).draw(state, rng.random(runs))
    m = len(idx)
    hours = rules.clock.entry(rng, state) if rules.clock.timed else np.zeros(m)
    cycle, post, key = np.zeros(m, np.int64), np.zeros(m, bool), np.zeros(m, np.uint64)
    return _Going(idx, state, cycle, post, key, hours)


def _visit(tally: _Tally, going: _Going, rules: _Rules, rng: np.random.Generator) -> np.ndarray:
    """Count every walk's visit to its touchpoint and extend its path; the screen of each visit
    (-1 for none)."""
    idx, state = going.idx, going.state
    tally.visits += np.bincount(state, minlength=len(tally.visits))
    tally.visited[idx, state] = True
    going.key = going.key * _MIX + (state + 1).astype(np.uint64)
    tally.trail.append((idx, state))
    counts = tally.screen_visits
    if rules.has_screens:
        screen = rules.screen_ids[state, rules.screens.draw(state, rng.random(len(idx)))]
        counts += np.bincount(screen % len(counts), minlength=len(counts))
    else:
        screen = np.full(len(idx), -1)
        counts[-1] += len(idx)
    return screen


def _convert(tally: _Tally, going: _Going, rules: _Rules, t: int) -> np.ndarray:
    """Apply the cycle rules at step `t`: the renewal touchpoint starts the next cycle after a
    conversion, a goal converts the current one. The walks whose last cycle converted."""
    renew = going.post & (going.state == rules.renewal)
    going.cycle[renew] += 1
    going.post[renew] = False
    conv = ~going.post & rules.chain.goal[going.state]
    tally.converted[going.idx[conv]] = going.cycle[conv] + 1
    first = conv & (going.cycle == 0)
    tally.steps_to_convert[going.idx[first]] = t
    tally.time_to_convert[going.idx[first]] = going.hours[first] if rules.clock.timed else np.nan
    going.post |= conv
    return conv & (going.cycle == rules.cycles - 1)


def _end(
    tally: _Tally,
    going: _Going,
    rules: _Rules,
    t: int,
    done: np.ndarray,
    col: np.ndarray,
    last_step: bool,
) -> np.ndarray:
    """Record the walks that end at step `t`: converted (`done`), left (drew exit in `col`) or
    cut (`last_step`). Their mask."""
    leave = ~done & (col == len(rules.chain.states))
    cut = ~done & ~leave & last_step
    end = done | leave | cut
    ended = going.idx[end]
    outcome = np.select(
        [done[end], cut[end], rules.stuck[going.state[end]]], [CONVERTED, CUT, STUCK], EXIT_
    )
    tally.outcome[ended] = outcome
    tally.steps[ended] = t
    tally.last[ended] = going.state[end]
    tally.path_key[ended] = going.key[end] * np.uint64(len(OUTCOMES)) + outcome.astype(np.uint64)
    return end


def _advance(
    going: _Going, keep: np.ndarray, col: np.ndarray, clock: Clock, rng: np.random.Generator
) -> _Going:
    """The walks in `keep`, each moved to the touchpoint it drew in `col` (and its clock on)."""
    hours = going.hours
    if clock.timed:
        hours = hours[keep] + clock.step(rng, going.state[keep], col[keep])
    return _Going(
        going.idx[keep], col[keep], going.cycle[keep], going.post[keep], going.key[keep], hours
    )


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
