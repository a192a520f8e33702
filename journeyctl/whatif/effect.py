"""The effect of a change on each persona: old map against new, exact and walked.

Per persona on both sides: the exact figures of each map (`markov.exact.solve`) and their
change; the Monte Carlo change in conversion and steps per walk, both maps walked with common
random numbers (`markov.montecarlo.simulate(..., common=size)`: walk w takes the same uniforms
in both), so the per-walk differences are correlated and the 95% interval of their mean, mean ±
1.96 × sd / √n, is narrow; the gaps the change resolves and introduces, matched by code and
subject (persona, stage, touchpoints), never by line; and the structural diff (`diff.compare`).
The two maps come from two files (`pair_of_paths`), a revision and the working tree
(`pair_at_revision`) or a map and a what-if overlay (`pair_with_scenario`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from itertools import zip_longest
from pathlib import Path

import numpy as np

from journeyctl.core.errors import InputError, RequestError
from journeyctl.core.model import JourneyMap
from journeyctl.diff.compare import MapDiff, compare, compare_git, compare_paths
from journeyctl.gaps import Gap, find_gaps
from journeyctl.lint.load import load_map
from journeyctl.markov.exact import ExactResult, solve
from journeyctl.markov.montecarlo import MAX_RUNS, check_counts, chunk_size, simulate
from journeyctl.markov.summary import Z95


@dataclass(frozen=True)
class Request:
    """What to compare: the personas (empty: every persona of either map), walks per persona
    and side (0: exact figures only), and simulate's seed, cycles and step cap."""

    personas: tuple[str, ...] = ()
    runs: int = 100_000
    seed: int = 0
    cycles: int = 3
    max_steps: int = 200

    def check(self) -> None:
        """Refuse counts simulate would refuse (RequestError naming the bound)."""
        if not 0 <= self.runs <= MAX_RUNS:
            raise RequestError(
                f"--runs {self.runs} is outside 0 to {MAX_RUNS:,} walks per persona and map; "
                "--runs 0 gives the exact figures only"
            )
        check_counts(max(self.runs, 1), self.max_steps, self.cycles, self.seed)


@dataclass(frozen=True)
class Pair:
    """The two maps compared, their structural diff, and how each side is named."""

    old: JourneyMap
    new: JourneyMap
    diff: MapDiff
    old_files: dict[str, str] = field(default_factory=dict)
    """File names of `old` as shown (a revision's files are read from a temporary folder)."""

    @property
    def labels(self) -> tuple[str, str]:
        return self.diff.old, self.diff.new


def pair_of_paths(old: Path, new: Path) -> Pair:
    """Two map files. Raises InputError, InvalidMapError."""
    return Pair(load_map(old), load_map(new), compare_paths(old, new))


def pair_at_revision(rev: str, path: Path) -> Pair:
    """The map at `path` as revision `rev` holds it against the working tree. Raises
    InputError (not in git, no such revision, the map is not in `rev`), InvalidMapError."""
    from journeyctl.diff.compare import checkout, run_git

    diff = compare_git(rev, [path])  # checks the revision and that path is in the tree
    new = load_map(path)
    top = Path(run_git("rev-parse", "--show-toplevel").strip()).resolve()
    name = path.resolve().relative_to(top).as_posix()
    with checkout(rev) as (root, every):
        if name not in every:
            raise InputError(f"{path}: not in revision {rev}; compare two files instead")
        old = load_map(root / name)
        shown = {f: f"{rev}:{Path(f).resolve().relative_to(root.resolve()).as_posix()}"
                 for f in old.files}  # fmt: skip
    return Pair(old, new, diff, shown)


def pair_with_scenario(path: Path, scenario: Path) -> Pair:
    """The map at `path` against itself with the what-if overlay `scenario` applied. Raises
    InputError, InvalidMapError, and the overlay's errors."""
    from journeyctl.whatif.scenario import apply_scenario

    patched = apply_scenario(path, scenario)
    return Pair(load_map(path), patched.jmap, compare(patched.old, patched.new))


@dataclass(frozen=True)
class Change:
    """One exact figure on both sides; None where a side has none (no conversion, a stage
    only one map has, a cycle past the other's, infinite steps)."""

    old: float | None
    new: float | None

    @property
    def change(self) -> float | None:
        if self.old is None or self.new is None:
            return None
        return self.new - self.old


@dataclass(frozen=True)
class ExactChange:
    """The exact figures of one persona on both maps (`markov.exact.ExactResult`)."""

    conversion: Change
    expected_steps: Change
    """Touchpoint visits per walk."""
    steps_to_convert: Change
    time_to_convert: Change
    """Hours, over the converting walks."""
    stage_reach: dict[str, Change]
    """After conversion: P(reach the stage at or after the first conversion | converted)."""
    retention: tuple[Change, ...]
    """P(convert in cycle k), k = 1, 2, …; empty unless a map is cyclical."""


@dataclass(frozen=True)
class Paired:
    """A per-walk figure, walked on both maps with common random numbers: its mean on each,
    and the mean of the per-walk differences (new − old) with its 95% interval."""

    old: float
    new: float
    change: float
    low: float | None
    high: float | None
    """change ± 1.96 × sd / √n (sd of the per-walk differences); None for one walk."""

    @classmethod
    def of(cls, old: np.ndarray, new: np.ndarray) -> Paired:
        d = new - old
        n = len(d)
        half = Z95 * float(np.std(d, ddof=1)) / math.sqrt(n) if n > 1 else None
        change = float(d.mean())
        return cls(
            float(old.mean()),
            float(new.mean()),
            change,
            None if half is None else change - half,
            None if half is None else change + half,
        )


