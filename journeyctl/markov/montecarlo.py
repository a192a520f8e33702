"""Monte Carlo walks through a journey map, in chunks of walks advancing together step by step.

Each step is a handful of numpy operations over the chunk's walks still going: record the visit
(the touchpoints and groups each walk met, before or after its first conversion, and the
emotion it felt), apply the cycle rules (a goal converts the current cycle and the walk goes
on; in a cyclical journey the renewal touchpoint starts the next cycle), draw the next move for
every walk at once from the sparse move table, and drop the walks that ended: they exit, get
stuck, are cut at the step cap, or, in the last cycle walked, move on to the renewal touchpoint
(`renewing`: the next cycle is beyond the horizon). A walk of a persona that starts as a
customer starts converted.

Memory does not grow with `runs` or the step cap beyond a few numbers per walk: a chunk keeps
its visits only when they are asked for (an event log, or the paths of a few walks), at most
`CHUNK_VISITS` of them; each chunk has its own random stream (seed, chunk number), so a chunk
can be walked again to recover the paths of a few walks.

With common random numbers (`simulate(..., common=size)`, for comparing two maps) the chunks
hold `size` walks and the uniform of walk w's move at step t (its entry at step 0) comes from a
stream of step t's own, indexed by walk number: walk w takes the same uniform in any map, and
as a draw is the inverse of each touchpoint's cumulative probabilities (monotone in the
uniform), two maps that differ a little move their walks alike. Screens and durations draw from
the chunk's stream.

The experience of a walk follows the peak-end rule: the mean of its most intense emotion (the
largest magnitude; on a tie the negative one, then the earlier) and its last; touchpoints with
no emotion for the persona do not count.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from functools import cached_property

import numpy as np
import scipy.sparse as sp

from journeyctl.core.errors import RequestError
from journeyctl.core.model import JourneyMap
from journeyctl.markov.bits import Bits, masks, words
from journeyctl.markov.chain import Chain, cycles_of, get_persona, persona_chain
from journeyctl.markov.sampling import Clock, Table

EXIT_, STUCK, CUT, RENEWING, NO_ENTRY = range(5)
OUTCOMES = ("exit", "stuck", "cut", "renewing", "no-entry")
"""How a walk ended; `renewing`: it moved on to the renewal touchpoint after the last cycle."""
_MIX = np.uint64(1_000_003)

MAX_RUNS = 1_000_000
"""Most walks per persona: the 95% interval of a share is then ±0.1 point at worst."""
MAX_STEPS = 1_000
"""Highest step cap per walk."""
MAX_CYCLES = 100
"""Most cycles walked in a cyclical journey."""
CHUNK_VISITS = 1 << 23
"""Visits one chunk of walks may hold (walks per chunk × the step cap)."""
CHUNK_WALKS = 1 << 16
"""Most walks per chunk."""
CHUNK_WORDS = 1 << 20
"""Most 64-bit words one chunk may hold for the touchpoints its walks met."""


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


def chunk_size(max_steps: int, touchpoints: int) -> int:
    """Walks per chunk: as many as `CHUNK_VISITS` visits allow when every walk is cut, and
    `CHUNK_WORDS` words of touchpoints met (before and after conversion)."""
    return max(
        1, min(CHUNK_WALKS, CHUNK_VISITS // max_steps, CHUNK_WORDS // words(2 * touchpoints))
    )


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

    outcome: np.ndarray  # one of EXIT_, STUCK, CUT, RENEWING, NO_ENTRY
    steps: np.ndarray  # touchpoint visits
    last: np.ndarray  # last touchpoint index (-1 for none)
    converted: np.ndarray  # cycles converted
    steps_to_convert: np.ndarray  # visits up to the first conversion (0: none, or a customer)
    time_to_convert: np.ndarray  # hours to the first conversion (NaN: none)
    path_key: np.ndarray  # uint64 hash of the path and its outcome
    experience: np.ndarray  # peak-end score (NaN: no emotion met)
    mean_emotion: np.ndarray  # mean emotion met (NaN: none)
    peak: np.ndarray  # touchpoint of the most intense emotion (-1: none)

    @classmethod
    def empty(cls, m: int) -> _PerWalk:
        def zeros() -> np.ndarray:
            return np.zeros(m, dtype=np.int64)

        def nan() -> np.ndarray:
            return np.full(m, np.nan)

        outcome, last = np.full(m, NO_ENTRY, dtype=np.int8), np.full(m, -1, dtype=np.int64)
        keys = np.zeros(m, dtype=np.uint64)
        return cls(outcome, zeros(), last, zeros(), zeros(), nan(), keys, nan(), nan(), last.copy())

    def put(self, at: int, part: _PerWalk) -> None:
        """Copy `part` in from walk `at` on."""
        for f in fields(self):
            ours = getattr(self, f.name)
            ours[at : at + len(part.outcome)] = getattr(part, f.name)


@dataclass(frozen=True)
class _Rules:
    """What every step reads for one persona: the chain, its draws, the cycle rules and what
    a visit marks."""

    chain: Chain
    entries: Table | None  # None when the persona zeroes every entry
    moves: Table  # column n: exit
    screens: Table  # column len(screens): none
    has_screens: bool
    stuck: np.ndarray  # (n,) bool
    groups: np.ndarray  # (2n, words) the groups a visit marks, by touchpoint + n × after
    stages: int
    values: tuple[str, ...]  # the value kinds the map's touchpoints give, in map order
    screen_count: int
    renewal: int  # the renewal touchpoint's index, -1 for none
    cycles: int
    feelings: _Feelings | None  # None when the persona has no emotion on the map
    clock: Clock

    @classmethod
    def of(cls, jmap: JourneyMap, persona: str | None, cycles: int) -> _Rules:
        chain = persona_chain(jmap, persona)
        j = jmap.journey
        assert j is not None
        screens = _screen_matrix(jmap, persona)
        move_matrix = sp.hstack([sp.csr_array(chain.P), sp.csr_array(chain.exit[:, None])])
        stuck = set(chain.stuck)
        values = tuple(dict.fromkeys(v for t in jmap.touchpoints for v in t.value))
        emotion = np.array(
            [np.nan if (e := t.emotion_for(persona)) is None else e for t in jmap.touchpoints]
        )
        return cls(
            chain=chain,
            entries=Table.of(chain.start[None, :], ("journey.entry",))
            if chain.start.any()
            else None,
            moves=Table.of(move_matrix, chain.states),
            screens=Table.of(screens, chain.states),
            has_screens=bool((screens.indices < len(jmap.screens)).any()),
            stuck=np.array([s in stuck for s in chain.states], dtype=bool),
            groups=_group_masks(jmap, values),
            stages=len(jmap.stages),
            values=values,
            screen_count=len(jmap.screens),
            renewal=chain.index[j.renewal] if j.kind == "cyclical" and j.renewal else -1,
            cycles=cycles_of(jmap, cycles),
            feelings=_Feelings.of(emotion) if not np.isnan(emotion).all() else None,
            clock=Clock(jmap, chain.index, chain.entry),
        )


def _group_masks(jmap: JourneyMap, values: Sequence[str]) -> np.ndarray:
    """The groups a visit to each touchpoint marks, before (rows 0 … n−1) and after the first
    conversion (rows n … 2n−1): its stage (bit s), its stage after conversion (S + s) and each
    value it gives in its stage (2S + s × V + v)."""
    S, V = len(jmap.stages), len(values)
    order, kind = jmap.stage_order, {v: i for i, v in enumerate(values)}
    rows = []
    for after in (False, True):
        for t in jmap.touchpoints:
            s = order[t.stage]
            rows.append(
                [s, *([S + s] if after else []), *(2 * S + s * V + kind[v] for v in t.value)]
            )
    return masks(rows, 2 * S + S * V)


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
    touchpoint and group; the path of a walk is walked again on request (`paths`)."""

    persona: str | None
    chain: Chain
    runs: int
    cycles: int  # cycles walked (1 for linear journeys)
    max_steps: int
    timed: bool  # whether the map has durations (else `time_to_convert` is all NaN)
    seed: int
    outcome: np.ndarray  # (runs,) one of EXIT_, STUCK, CUT, RENEWING, NO_ENTRY
    steps: np.ndarray  # (runs,) touchpoint visits
    last: np.ndarray  # (runs,) last touchpoint index (-1 for none)
    converted: np.ndarray  # (runs,) cycles converted
    steps_to_convert: np.ndarray  # (runs,) visits up to the first conversion (0: none)
    time_to_convert: np.ndarray  # (runs,) hours to the first conversion (NaN: none)
    path_key: np.ndarray  # (runs,) uint64 hash of the path and its outcome
    experience: np.ndarray  # (runs,) peak-end score (NaN: no emotion met)
    mean_emotion: np.ndarray  # (runs,) mean emotion met (NaN: none)
    peak: np.ndarray  # (runs,) touchpoint of the most intense emotion (-1: none)
    visits: np.ndarray  # (n,) visits per touchpoint, all walks
    visitors: np.ndarray  # (n,) walks that visited each touchpoint at least once
    after_visitors: np.ndarray  # (n,) walks that visited it at or after their first conversion
    stage_visitors: np.ndarray  # (stages,) walks that visited each stage at least once
    stage_after_visitors: np.ndarray  # (stages,) the same at or after the first conversion
    value_visitors: np.ndarray  # (stages, values) walks given each value in each stage
    values: tuple[str, ...]  # the value kinds of `value_visitors`' columns
    screen_visits: np.ndarray  # (len(screens) + 1,) visits per screen, the last: no screen
    rules: _Rules = field(repr=False)
    size: int  # walks per chunk
    common: bool  # walked with common random numbers (`simulate`'s `common`)

    def paths(self, walks: Sequence[int]) -> list[list[int]]:
        """The touchpoint indices each of `walks` visited, in order (their chunks walked
        again)."""
        size = self.size
        found: dict[int, list[int]] = {}
        for c in sorted({w // size for w in walks}):
            draws = _Draws(self.seed, c, self.common)
            chunk = _walk_chunk(self.rules, draws, c, self.runs, self.max_steps, size, keep=True)
            found.update(chunk.paths(c * size, {w for w in walks if w // size == c}))
        return [found[w] for w in walks]

    def path(self, walk: int) -> list[int]:
        """The touchpoint indices walk `walk` visited, in order."""
        return self.paths([walk])[0]


@dataclass
class _Going:
    """The chunk's walks still going, one entry each: walk number in the chunk, touchpoint,
    cycle, whether the cycle has converted (post phase), path hash so far, hours since the
    walk began and, when the persona has emotions, what it felt so far (`_Feelings`)."""

    idx: np.ndarray
    state: np.ndarray
    cycle: np.ndarray
    post: np.ndarray
    key: np.ndarray
    hours: np.ndarray
    feel: np.ndarray  # (5, walks), or (0, walks) without emotions

    def keep(self, keep: np.ndarray, state: np.ndarray, hours: np.ndarray) -> _Going:
        """The walks in `keep` (a mask or indices), at `state` (theirs) and `hours`."""
        return _Going(
            self.idx[keep], state, self.cycle[keep], self.post[keep], self.key[keep], hours,
            self.feel[:, keep],
        )  # fmt: skip


@dataclass
class _Chunk:
    """One chunk's walks: their results, the visits counted, the touchpoints and groups each
    walk met and, when kept, who was where step by step (and on which screen at what time)."""

    walks: _PerWalk
    visits: np.ndarray
    screen_visits: np.ndarray
    met: Bits  # touchpoint + n × after, per walk
    groups: Bits  # `_group_masks` bits, per walk
    trail: list[tuple[np.ndarray, np.ndarray]]  # per step: (walks going, their touchpoints)
    log: list[tuple[np.ndarray, np.ndarray]]  # per step: (screens, hours)

    @cached_property
    def _all(self) -> tuple[np.ndarray, np.ndarray]:
        """Every visit as (walk, touchpoint), step by step (joined once, after the walk)."""
        return _joined([ids for ids, _ in self.trail]), _joined([s for _, s in self.trail])

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
    common: int | None = None,
) -> Walks:
    """Walk `runs` customers through `jmap` as `persona`. Raises RequestError for counts
    outside the bounds (`check_counts`), InputError for a non-finite probability.

    `on_visits`, if given, receives every visit chunk by chunk, walks in order (for an event
    log); `progress`, if given, is called after each step with the number of walks that ended.
    `common`, if given, walks with common random numbers in chunks of `common` walks (at most
    `chunk_size` for this map; see the module): two maps walked with the same seed and `common`
    are coupled walk by walk.
    """
    check_counts(runs, max_steps, cycles, seed)
    rules = _Rules.of(jmap, persona, cycles)
    n, S, V = len(rules.chain.states), rules.stages, len(rules.values)
    size = chunk_size(max_steps, n)
    if common is not None:
        if not 1 <= common <= size:
            raise RequestError(f"common chunks of {common:,} walks: use 1 to {size:,}")
        size = common
    per_walk = _PerWalk.empty(runs)
    met = np.zeros(2 * n, dtype=np.int64)
    groups = np.zeros(2 * S + S * V, dtype=np.int64)
    visits = np.zeros(n, dtype=np.int64)
    screen_visits = np.zeros(rules.screen_count + 1, dtype=np.int64)
    for c in range(-(-runs // size)):
        base = c * size
        ended = None if progress is None else (lambda done, base=base: progress(base + done))
        draws = _Draws(seed, c, common is not None)
        chunk = _walk_chunk(rules, draws, c, runs, max_steps, size, on_visits is not None, ended)
        per_walk.put(base, chunk.walks)
        visits += chunk.visits
        screen_visits += chunk.screen_visits
        met += chunk.met.counts()
        groups += chunk.groups.counts()
        if on_visits is not None:
            on_visits(chunk.events(base))
    w = per_walk
    return Walks(
        persona, rules.chain, runs, rules.cycles, max_steps, rules.clock.timed, seed, w.outcome,
        w.steps, w.last, w.converted, w.steps_to_convert, w.time_to_convert, w.path_key,
        w.experience, w.mean_emotion, w.peak, visits, met[:n], met[n:], groups[:S],
        groups[S : 2 * S], groups[2 * S :].reshape(S, V), rules.values, screen_visits, rules,
        size, common is not None,
    )  # fmt: skip


class _Draws:
    """A chunk's random numbers. By default one stream, (seed, chunk), gives every draw in the
    order the walk asks for them. With common random numbers the uniforms of step t's moves
    (step 0: the entries) come from the stream (seed, chunk, t), one per walk of the chunk by
    walk number, so walk w takes the same uniform at step t in any map; screens and durations
    draw from (seed, chunk)."""

    def __init__(self, seed: int, c: int, common: bool):
        self.seed, self.c, self.common = seed, c, common
        self.rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(c,)))

    def moves(self, t: int, idx: np.ndarray) -> np.ndarray:
        """The uniform of each walk in `idx` (numbers in the chunk) for its move at step `t`."""
        if not self.common:
            return self.rng.random(len(idx))
        step = np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(self.c, t)))
        return step.random(int(idx.max()) + 1)[idx]


def _walk_chunk(
    rules: _Rules,
    draws: _Draws,
    c: int,
    runs: int,
    max_steps: int,
    size: int,
    record: bool = False,
    progress: Callable[[int], None] | None = None,
    keep: bool = False,
) -> _Chunk:
    """Walk chunk `c` (of `size` walks) of the `runs` walks with its own random numbers
    (`draws`); `record` keeps every visit's screen and time, `keep` (or `record`) who was
    where."""
    n = len(rules.chain.states)
    m = min(size, runs - c * size)
    rng = draws.rng
    chunk = _Chunk(
        _PerWalk.empty(m), np.zeros(n, np.int64), np.zeros(rules.screen_count + 1, np.int64),
        Bits(m, 2 * n), Bits(m, rules.stages * (2 + len(rules.values))), [], [],
    )  # fmt: skip
    going = _enter(chunk.walks, rules, draws, m)
    for t in range(1, max_steps + 1):
        if not len(going.idx):
            break
        screen = _visit(chunk, going, rules, rng, t, keep or record)
        if record:
            hours = going.hours if rules.clock.timed else np.full(len(going.idx), t - 1.0)
            chunk.log.append((screen, hours))
        col = rules.moves.draw(going.state, draws.moves(t, going.idx))
        end = _end(chunk.walks, going, rules, t, col, t == max_steps)
        going = _advance(going, ~end, col, rules.clock, rng)
        if progress is not None:
            progress(m - len(going.idx))
    return chunk


def _enter(walks: _PerWalk, rules: _Rules, draws: _Draws, m: int) -> _Going:
    """Every walk at the entry it draws (no walks when the persona zeroes every entry); a
    customer's walks start converted, in the post phase (in cycle 2 at the renewal touchpoint,
    or ended there when only one cycle is walked)."""
    idx = np.arange(m if rules.entries is not None else 0)
    state = np.zeros(len(idx), dtype=np.int64)
    if rules.entries is not None:
        state = rules.entries.draw(state, draws.moves(0, idx))
    k = len(idx)
    hours = rules.clock.entry(draws.rng, state) if rules.clock.timed else np.zeros(k)
    post = np.full(k, rules.chain.customer)
    feel = np.zeros((5 if rules.feelings is not None else 0, k))
    feel[:_WHERE] = -1.0  # no peak yet
    going = _Going(idx, state, np.zeros(k, np.int64), post, np.zeros(k, np.uint64), hours, feel)
    if not rules.chain.customer:
        return going
    walks.converted[idx] = 1
    beyond = (state == rules.renewal) & (rules.cycles == 1)
    walks.outcome[idx[beyond]] = RENEWING
    return going.keep(~beyond, state[~beyond], hours[~beyond])


def _visit(
    chunk: _Chunk, going: _Going, rules: _Rules, rng: np.random.Generator, t: int, keep: bool
) -> np.ndarray:
    """Count every walk's visit (step `t`) to its touchpoint, apply the cycle rules, mark what
    it met and extend its path; the screen of each visit (len(screens) for none)."""
    idx, state = going.idx, going.state
    chunk.visits += np.bincount(state, minlength=len(chunk.visits))
    _convert(chunk.walks, going, rules, t)
    n = len(rules.chain.states)
    after = going.post | (going.cycle > 0)
    chunk.met.add(idx, state)
    chunk.met.add(idx[after], state[after] + n)
    chunk.groups.merge(idx, rules.groups[state + n * after])
    if rules.feelings is not None:
        rules.feelings.take(going)
    going.key = going.key * _MIX + (state + 1).astype(np.uint64)
    if keep:
        chunk.trail.append((idx, state))
    if rules.has_screens:
        screen = rules.screens.draw(state, rng.random(len(idx)))
    else:
        screen = np.full(len(idx), rules.screen_count)
    chunk.screen_visits += np.bincount(screen, minlength=len(chunk.screen_visits))
    return screen


def _convert(walks: _PerWalk, going: _Going, rules: _Rules, t: int) -> None:
    """Apply the cycle rules at the visit of step `t`: the renewal touchpoint starts the next
    cycle after a conversion, a goal converts the current one."""
    renew = going.post & (going.state == rules.renewal)
    going.cycle[renew] += 1
    going.post[renew] = False
    conv = ~going.post & rules.chain.goal[going.state]
    walks.converted[going.idx[conv]] = going.cycle[conv] + 1
    first = conv & (going.cycle == 0)
    walks.steps_to_convert[going.idx[first]] = t
    walks.time_to_convert[going.idx[first]] = going.hours[first] if rules.clock.timed else np.nan
    going.post |= conv


_RANK, _WHERE, _LAST, _SUM, _COUNT = range(5)
"""The rows of `_Going.feel`: the rank of the peak emotion so far (`_Feelings.rank`) and its
touchpoint, the last emotion, the sum and the count of the emotions met."""


@dataclass(frozen=True)
class _Feelings:
    """Per touchpoint, for one persona: its emotion (NaN: none), that emotion with 0 for none,
    1 where there is one, and its rank as a peak: 2|e|, plus 1 when negative (a tie goes to
    the negative), −1 for none."""

    emotion: np.ndarray
    value: np.ndarray
    felt: np.ndarray
    rank: np.ndarray

    @classmethod
    def of(cls, emotion: np.ndarray) -> _Feelings:
        felt = ~np.isnan(emotion)
        value = np.where(felt, emotion, 0.0)
        rank = np.where(felt, 2 * np.abs(value) + (value < 0), -1.0)
        return cls(emotion, value, felt.astype(float), rank)

    def take(self, going: _Going) -> None:
        """Each walk's emotion at its touchpoint: a new peak where it ranks above the peak so
        far (an equal one keeps the earlier)."""
        f, state = going.feel, going.state
        rank = self.rank[state]
        better = rank > f[_RANK]
        f[_RANK, better] = rank[better]
        f[_WHERE, better] = state[better]
        felt = self.felt[state]
        f[_LAST] = np.where(felt > 0, self.value[state], f[_LAST])
        f[_SUM] += self.value[state]
        f[_COUNT] += felt


def _end(
    walks: _PerWalk, going: _Going, rules: _Rules, t: int, col: np.ndarray, last_step: bool
) -> np.ndarray:
    """Record the walks that end at step `t`: they left (drew exit in `col`), moved on to the
    renewal touchpoint after the last cycle, or are cut (`last_step`). Their mask."""
    end = col == len(rules.chain.states)
    outcome = np.where(rules.stuck[going.state], STUCK, EXIT_).astype(np.int8)
    if rules.renewal >= 0:
        beyond = going.post & (col == rules.renewal) & (going.cycle == rules.cycles - 1)
        outcome[beyond] = RENEWING
        end |= beyond
    if last_step:
        outcome[~end] = CUT
        end[:] = True
    at = np.flatnonzero(end)
    ended, outcome = going.idx[at], outcome[at]
    walks.outcome[ended] = outcome
    walks.steps[ended] = t
    walks.last[ended] = going.state[at]
    walks.path_key[ended] = going.key[at] * np.uint64(len(OUTCOMES)) + outcome.astype(np.uint64)
    if rules.feelings is not None:
        f = going.feel[:, at]
        felt = f[_COUNT] > 0
        where = np.where(felt, f[_WHERE], -1).astype(np.int64)
        peak = rules.feelings.emotion[where]
        walks.experience[ended] = np.where(felt, (peak + f[_LAST]) / 2, np.nan)
        walks.mean_emotion[ended] = np.where(felt, f[_SUM] / np.maximum(f[_COUNT], 1), np.nan)
        walks.peak[ended] = where
    return end


def _advance(
    going: _Going, keep: np.ndarray, col: np.ndarray, clock: Clock, rng: np.random.Generator
) -> _Going:
    """The walks in `keep` (a mask), each moved to the touchpoint it drew in `col` (and its
    clock on)."""
    at = np.flatnonzero(keep)
    state, hours = col[at], going.hours[at]
    if clock.timed:
        hours = hours + clock.step(rng, going.state[at], state)
    return going.keep(at, state, hours)
