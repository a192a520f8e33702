"""Absorbing Markov chains over a matrix: reachability, the fundamental matrix, hitting odds.

Q holds the moves among transient states; what a row lacks of 1 is absorbed. The fundamental
matrix N = (I − Q)⁻¹ (N_ij: expected visits to j of a walk from i) exists over the states that
can be absorbed; a walk caught in a loop it can never leave is left out of it. The map-level
reachability that lint needs (pure Python) is `journeyctl.core.graph`.
"""

from __future__ import annotations

import numpy as np


def can_reach(Q: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """States with a path of positive moves in Q to a `targets` state (targets included)."""
    found = targets.copy()
    while True:
        more = found | (Q[:, found] > 0).any(axis=1)
        if (more == found).all():
            return found
        found = more


def reachable(Q: np.ndarray, start: np.ndarray) -> np.ndarray:
    """States a walk from the distribution `start` can reach (where it starts included)."""
    return can_reach(Q.T, start > 0)


def fundamental(Q: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """N = (I − Q)⁻¹ over the `keep` states (expected visits to j from i), 0 elsewhere."""
    N = np.zeros_like(Q)
    k = np.flatnonzero(keep)
    N[np.ix_(k, k)] = np.linalg.inv(np.eye(len(k)) - Q[np.ix_(k, k)])
    return N


def first_visit(visits: np.ndarray, diagonal: np.ndarray) -> np.ndarray:
    """P(visit j at least once) = E[visits to j] / N_jj, the standard h = N_ij / N_jj.

    `visits` is start · N and `diagonal` N's diagonal; 0 where N_jj is 0 (not solved).
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(diagonal > 0, visits / diagonal, 0.0)


def hit(
    Q: np.ndarray,
    start: np.ndarray,
    target: np.ndarray,
    into: np.ndarray | float = 0.0,
    keep: np.ndarray | None = None,
) -> float:
    """P(a walk from `start` lands on a `target` state, or takes an `into` (absorbing) move).

    Solved over the `keep` states (default: every state that can hit); the others count 0.
    """
    T = Q.copy()
    T[target, :] = 0.0  # target states absorb
    b = Q[:, target].sum(axis=1) + into
    ok = (can_reach(T, b > 0) if keep is None else keep) & ~target
    x = np.zeros(len(start))
    x[ok] = np.linalg.solve(np.eye(ok.sum()) - T[np.ix_(ok, ok)], b[ok])
    return float(start[target].sum() + start @ x)