@dataclass(frozen=True)
class PersonaEffect:
    """One persona's change: exact, and walked (None with no walks)."""

    persona: str | None
    name: str
    exact: ExactChange
    conversion: Paired | None
    steps: Paired | None
    """Touchpoint visits per walk (walks cut at the step cap count their visits)."""


@dataclass(frozen=True)
class Skipped:
    """A persona listed, not compared, and why."""

    persona: str
    reason: str


@dataclass(frozen=True)
class Effect:
    """Everything `journeyctl compare` reports."""

    old: str
    new: str
    request: Request
    personas: tuple[PersonaEffect, ...]
    skipped: tuple[Skipped, ...]
    resolved: tuple[Gap, ...]
    introduced: tuple[Gap, ...]
    diff: MapDiff


def effect(pair: Pair, request: Request) -> Effect:
    """Compare `pair` per persona (`request`). Raises RequestError for a persona neither map
    has and for counts out of bounds."""
    request.check()
    old, new = pair.old, pair.new
    names, skipped = _personas(old, new, request.personas)
    compared, effects = [], []
    for name in names:
        try:
            effects.append(persona_effect(old, new, name, request))
            compared.append(name)
        except RequestError as exc:  # e.g. more goals than the exact solver follows
            skipped.append(Skipped(str(name), f"not compared: {exc}"))
    resolved, introduced = _gap_changes(pair, [p for p in compared if p is not None])
    return Effect(*pair.labels, request, tuple(effects), tuple(skipped), resolved, introduced,
                  pair.diff)  # fmt: skip


def _personas(
    old: JourneyMap, new: JourneyMap, wanted: Sequence[str]
) -> tuple[list[str | None], list[Skipped]]:
    """The personas both maps define (of those `wanted`, else of all), or None when neither
    map has personas; and those only one map defines."""
    ids_old, ids_new = [p.id for p in old.personas], [p.id for p in new.personas]
    every = list(dict.fromkeys(ids_old + ids_new))
    for p in wanted:
        if p not in every:
            known = ", ".join(every) or "none"
            raise RequestError(f"unknown persona {p!r}; the maps' personas: {known}")
    chosen = list(dict.fromkeys(wanted)) or every
    if not every:
        return [None], []
    both = [p for p in chosen if p in ids_old and p in ids_new]
    skipped = [
        Skipped(p, f"only in {'the old' if p in ids_old else 'the new'} map")
        for p in chosen
        if p not in both
    ]
    return list(both), skipped


def persona_effect(old: JourneyMap, new: JourneyMap, name: str | None, r: Request) -> PersonaEffect:
    """The change of persona `name` (None: the maps as they are) from `old` to `new`. Raises
    RequestError as `solve` and `simulate` do."""
    a, b = solve(old, name, r.cycles), solve(new, name, r.cycles)
    who = new.persona.get(name) if name is not None else None
    conversion = steps = None
    if r.runs:
        size = min(chunk_size(r.max_steps, len(m.touchpoints)) for m in (old, new))
        wa, wb = (simulate(m, name, r.runs, r.seed, r.cycles, r.max_steps, common=size)
                  for m in (old, new))  # fmt: skip
        conversion = Paired.of((wa.converted >= 1).astype(float), (wb.converted >= 1).astype(float))
        steps = Paired.of(wa.steps.astype(float), wb.steps.astype(float))
    label = (who.name or who.id) if who is not None else "the map as-is"
    return PersonaEffect(name, label, _exact(a, b), conversion, steps)


def _exact(a: ExactResult, b: ExactResult) -> ExactChange:
    def reach(r: ExactResult) -> dict[str, float]:
        return (r.after.stage_reach or {}) if r.after is not None else {}

    ra, rb = reach(a), reach(b)
    cyclical = len(a.retention) > 1 or len(b.retention) > 1
    return ExactChange(
        conversion=Change(a.conversion, b.conversion),
        expected_steps=Change(_finite(a.expected_steps), _finite(b.expected_steps)),
        steps_to_convert=Change(a.steps_to_convert, b.steps_to_convert),
        time_to_convert=Change(a.time_to_convert, b.time_to_convert),
        stage_reach={s: Change(ra.get(s), rb.get(s)) for s in dict.fromkeys([*ra, *rb])},
        retention=tuple(
            Change(x, y) for x, y in zip_longest(a.retention, b.retention)
        ) if cyclical else (),
    )  # fmt: skip


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None


def _gap_changes(pair: Pair, personas: list[str]) -> tuple[tuple[Gap, ...], tuple[Gap, ...]]:
    """The gaps of the old map the new one no longer has, and the new map's gaps the old one
    did not have, for `personas` (and those of no persona): matched by code, persona, stage and
    touchpoints."""

    def key(g: Gap) -> tuple:
        return (g.code, g.persona, g.stage, tuple(sorted(g.touchpoints)))

    def gaps(jmap: JourneyMap) -> list[Gap]:
        found = find_gaps(jmap, [p for p in personas if p in jmap.persona]).gaps
        return [g for g in found if g.persona is None or g.persona in personas]

    before, after = gaps(pair.old), gaps(pair.new)
    old_keys, new_keys = {key(g) for g in before}, {key(g) for g in after}
    resolved = [_shown(g, pair.old_files) for g in before if key(g) not in new_keys]
    return tuple(resolved), tuple(g for g in after if key(g) not in old_keys)


def _shown(g: Gap, files: dict[str, str]) -> Gap:
    """`g` with its evidence's files named as `files` shows them."""
    if not files:
        return g
    evidence = tuple(
        replace(e, span=replace(e.span, file=files.get(e.span.file, e.span.file)))
        for e in g.evidence
    )
    return replace(g, evidence=evidence)
