"""Absorbing Markov chains over a sparse matrix: reachability, expected visits, hitting odds.

Q holds the moves among transient states; what a row lacks of 1 is absorbed. The fundamental
matrix N = (I − Q)⁻¹ (N_ij: expected visits to j of a walk from i) is never formed: `Solver`
factorises I − Q once (sparse LU) over the states it keeps and answers start · N, N · b and
N's diagonal, which the standard first-visit odds h_ij = N_ij / N_jj need. The map-level
reachability that lint needs (pure Python) is `journeyctl.core.graph`.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import breadth_first_order, connected_components
from scipy.sparse.linalg import splu

from journeyctl.core.errors import RequestError

DENSE = 500
"""Touchpoints that all lead back to one another up to this many are inverted as one block."""
FEEDBACK = 500
"""A larger such group is split by setting at most this many of its touchpoints aside."""


def as_sparse(Q) -> sparse.csr_array:
    """`Q` (dense or sparse) as a canonical float CSR array without stored zeros."""
    Q = sparse.csr_array(Q, dtype=float)
    Q.eliminate_zeros()
    Q.sum_duplicates()
    return Q


def can_reach(Q, targets: np.ndarray) -> np.ndarray:
    """States with a path of positive moves in Q to a `targets` state (targets included)."""
    return _downstream(as_sparse(Q).T, targets)


def reachable(Q, start: np.ndarray) -> np.ndarray:
    """States a walk from the distribution `start` can reach (where it starts included)."""
    return _downstream(as_sparse(Q), np.asarray(start) > 0)


def _downstream(G, sources: np.ndarray) -> np.ndarray:
    """States reachable along G's stored entries (i → j) from a `sources` state."""
    n = G.shape[0]
    G = sparse.coo_array(G)
    src = np.flatnonzero(sources)
    rows = np.concatenate([G.row, np.full(len(src), n)])  # one hub leads to every source
    cols = np.concatenate([G.col, src])
    hub = sparse.csr_array((np.ones(len(rows)), (rows, cols)), shape=(n + 1, n + 1))
    found = np.zeros(n + 1, dtype=bool)
    found[breadth_first_order(hub, n, directed=True, return_predecessors=False)] = True
    return found[:n]


def closed(Q, states: np.ndarray, leaves: np.ndarray) -> np.ndarray:
    """States of `states` in a closed group: touchpoints that all lead back to one another
    with no move out of the group and nothing leaving (`leaves` 0). A walk there never ends."""
    Q = as_sparse(Q)
    n = Q.shape[0]
    _, label = connected_components(Q, directed=True, connection="strong")
    label = np.where(states, label, -1)
    open_ = np.zeros(n + 1, dtype=bool)  # by label; index -1 (not a state) is the last
    coo = sparse.coo_array(Q)
    open_[label[coo.row[label[coo.row] != label[coo.col]]]] = True
    open_[label[leaves > 0]] = True
    return states & ~open_[label]


def _factorise(Q):
    """The sparse LU of I − Q. RequestError when it is singular: some loop is left with a
    probability that rounds to 0 in floating point."""
    try:
        return splu((sparse.eye_array(Q.shape[0], format="csc") - Q).tocsc())
    except RuntimeError:  # "Factor is exactly singular"
        raise RequestError(
            "the exact figures cannot be computed: some loop is left with a probability "
            "too small for floating point (below about 1e-16); make its weights or the "
            "persona's affinities less extreme"
        ) from None


class Solver:
    """I − Q factorised once over the `keep` states (each must be able to leave them); the
    figures of the other states are 0."""

    def __init__(self, Q, keep: np.ndarray):
        self.Q = as_sparse(Q)
        self.keep = np.asarray(keep, dtype=bool)
        self.k = np.flatnonzero(self.keep)
        self.Qk = self.Q[self.k][:, self.k]
        self.lu = _factorise(self.Qk) if len(self.k) else None

    def _spread(self, x: np.ndarray) -> np.ndarray:
        out = np.zeros((self.Q.shape[0], *x.shape[1:]))
        out[self.k] = x
        return out

    def visits(self, start: np.ndarray) -> np.ndarray:
        """start · N: expected visits to each state; `start` (n,) or (n, r), one column each."""
        if self.lu is None:
            return np.zeros(np.shape(start))
        return self._spread(self.lu.solve(np.asarray(start, float)[self.k], trans="T"))

    def solve(self, b: np.ndarray) -> np.ndarray:
        """N · b; `b` (n,) or (n, r)."""
        if self.lu is None:
            return np.zeros(np.shape(b))
        return self._spread(self.lu.solve(np.asarray(b, float)[self.k]))

    @cached_property
    def diagonal(self) -> np.ndarray:
        """N's diagonal (expected visits to a state from itself); 0 outside `keep`."""
        return self._spread(_inverse_diagonal(self.Qk))


