"""Random draws for the simulation, vectorised over walks: moves and screens, and durations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from journeyctl.core.errors import InputError
from journeyctl.core.model import EXIT, Duration, JourneyMap, Transition

_KINDS = {"fixed": 1, "exponential": 2, "lognormal": 3}


@dataclass(frozen=True)
class Table:
    """One discrete distribution per row over its stored entries, kept sparse: every row's
    cumulative probabilities, offset by the row number, in one sorted array.

    A draw for row r with uniform u is the first entry whose cumulative value exceeds r + u (one
    `searchsorted` for every walk at once); entries of probability 0 are never drawn.
    """

    cumulative: np.ndarray  # (entries,) row + cumulative share within the row
    col: np.ndarray  # (entries,) the column each entry stands for
    last: np.ndarray  # (rows,) each row's last entry of positive probability

    @classmethod
    def of(cls, probs, rows: Sequence[str] | None = None) -> Table:
        """The table of `probs` (rows × columns, dense or scipy sparse; a row need not sum to 1
        but needs a positive entry). Raises InputError naming the row (`rows`, else its number)
        when a probability is not a finite number of 0 or more: nothing is drawn from one."""
        m = sp.csr_array(probs)
        if not m.has_sorted_indices:
            m = m.sorted_indices()
        p = np.asarray(m.data, dtype=float)
        row = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))
        running = np.cumsum(p)
        before = np.concatenate([[0.0], running])[m.indptr]  # the total before each row
        totals = np.diff(before)
        bad = np.flatnonzero(~(totals > 0))
        bad = np.union1d(bad, row[~np.isfinite(p) | (p < 0)])
        if len(bad):
            r = int(bad[0])
            name = f"`{rows[r]}`" if rows is not None else f"row {r}"
            raise InputError(
                f"{name}: its probabilities are not finite numbers of 0 or more with a positive "
                "sum (a weight is .nan, .inf or negative?); fix the map's weights"
            )
        at = np.arange(len(p))
        last = np.maximum.reduceat(np.where(p > 0, at, -1), m.indptr[:-1])
        within = np.minimum((running - before[row]) / totals[row], 1.0)
        within[at >= last[row]] = 1.0  # each row ends at exactly row + 1, at its last draw
        return cls(row + within, m.indices.astype(np.int64), last)

    def draw(self, rows: np.ndarray, u: np.ndarray) -> np.ndarray:
        """The column drawn for each walk from row `rows`, with uniforms `u` in [0, 1)."""
        at = np.searchsorted(self.cumulative, rows + u, side="right")
        return self.col[np.minimum(at, self.last[rows])]  # rows + u may round up to rows + 1


def mean_hours(spec: np.ndarray) -> np.ndarray:
    """The mean of each duration in (kind, hours, sigma) rows as `Clock` keeps them: the hours,
    times exp(σ²/2) for a lognormal (its hours are the median); 0 where there is none."""
    kind, hours, sigma = spec
    return np.where(kind == _KINDS["lognormal"], hours * np.exp(sigma**2 / 2), hours)


class Clock:
    """Vectorised durations: dwell per touchpoint, travel per move (from n: entry moves).

    Travel is kept only for the moves that have a duration, keyed by source × n + target.
    """

    def __init__(self, jmap: JourneyMap, index: dict[str, int], entry: Sequence[Transition]):
        n = self.n = len(index)
        self.dwell = np.zeros((3, n))  # kind, hours, sigma
        travel: dict[int, Duration] = {}
        for i, tp in enumerate(jmap.touchpoints):
            self._set(self.dwell[:, i], tp.duration)
            for move in tp.next:
                if move.target != EXIT and move.duration is not None:
                    travel[i * n + index[move.target]] = move.duration
        for move in entry:
            if move.duration is not None:
                travel[n * n + index[move.target]] = move.duration
        self.keys = np.array(sorted(travel), dtype=np.int64)
        self.travel = np.zeros((3, len(self.keys)))
        for k, key in enumerate(self.keys.tolist()):
            self._set(self.travel[:, k], travel[key])
        self.timed = bool(self.dwell[0].any() or len(self.keys))

    @staticmethod
    def _set(slot: np.ndarray, d: Duration | None) -> None:
        if d is not None:
            slot[:] = (_KINDS[d.distribution], d.hours, d.sigma)

    @staticmethod
    def _sample(rng: np.random.Generator, spec: np.ndarray) -> np.ndarray:
        kind, hours, sigma = spec
        out = np.where(kind == 1, hours, 0.0)
        e, g = kind == 2, kind == 3
        out[e] = hours[e] * rng.standard_exponential(int(e.sum()))
        out[g] = hours[g] * np.exp(sigma[g] * rng.standard_normal(int(g.sum())))
        return out

    def _travel(self, rng, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
        """Travel on the moves `src` → `dst`, sampled only on moves that have a duration."""
        out = np.zeros(len(src))
        if not len(self.keys):
            return out
        key = src.astype(np.int64) * self.n + dst
        at = np.minimum(np.searchsorted(self.keys, key), len(self.keys) - 1)
        on = np.flatnonzero(self.keys[at] == key)
        if len(on):
            out[on] = self._sample(rng, self.travel[:, at[on]])
        return out

    def entry(self, rng, to: np.ndarray) -> np.ndarray:
        return self._travel(rng, np.full(len(to), self.n), to)

    def step(self, rng, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
        """Dwell at `src` plus travel to `dst`."""
        return self._sample(rng, self.dwell[:, src]) + self._travel(rng, src, dst)
