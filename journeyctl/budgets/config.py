"""The `budgets` section of the configuration: which maps, which budgets, where each is set.

Each key of the section names maps (a path relative to the configuration file's folder, or a
glob) and holds their budgets:

    budgets:
      maps/treadmill.yaml:
        min-conversion: {enthusiast: 0.09}        # or one number for every persona
        max-drop-off: {store-try-out: 0.2}        # or one number for every moment of truth
        forbidden-gaps: [G301, G5]                # gap codes or prefixes
        max-negative-experience: {share: 0.3, runs: 20000, seed: 0}

Shares are numbers from 0 to 1. A mistake is a ConfigError at its key; what only the map can
tell (a persona it lacks, a touchpoint that is not a moment of truth) is checked against each
map by `journeyctl.budgets.evaluate`, located the same way.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from journeyctl.lint.config import Config, Reader

CONVERSION, DROP_OFF, GAPS, EXPERIENCE = (
    "min-conversion",
    "max-drop-off",
    "forbidden-gaps",
    "max-negative-experience",
)
KEYS = (CONVERSION, DROP_OFF, GAPS, EXPERIENCE)
EXPERIENCE_KEYS = ("share", "runs", "seed")
DEFAULT_RUNS = 10_000
"""Walks per persona for `max-negative-experience` when `runs` is not given."""


@dataclass(frozen=True)
class Bound:
    """One bound: `value` for `subject` (a persona or touchpoint id; None: every one)."""

    subject: str | None
    value: float
    at: str
    """Where it is set: `file:line:col` in the configuration."""


@dataclass(frozen=True)
class Forbidden:
    """A gap code or prefix that must not appear."""

    prefix: str
    at: str


@dataclass(frozen=True)
class Experience:
    """`max-negative-experience`: the bounds, and the seeded Monte Carlo run that measures."""

    bounds: tuple[Bound, ...]
    runs: int
    seed: int


@dataclass(frozen=True)
class MapBudgets:
    """The budgets one key of the `budgets` section sets, and the maps that key names."""

    key: str
    maps: tuple[Path, ...]
    """The map files, resolved."""
    at: str
    conversion: tuple[Bound, ...] = ()
    drop_off: tuple[Bound, ...] = ()
    forbidden_gaps: tuple[Forbidden, ...] = ()
    experience: Experience | None = None

    def names(self, path: Path) -> bool:
        """Whether this key names the map file `path`."""
        return path.resolve() in self.maps


def parse(config: Config) -> tuple[MapBudgets, ...]:
    """The budgets of `config`, in the order written; () when it has none.

    Raises ConfigError at the mistake: a key that is not a budget, a share outside 0 to 1, a
    map that does not exist or a glob that names none, a gap code that no gap has.
    """
    section, read = config.budgets, config.reader
    if section is None or read is None:
        return ()
    if not isinstance(section, dict):
        raise read.fail(("budgets",), "`budgets` must be a table: map path or glob → budgets")
    return tuple(_map_budgets(read, config.root, str(key), value) for key, value in section.items())


def _map_budgets(read: Reader, root: Path, key: str, table: Any) -> MapBudgets:
    here = ("budgets", key)
    if not isinstance(table, dict):
        raise read.fail(here, f"`{key}` must be a table of budgets ({', '.join(KEYS)})")
    for name in table:
        if name not in KEYS:
            raise read.fail((*here, name), f"unknown budget `{name}`{_hint(str(name), KEYS)}")
    experience = table.get(EXPERIENCE)
    return MapBudgets(
        key=key,
        maps=_maps(read, root, key),
        at=read.where(here),
        conversion=_bounds(read, (*here, CONVERSION), table.get(CONVERSION)),
        drop_off=_bounds(read, (*here, DROP_OFF), table.get(DROP_OFF)),
        forbidden_gaps=_forbidden(read, (*here, GAPS), table.get(GAPS, [])),
        experience=None
        if experience is None
        else _experience(read, (*here, EXPERIENCE), experience),
    )


def _maps(read: Reader, root: Path, key: str) -> tuple[Path, ...]:
    """The map files `key` names: the file, or the files the glob matches, under `root`."""
    here = ("budgets", key)
    if any(c in key for c in "*?["):
        found = tuple(sorted(p.resolve() for p in root.glob(key) if p.is_file()))
        if not found:
            raise read.fail(here, f"`{key}` matches no file below {root}")
        return found
    path = root / key
    if not path.is_file():
        raise read.fail(here, f"`{key}`: no such map file (paths are relative to {root})")
    return (path.resolve(),)


def _bounds(read: Reader, here: tuple, value: Any) -> tuple[Bound, ...]:
    """One share for every persona (or touchpoint), or a table of shares by id."""
    if value is None:
        return ()
    if isinstance(value, dict):
        return tuple(
            Bound(str(k), _share(read, (*here, k), v), read.where((*here, k)))
            for k, v in value.items()
        )
    return (Bound(None, _share(read, here, value), read.where(here)),)


def _share(read: Reader, here: tuple, value: Any) -> float:
    name = "`" + ".".join(map(str, here[2:])) + "`"
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise read.fail(here, f"{name} must be a share from 0 to 1, not {value!r}")
    if not 0 <= value <= 1:
        raise read.fail(here, f"{name} must be a share from 0 to 1, not {value} (30% is 0.3)")
    return float(value)


def _forbidden(read: Reader, here: tuple, value: Any) -> tuple[Forbidden, ...]:
    from journeyctl.gaps import GAP_TYPES

    prefixes = read.strings(value, here, "gap codes or prefixes")
    for prefix in prefixes:
        if not any(t.code.startswith(prefix.upper()) for t in GAP_TYPES):
            raise read.fail(here, f"`{prefix}` is not a gap code or prefix of one (G101–G602)")
    return tuple(Forbidden(p.upper(), read.where(here)) for p in prefixes)


def _experience(read: Reader, here: tuple, value: Any) -> Experience:
    if not isinstance(value, dict) or "share" not in value:
        raise read.fail(here, "`max-negative-experience` must be a table with `share` (and "
                        f"`runs`, default {DEFAULT_RUNS}, and `seed`, default 0)")  # fmt: skip
    for name in value:
        if name not in EXPERIENCE_KEYS:
            raise read.fail(
                (*here, name), f"unknown key `{name}`{_hint(str(name), EXPERIENCE_KEYS)}"
            )
    from journeyctl.markov.montecarlo import MAX_RUNS

    runs, seed = value.get("runs", DEFAULT_RUNS), value.get("seed", 0)
    if isinstance(runs, bool) or not isinstance(runs, int) or not 1 <= runs <= MAX_RUNS:
        raise read.fail((*here, "runs"), f"`runs` must be a whole number from 1 to {MAX_RUNS:,}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise read.fail((*here, "seed"), "`seed` must be a whole number, 0 or more")
    return Experience(_bounds(read, (*here, "share"), value["share"]), runs, seed)


def _hint(name: str, known: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    return f"; did you mean `{close[0]}`?" if close else f"; known: {', '.join(known)}"