def _inverse_diagonal(Q: sparse.csr_array) -> np.ndarray:
    """diag((I − Q)⁻¹), group by group of states that lead back to one another: a state on
    no loop is 1 / (1 − Q_jj); small groups of one size are inverted together; a large one is
    split (`_split`)."""
    _, label = connected_components(Q, directed=True, connection="strong")
    sizes = np.bincount(label)
    d = 1.0 / (1.0 - Q.diagonal())
    order = np.argsort(label, kind="stable")
    first = np.cumsum(sizes) - sizes
    pos = np.empty(len(label), dtype=np.intp)  # place of each state within its group
    pos[order] = np.arange(len(label)) - first[label[order]]
    coo = sparse.coo_array(Q)
    within = label[coo.row] == label[coo.col]
    for size in np.unique(sizes[sizes > 1]).tolist():
        groups = np.flatnonzero(sizes == size)
        members = order[first[groups][:, None] + np.arange(size)]
        if size > DENSE:
            for m in members:
                d[m] = _split(Q[m][:, m])
            continue
        slot = np.full(len(sizes), -1)
        slot[groups] = np.arange(len(groups))
        e = within & (sizes[label[coo.row]] == size)
        r, c = coo.row[e], coo.col[e]
        A = np.zeros((len(groups), size, size))
        A[:, np.arange(size), np.arange(size)] = 1.0
        A[slot[label[r]], pos[r], pos[c]] -= coo.data[e]
        d[members] = np.diagonal(np.linalg.inv(A), axis1=1, axis2=2)
    return d


def _split(Q: sparse.csr_array) -> np.ndarray:
    """diag((I − Q)⁻¹) of a large group: with the rows of a few states F zeroed (Q₀) the
    group falls apart into small ones, and I − Q = (I − Q₀) − E_F Q_F is a rank-|F| update
    (Woodbury): N = N₀ + X W Yᵀ with X = N₀ E_F, Yᵀ = Q_F N₀, W = (I − Q_F X)⁻¹."""
    F = _feedback(Q)
    Q0 = as_sparse(sparse.diags_array((~F).astype(float)) @ Q)
    d0 = _inverse_diagonal(Q0)
    lu = _factorise(Q0)
    f = np.flatnonzero(F)
    QF = Q[f]
    E = np.zeros((Q.shape[0], len(f)))
    E[f, np.arange(len(f))] = 1.0
    X = lu.solve(E)
    Y = lu.solve(QF.T.toarray(), trans="T")
    W = np.linalg.inv(np.eye(len(f)) - QF @ X)
    return d0 + ((X @ W) * Y).sum(axis=1)


def _feedback(Q: sparse.csr_array) -> np.ndarray:
    """States F whose rows, zeroed, leave no group of more than `DENSE` states that lead back
    to one another: greedily, in each such group the state with most moves in × out.

    Raises RequestError when that takes more than `FEEDBACK` states.
    """
    n = Q.shape[0]
    F = np.zeros(n, dtype=bool)
    coo = sparse.coo_array(Q)
    while True:
        live = ~F[coo.row]
        rows, cols = coo.row[live], coo.col[live]
        G = sparse.csr_array((np.ones(len(rows)), (rows, cols)), shape=(n, n))
        _, label = connected_components(G, directed=True, connection="strong")
        big = np.bincount(label)[label] > DENSE
        if not big.any():
            return F
        inside = (label[rows] == label[cols]) & big[rows] & (rows != cols)
        score = np.bincount(rows[inside], minlength=n) * np.bincount(cols[inside], minlength=n)
        best = np.lexsort((-score, label))  # by group, best first
        first = best[np.r_[True, label[best][1:] != label[best][:-1]]]
        F[first[big[first]]] = True
        if F.sum() > FEEDBACK:
            raise RequestError(
                f"the chain has a group of more than {DENSE} touchpoints that all lead back to "
                f"one another and cannot be split by setting {FEEDBACK} of them aside; the "
                "exact solver stops there (see 'Limits' in docs/simulate.md)"
            )


def first_visit(visits: np.ndarray, diagonal: np.ndarray) -> np.ndarray:
    """P(visit j at least once) = E[visits to j] / N_jj, the standard h = N_ij / N_jj.

    `visits` is start · N and `diagonal` N's diagonal; 0 where N_jj is 0 (not solved).
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(diagonal > 0, visits / np.where(diagonal > 0, diagonal, 1.0), 0.0)


def hit(
    Q,
    start: np.ndarray,
    target: np.ndarray,
    into: np.ndarray | float = 0.0,
    keep: np.ndarray | None = None,
) -> float:
    """P(a walk from `start` lands on a `target` state, or takes an `into` (absorbing) move).

    Solved over the `keep` states (default: every state that can hit); the others count 0.
    """
    Q = as_sparse(Q)
    T = as_sparse(sparse.diags_array((~target).astype(float)) @ Q)  # target states absorb
    b = Q[:, np.flatnonzero(target)].sum(axis=1) + into
    ok = can_reach(T, b > 0) & ~target & (True if keep is None else keep)
    x = Solver(T, ok).solve(b)
    return float(start[target].sum() + start @ x)
