"""Monte Carlo walks through a journey map, in chunks of walks advancing together step by step.

Each step is a handful of numpy operations over the chunk's walks still going: record the visit,
apply the cycle rules (a goal converts the current cycle; after a conversion the renewal
touchpoint starts the next one), draw the next move for every walk at once from the sparse move
table, and drop the walks that ended. A chunk holds at most `CHUNK_VISITS` visits, so memory
does not grow with the map, `runs` or the step cap beyond a few numbers per walk; each chunk has
its own random stream (seed, chunk number), so a chunk can be walked again to recover the
paths of a few walks without keeping every visit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from functools import cached_property

import numpy as np
import scipy.sparse as sp

from journeyctl.core.errors import RequestError
from journeyctl.core.model import JourneyMap
from journeyctl.markov.chain import Chain, get_persona, persona_chain
from journeyctl.markov.exact import cycles_of
from journeyctl.markov.sampling import Clock, Table

CONVERTED, EXIT_, STUCK, CUT, NO_ENTRY = range(5)
OUTCOMES = ("converted", "exit", "stuck", "cut", "no-entry")
_MIX = np.uint64(1_000_003)

MAX_RUNS = 1_000_000
"""Most walks per persona: the 95% interval of a share is then ±0.1 point at worst."""
MAX_STEPS = 1_000
"""Highest step cap per walk."""
MAX_CYCLES = 100
"""Most cycles walked in a cyclical journey."""
CHUNK_VISITS = 1 << 21
"""Visits one chunk of walks may hold (walks per chunk × the step cap)."""
CHUNK_WALKS = 1 << 16
"""Most walks per chunk."""


def check_counts(runs: int, max_steps: int, cycles: int, seed: int) -> None:
    """Refuse counts the engine will not walk (RequestError naming the bound)."""
    exact = "for figures without sampling use --exact"
    for name, value, low, high, tail in (
        ("--runs", runs, 1, MAX_RUNS, f"walks per persona; {exact}"),
        ("--max-steps", max_steps, 1, MAX_STEPS, f"visits per walk; {exact}"),
        ("--cycles", cycles, 1, MAX_CYCLES, "cycles"),
    ):
        if not low <= value <= high:
            raise RequestError(f"{name} {value} is outside {low} to {high:,} {tail}")
    if seed < 0:
        raise RequestError(f"--seed {seed} is negative; use 0 or more")


def chunk_size(max_steps: int) -> int:
    """Walks per chunk: as many as `CHUNK_VISITS` visits allow when every walk is cut."""
    return max(1, min(CHUNK_WALKS, CHUNK_VISITS // max_steps))


@dataclass(frozen=True)
class Visits:
    """Touchpoint visits, one entry per visit, ordered by walk then time."""

    walk: np.ndarray  # walk number
    touchpoint: np.ndarray  # state index
    screen: np.ndarray  # index into JourneyMap.screens, len(screens) for none
    hours: np.ndarray  # arrival time in hours since the walk began


@dataclass
class _PerWalk:
    """One entry per walk, filled in as walks end."""

    outcome: np.ndarray  # one of CONVERTED, EXIT_, STUCK, CUT, NO_ENTRY
    steps: np.ndarray  # touchpoint visits
    last: np.ndarray  # last touchpoint index (-1 for none)
    converted: np.ndarray  # cycles converted
    steps_to_convert: np.ndarray  # visits up to the first conversion (0: none)
    time_to_convert: np.ndarray  # hours to the first conversion (NaN: none)
    path_key: np.ndarray  # uint64 hash of the path and its outcome

    @classmethod
    def empty(cls, m: int) -> _PerWalk:
        def zeros() -> np.ndarray:
            return np.zeros(m, dtype=np.int64)

        outcome, last = np.full(m, NO_ENTRY, dtype=np.int8), np.full(m, -1, dtype=np.int64)
        keys = np.zeros(m, dtype=np.uint64)
        return cls(outcome, zeros(), last, zeros(), zeros(), np.full(m, np.nan), keys)

    def put(self, at: int, part: _PerWalk) -> None:
        """Copy `part` in from walk `at` on."""
        for f in fields(self):
            ours = getattr(self, f.name)
            ours[at : at + len(part.outcome)] = getattr(part, f.name)


@dataclass(frozen=True)
class _Rules:
    """What every step reads for one persona: the chain, its draws and the cycle rules."""

    chain: Chain
    entries: Table | None  # None when the persona zeroes every entry
    moves: Table  # column n: exit
    screens: Table  # column len(screens): none
    has_screens: bool
    stuck: np.ndarray  # (n,) bool
    stage: np.ndarray  # (n,) index into JourneyMap.stages
    stages: int
    screen_count: int
    renewal: int  # the renewal touchpoint's index, -1 for none
    cycles: int
    clock: Clock

    @classmethod
    def of(cls, jmap: JourneyMap, persona: str | None, cycles: int) -> _Rules:
        chain = persona_chain(jmap, persona)
        j = jmap.journey
        assert j is not None
        K = cycles_of(jmap, cycles)
        screens = _screen_matrix(jmap, persona)
        move_matrix = sp.hstack([sp.csr_array(chain.P), sp.csr_array(chain.exit[:, None])])
        stuck, stage_index = set(chain.stuck), {s.id: i for i, s in enumerate(jmap.stages)}
        return cls(
            chain=chain,
            entries=Table.of(chain.start[None, :], ("journey.entry",))
            if chain.start.any()
            else None,
            moves=Table.of(move_matrix, chain.states),
            screens=Table.of(screens, chain.states),
            has_screens=bool((screens.indices < len(jmap.screens)).any()),
            stuck=np.array([s in stuck for s in chain.states], dtype=bool),
            stage=np.array([stage_index[t.stage] for t in jmap.touchpoints], dtype=np.int64),
            stages=len(jmap.stages),
            screen_count=len(jmap.screens),
            renewal=chain.index[j.renewal] if K > 1 and j.renewal else -1,
            cycles=K,
            clock=Clock(jmap, chain.index),
        )


def _screen_matrix(jmap: JourneyMap, persona: str | None) -> sp.csr_array:
    """(touchpoints, screens + 1) weights for picking each visit's screen by the persona's
    affinity (uniform when they are all 0); the last column: the touchpoint lists none."""
    who = get_persona(jmap, persona)
    none = len(jmap.screens)
    where = {s.id: i for i, s in enumerate(jmap.screens)}
    indptr, cols, weights = [0], [], []
    for tp in jmap.touchpoints:
        w = [who.screen_affinity.get(s, 1.0) if who else 1.0 for s in tp.screens]
        weights += w if sum(w) > 0 else [1.0] * len(w)
        cols += [where.get(s, none) for s in tp.screens]
        if not tp.screens:
            weights.append(1.0)
            cols.append(none)
        indptr.append(len(cols))
    return sp.csr_array((weights, cols, indptr), shape=(len(jmap.touchpoints), none + 1))


@dataclass(frozen=True)
class Walks:
    """The outcome of `runs` walks for one persona: a few numbers per walk, counts per
    touchpoint; the path of a walk is walked again on request (`paths`)."""

    persona: str | None
    chain: Chain
    runs: int
    cycles: int  # cycles walked (1 for linear journeys)
    max_steps: int
    timed: bool  # whether the map has durations (else `time_to_convert` is all NaN)
    seed: int
    outcome: np.ndarray  # (runs,) one of CONVERTED, EXIT_, STUCK, CUT, NO_ENTRY
    steps: np.ndarray  # (runs,) touchpoint visits
    last: np.ndarray  # (runs,) last touchpoint index (-1 for none)
    converted: np.ndarray  # (runs,) cycles converted
    steps_to_convert: np.ndarray  # (runs,) visits up to the first conversion (0: none)
    time_to_convert: np.ndarray  # (runs,) hours to the first conversion (NaN: none)
    path_key: np.ndarray  # (runs,) uint64 hash of the path and its outcome
    visits: np.ndarray  # (n,) visits per touchpoint, all walks
    visitors: np.ndarray  # (n,) walks that visited each touchpoint at least once
    stage_visitors: np.ndarray  # (len(stages),) walks that visited each stage at least once
    screen_visits: np.ndarray  # (len(screens) + 1,) visits per screen, the last: no screen
    rules: _Rules = field(repr=False)

    def paths(self, walks: Sequence[int]) -> list[list[int]]:
        """The touchpoint indices each of `walks` visited, in order (their chunks walked
        again)."""
        size = chunk_size(self.max_steps)
        found: dict[int, list[int]] = {}
        for c in sorted({w // size for w in walks}):
            chunk = _walk_chunk(self.rules, self.seed, c, self.runs, self.max_steps)
            found.update(chunk.paths(c * size, {w for w in walks if w // size == c}))
        return [found[w] for w in walks]

    def path(self, walk: int) -> list[int]:
        """The touchpoint indices walk `walk` visited, in order."""
        return self.paths([walk])[0]


@dataclass
class _Going:
    """The chunk's walks still going, one entry each: walk number in the chunk, touchpoint,
    cycle, whether the cycle has converted (post phase), path hash so far and hours since the
    walk began."""

    idx: np.ndarray
    state: np.ndarray
    cycle: np.ndarray
    post: np.ndarray
    key: np.ndarray
    hours: np.ndarray


@dataclass
class _Chunk:
    """One chunk's walks: their results, the visits counted and, step by step, who was where
    (and on which screen at what time when recording)."""

    walks: _PerWalk
    visits: np.ndarray
    screen_visits: np.ndarray
    trail: list[tuple[np.ndarray, np.ndarray]]  # per step: (walks going, their touchpoints)
    log: list[tuple[np.ndarray, np.ndarray]]  # per step: (screens, hours)

    @cached_property
    def _all(self) -> tuple[np.ndarray, np.ndarray]:
        """Every visit as (walk, touchpoint), step by step (joined once, after the walk)."""
        return _joined([ids for ids, _ in self.trail]), _joined([s for _, s in self.trail])

    def visitors(self, group: np.ndarray, width: int) -> np.ndarray:
        """(width,) walks that visited each group at least once (`group`: each touchpoint's)."""
        walk, state = self._all
        seen = np.unique(walk * width + group[state])
        return np.bincount(seen % width if width else seen, minlength=width)

    def events(self, base: int) -> Visits:
        """Every recorded visit, sorted by walk (stable, so by time within one), walks
        numbered from `base`."""
        walk, state = self._all
        order = np.argsort(walk, kind="stable")
        screen, hours = _joined([s for s, _ in self.log]), _joined([h for _, h in self.log], float)
        return Visits(base + walk[order], state[order], screen[order], hours[order])

    def paths(self, base: int, wanted: set[int]) -> dict[int, list[int]]:
        """The touchpoints each walk in `wanted` (numbered from `base`) visited, in order."""
        walk, state = self._all
        keep = np.isin(walk, np.array(sorted(wanted), dtype=np.int64) - base)
        order = np.argsort(walk[keep], kind="stable")
        walk, state = walk[keep][order], state[keep][order]
        out: dict[int, list[int]] = {w: [] for w in wanted}
        cuts = np.flatnonzero(np.diff(walk)) + 1
        for ids, states in zip(np.split(walk, cuts), np.split(state, cuts), strict=True):
            if len(ids):
                out[base + int(ids[0])] = states.tolist()
        return out


def _joined(parts: list[np.ndarray], dtype: type = np.int64) -> np.ndarray:
    return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)


