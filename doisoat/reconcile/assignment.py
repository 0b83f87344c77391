"""One-to-one assignment of scored candidate pairs: greedy by score, vectorised.

Candidates are ordered by score (best first), then by a tie-break that does not depend on which
side is which (sum and distance of the two rows' ranks within their day, then a symmetric hash
of the two ids). A candidate that comes first among all live candidates of its paper row *and*
of its electronic row is taken; the rows it uses are retired, and the step repeats. This takes
exactly the pairs the sequential greedy takes ("best pair first, skip used rows"), in a few
vectorised rounds instead of a Python loop per pair.
"""

from __future__ import annotations

import numpy as np


def symmetric_hash(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """A tie-break value equal for (a, b) and (b, a): xor of a 64-bit mix of each id."""

    def mix(x: np.ndarray) -> np.ndarray:
        z = x.astype("uint64") + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))

    with np.errstate(over="ignore"):
        return mix(a) ^ mix(b)


def priority(
    score: np.ndarray,
    left_rank: np.ndarray,
    right_rank: np.ndarray,
    left_id: np.ndarray,
    right_id: np.ndarray,
) -> np.ndarray:
    """Candidate positions best first: score, then the earlier rows (sum of ranks), then rows at
    the same place on both sides, then a hash symmetric in the two ids."""
    return np.lexsort(
        (
            symmetric_hash(left_id, right_id),
            np.abs(left_rank - right_rank),
            left_rank + right_rank,
            -np.round(score, 9),
        )
    )


def greedy_one_to_one(
    left: np.ndarray,
    right: np.ndarray,
    score: np.ndarray,
    left_rank: np.ndarray | None = None,
    right_rank: np.ndarray | None = None,
    left_id: np.ndarray | None = None,
    right_id: np.ndarray | None = None,
) -> np.ndarray:
    """Boolean mask of the candidates kept: no left and no right row used twice.

    `left` / `right` are row numbers of each candidate; `score` is higher-is-better. Ranks order
    ties (earlier rows first, then rows at the same place in their day); ids (int64, e.g. hashes
    of the refs) make the last tie-break independent of input order and of which side is which.
    """
    n = len(left)
    keep = np.zeros(n, dtype=bool)
    if n == 0:
        return keep
    lr = np.zeros(n, dtype="int64") if left_rank is None else left_rank.astype("int64")
    rr = np.zeros(n, dtype="int64") if right_rank is None else right_rank.astype("int64")
    li = left.astype("int64") if left_id is None else left_id
    ri = right.astype("int64") + (1 << 40) if right_id is None else right_id
    order = priority(score, lr, rr, li, ri)
    live = order
    lv, rv = left[order], right[order]
    while len(live):
        first_l = np.zeros(len(live), dtype=bool)
        first_l[np.unique(lv, return_index=True)[1]] = True
        first_r = np.zeros(len(live), dtype=bool)
        first_r[np.unique(rv, return_index=True)[1]] = True
        take = first_l & first_r
        keep[live[take]] = True
        used_l, used_r = lv[take], rv[take]
        alive = ~(np.isin(lv, used_l) | np.isin(rv, used_r))
        live, lv, rv = live[alive], lv[alive], rv[alive]
    return keep
