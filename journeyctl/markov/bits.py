"""Sets of small integers per walk, as rows of bits: which touchpoints and groups a walk met.

Marking is a few numpy operations over the walks of one step, whatever the number of members,
and counting how many walks hold each member unpacks the rows once, block by block.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

_ONE = np.uint64(1)
_BLOCK_BYTES = 1 << 23
"""The most bytes of unpacked bits held at once while counting."""


def words(width: int) -> int:
    """64-bit words per row for members 0 … width − 1."""
    return max(1, -(-width // 64))


def masks(members: Sequence[Sequence[int]], width: int) -> np.ndarray:
    """(len(members), words) rows: row c holds the bits of `members[c]`."""
    out = np.zeros((len(members), words(width)), dtype=np.uint64)
    for c, ms in enumerate(members):
        for m in ms:
            out[c, m >> 6] |= _ONE << np.uint64(m & 63)
    return out


class Bits:
    """One row of bits per walk over members 0 … `width` − 1."""

    def __init__(self, walks: int, width: int):
        self.width = width
        self.rows = np.zeros((walks, words(width)), dtype=np.uint64)

    def add(self, walks: np.ndarray, members: np.ndarray) -> None:
        """Mark member `members[k]` for walk `walks[k]` (each walk at most once per call)."""
        bit = _ONE << (members & 63).astype(np.uint64)
        self.rows[walks, members >> 6] |= bit

    def merge(self, walks: np.ndarray, rows: np.ndarray) -> None:
        """Mark the members set in `rows[k]` (a `masks` row) for walk `walks[k]`."""
        self.rows[walks] |= rows

    def counts(self) -> np.ndarray:
        """(width,) the number of walks holding each member."""
        walks, w = self.rows.shape
        out = np.zeros(w * 64, dtype=np.int64)
        step = max(1, _BLOCK_BYTES // (w * 64))
        for at in range(0, walks, step):
            block = self.rows[at : at + step].astype("<u8", copy=False).view(np.uint8)
            out += np.unpackbits(block, axis=1, bitorder="little").sum(axis=0, dtype=np.int64)
        return out[: self.width]