def simulate(
    jmap: JourneyMap,
    persona: str | None,
    runs: int,
    seed: int = 0,
    cycles: int = 3,
    max_steps: int = 200,
    on_visits: Callable[[Visits], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Walks:
    """Walk `runs` customers through `jmap` as `persona`. Raises RequestError for counts
    outside the bounds (`check_counts`), InputError for a non-finite probability.

    `on_visits`, if given, receives every visit chunk by chunk, walks in order (for an event
    log); `progress`, if given, is called after each step with the number of walks that ended.
    """
    check_counts(runs, max_steps, cycles, seed)
    rules = _Rules.of(jmap, persona, cycles)
    n = len(rules.chain.states)
    size = chunk_size(max_steps)
    per_walk = _PerWalk.empty(runs)
    visits, visitors = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
    stage_visitors = np.zeros(rules.stages, dtype=np.int64)
    screen_visits = np.zeros(rules.screen_count + 1, dtype=np.int64)
    for c in range(-(-runs // size)):
        base = c * size
        ended = None if progress is None else (lambda done, base=base: progress(base + done))
        chunk = _walk_chunk(rules, seed, c, runs, max_steps, on_visits is not None, ended)
        per_walk.put(base, chunk.walks)
        visits += chunk.visits
        screen_visits += chunk.screen_visits
        visitors += chunk.visitors(np.arange(n), n)
        stage_visitors += chunk.visitors(rules.stage, rules.stages)
        if on_visits is not None:
            on_visits(chunk.events(base))
    w = per_walk
    return Walks(
        persona, rules.chain, runs, rules.cycles, max_steps, rules.clock.timed, seed, w.outcome,
        w.steps, w.last, w.converted, w.steps_to_convert, w.time_to_convert, w.path_key, visits,
        visitors, stage_visitors, screen_visits, rules,
    )  # fmt: skip


def _walk_chunk(
    rules: _Rules,
    seed: int,
    c: int,
    runs: int,
    max_steps: int,
    record: bool = False,
    progress: Callable[[int], None] | None = None,
) -> _Chunk:
    """Walk chunk `c` of the `runs` walks with its own random stream; `record` keeps every
    visit's screen and time."""
    size = chunk_size(max_steps)
    m = min(size, runs - c * size)
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(c,)))
    n = len(rules.chain.states)
    chunk = _Chunk(_PerWalk.empty(m), np.zeros(n, np.int64),
                   np.zeros(rules.screen_count + 1, np.int64), [], [])  # fmt: skip
    going = _enter(rules, rng, m)
    for t in range(1, max_steps + 1):
        if not len(going.idx):
            break
        screen = _visit(chunk, going, rules, rng)
        if record:
            hours = going.hours if rules.clock.timed else np.full(len(going.idx), t - 1.0)
            chunk.log.append((screen, hours))
        done = _convert(chunk.walks, going, rules, t)
        col = rules.moves.draw(going.state, rng.random(len(going.idx)))
        end = _end(chunk.walks, going, rules, t, done, col, t == max_steps)
        going = _advance(going, ~end, col, rules.clock, rng)
        if progress is not None:
            progress(m - len(going.idx))
    return chunk


def _enter(rules: _Rules, rng: np.random.Generator, m: int) -> _Going:
    """Every walk at the entry it draws (no walks when the persona zeroes every entry)."""
    idx = np.arange(m if rules.entries is not None else 0)
    state = np.zeros(len(idx), dtype=np.int64)
    if rules.entries is not None:
        state = rules.entries.draw(state, rng.random(m))
    k = len(idx)
    hours = rules.clock.entry(rng, state) if rules.clock.timed else np.zeros(k)
    cycle, post, key = np.zeros(k, np.int64), np.zeros(k, bool), np.zeros(k, np.uint64)
    return _Going(idx, state, cycle, post, key, hours)


def _visit(chunk: _Chunk, going: _Going, rules: _Rules, rng: np.random.Generator) -> np.ndarray:
    """Count every walk's visit to its touchpoint and extend its path; the screen of each visit
    (len(screens) for none)."""
    idx, state = going.idx, going.state
    chunk.visits += np.bincount(state, minlength=len(chunk.visits))
    going.key = going.key * _MIX + (state + 1).astype(np.uint64)
    chunk.trail.append((idx, state))
    if rules.has_screens:
        screen = rules.screens.draw(state, rng.random(len(idx)))
    else:
        screen = np.full(len(idx), rules.screen_count)
    chunk.screen_visits += np.bincount(screen, minlength=len(chunk.screen_visits))
    return screen


def _convert(walks: _PerWalk, going: _Going, rules: _Rules, t: int) -> np.ndarray:
    """Apply the cycle rules at step `t`: the renewal touchpoint starts the next cycle after a
    conversion, a goal converts the current one. The walks whose last cycle converted."""
    renew = going.post & (going.state == rules.renewal)
    going.cycle[renew] += 1
    going.post[renew] = False
    conv = ~going.post & rules.chain.goal[going.state]
    walks.converted[going.idx[conv]] = going.cycle[conv] + 1
    first = conv & (going.cycle == 0)
    walks.steps_to_convert[going.idx[first]] = t
    walks.time_to_convert[going.idx[first]] = going.hours[first] if rules.clock.timed else np.nan
    going.post |= conv
    return conv & (going.cycle == rules.cycles - 1)


def _end(
    walks: _PerWalk,
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
    walks.outcome[ended] = outcome
    walks.steps[ended] = t
    walks.last[ended] = going.state[end]
    walks.path_key[ended] = going.key[end] * np.uint64(len(OUTCOMES)) + outcome.astype(np.uint64)
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
