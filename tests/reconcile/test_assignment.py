"""Property tests of the one-to-one assignment (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from doisoat.reconcile.assignment import greedy_one_to_one, priority

pairs = st.lists(
    st.tuples(st.integers(0, 8), st.integers(0, 8), st.integers(0, 5)),
    min_size=0,
    max_size=40,
    unique_by=lambda t: t[:2],
)


def _sequential(left: np.ndarray, right: np.ndarray, order: np.ndarray) -> set[tuple[int, int]]:
    used_l: set[int] = set()
    used_r: set[int] = set()
    out = set()
    for k in order:
        if left[k] not in used_l and right[k] not in used_r:
            used_l.add(int(left[k]))
            used_r.add(int(right[k]))
            out.add((int(left[k]), int(right[k])))
    return out


@settings(max_examples=200, deadline=None)
@given(pairs)
def test_links_are_one_to_one_and_symmetric(cands: list[tuple[int, int, int]]) -> None:
    left = np.array([a for a, _, _ in cands], dtype="int64")
    right = np.array([b for _, b, _ in cands], dtype="int64")
    score = np.array([s for _, _, s in cands], dtype="float64")
    ids_l, ids_r = left + 100, right + 200  # distinct ids per row on each side
    keep = greedy_one_to_one(left, right, score, left, right, ids_l, ids_r)
    assert len(set(left[keep])) == keep.sum() and len(set(right[keep])) == keep.sum()
    swapped = greedy_one_to_one(right, left, score, right, left, ids_r, ids_l)
    assert set(zip(left[keep], right[keep], strict=True)) == set(
        zip(left[swapped], right[swapped], strict=True)
    )


@settings(max_examples=200, deadline=None)
@given(pairs)
def test_order_of_candidates_does_not_matter_and_matches_the_sequential_greedy(
    cands: list[tuple[int, int, int]],
) -> None:
    left = np.array([a for a, _, _ in cands], dtype="int64")
    right = np.array([b for _, b, _ in cands], dtype="int64")
    score = np.array([s for _, _, s in cands], dtype="float64")
    keep = greedy_one_to_one(left, right, score, left, right, left + 100, right + 200)
    got = set(zip(left[keep], right[keep], strict=True))
    assert got == _sequential(left, right, priority(score, left, right, left + 100, right + 200))
    perm = np.random.default_rng(len(cands)).permutation(len(cands))
    keep2 = greedy_one_to_one(
        left[perm], right[perm], score[perm], left[perm], right[perm], left[perm] + 100, right[perm] + 200
    )
    assert set(zip(left[perm][keep2], right[perm][keep2], strict=True)) == got
    # every kept pair is maximal: no unused candidate with both rows free remains
    free = [
        (a, b)
        for a, b in zip(left, right, strict=True)
        if a not in {x for x, _ in got} and b not in {y for _, y in got}
    ]
    assert free == []
