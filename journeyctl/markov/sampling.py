"""Random draws for the simulation, vectorised over walks: moves and screens, and durations."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from journeyctl.core.model import EXIT, Duration, JourneyMap

_KINDS = {"fixed": 1, "exponential": 2, "lognormal": 3}


@dataclass(frozen=True)
class Alias:
    """Walker's alias tables, one row per distribution: an O(1) draw for every walk at once.

    Column c = ⌊u·m⌋ is kept when the fraction u·m − c is below `keep[row, c]`, else the draw
    is `alias[row, c]`; columns of probability 0 are never drawn.
    """

    keep: np.ndarray  # (rows * m,)
    alias: np.ndarray  # (rows * m,)
    m: int

    @classmethod
    def of(cls, probs: np.ndarray) -> Alias:
        rows, m = probs.shape
        keep = np.zeros((rows, m))
        alias = np.tile(np.arange(m), (rows, 1))
        for r, p in enumerate(probs):
            scaled = p * m / p.sum()
            small = [c for c in range(m) if scaled[c] < 1]
            large = [c for c in range(m) if scaled[c] >= 1]
            while small and large:
                s, big = small.pop(), large.pop()
                keep[r, s], alias[r, s] = scaled[s], big
                scaled[big] -= 1 - scaled[s]
                (small if scaled[big] < 1 else large).append(big)
            for c in small + large:  # left over: probability 1 (0 for a column of probability 0)
                keep[r, c] = 1.0 if p[c] > 0 else 0.0
                alias[r, c] = c if p[c] > 0 else int(np.argmax(p))
        return cls(keep.ravel(), alias.ravel(), m)

    def draw(self, rows: np.ndarray, u: np.ndarray) -> np.ndarray:
        """One column per walk from row `rows`, with uniforms `u` in [0, 1)."""
        x = u * self.m
        col = np.minimum(x.astype(np.int64), self.m - 1)
        at = rows * self.m + col
        return np.where(x - col < self.keep[at], col, self.alias[at])


class Clock:
    """Vectorised durations: dwell per touchpoint, travel per move (from row n: entry moves)."""

    def __init__(self, jmap: JourneyMap, index: dict[str, int]):
        n = len(index)
        self.dwell = np.zeros((3, n))  # kind, hours, sigma
        self.travel = np.zeros((3, n + 1, n))  # from touchpoint (row n: entry) to touchpoint
        for i, tp in enumerate(jmap.touchpoints):
            self._set(self.dwell[:, i], tp.duration)
            for move in tp.next:
                if move.target != EXIT:
                    self._set(self.travel[:, i, index[move.target]], move.duration)
        assert jmap.journey is not None
        for move in jmap.journey.entry:
            self._set(self.travel[:, n, index[move.target]], move.duration)
        self.timed = bool(self.dwell[0].any() or self.travel[0].any())

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

    def entry(self, rng, to: np.ndarray) -> np.ndarray:
        return self._sample(rng, self.travel[:, -1, to])

    def step(self, rng, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
        """Dwell at `src` plus travel to `dst`, sampling travel only on moves that have one."""
        out = self._sample(rng, self.dwell[:, src])
        on = np.flatnonzero(self.travel[0, src, dst])
        if len(on):
            out[on] += self._sample(rng, self.travel[:, src[on], dst[on]])
        return out
