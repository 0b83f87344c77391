"""The applicants' checks made on the names' shared numbers (keys and words made once per distinct
name of both sides) give the plain checks' answers for every pair of rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from doisoat.reconcile.compare import same_person, same_person_by_number
from doisoat.reconcile.config import ReconcileConfig
from doisoat.reconcile.evidence import given_name_agrees, given_name_agrees_by_number, text_array
from doisoat.reconcile.names import shared_names

_NAMES = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "Nguyễn Văn An",
            "nguyen van an",
            "An Nguyễn Văn",
            "Nguyễn Văn Ân",
            "Nguyễn Văn Bình",
            "Trần Thị Tuấn",
            "Tần Thị Tuấn",
            "Trần Thị Tuân",
            "",
            "!",
        ]
    ),
)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(_NAMES, min_size=1, max_size=12),
    st.lists(_NAMES, min_size=1, max_size=12),
    st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11)), max_size=25),
    st.sampled_from(["string", "category"]),
)
def test_same_person_by_number_equals_same_person(
    a: list[str | None], b: list[str | None], pairs: list[tuple[int, int]], dtype: str
) -> None:
    pa_ = pd.Series(a, dtype="string").astype(dtype)
    pb = pd.Series(b, dtype="string").astype(dtype)
    a_rows = np.asarray([i % len(a) for i, _ in pairs], dtype="int64")
    b_rows = np.asarray([j % len(b) for _, j in pairs], dtype="int64")
    config = ReconcileConfig()
    want = same_person(
        pa_.astype("string").take(a_rows).reset_index(drop=True),
        pb.astype("string").take(b_rows).reset_index(drop=True),
        config,
    )
    p_names, e_names = shared_names(pa_, pb)
    got = same_person_by_number(p_names.rows[a_rows], e_names.rows[b_rows], p_names.names, config)
    assert got.dtype == bool
    assert got.tolist() == want.tolist()


def test_two_people_of_one_family_name_differ_by_number() -> None:
    p_names, e_names = shared_names(
        pd.Series(["Nguyễn Văn An", "Nguyễn Văn An"], dtype="string"),
        pd.Series(["Nguyễn Văn Bình", "an nguyen van"], dtype="string"),
    )
    rows = np.arange(2)
    got = same_person_by_number(p_names.rows[rows], e_names.rows[rows], p_names.names, ReconcileConfig())
    assert got.tolist() == [False, True]


@settings(max_examples=80, deadline=None)
@given(
    st.lists(_NAMES, min_size=1, max_size=12),
    st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11)), max_size=25),
    st.sampled_from([0.0, 80.0, 90.0, 100.0]),
)
def test_given_names_against_words_split_once_equal_the_plain_form(
    names: list[str | None], pairs: list[tuple[int, int]], threshold: float
) -> None:
    """The words of each pair's other name taken by its number give `given_name_agrees`' answer."""
    side = pd.Series(names, dtype="string")
    (numbered,) = shared_names(side)
    distinct = numbered.names
    folded = numbered.per_row(text_array(distinct.keys.folded), "")
    given_ = numbered.per_row(text_array(distinct.keys.given), "")
    ids = numbered.per_row(distinct.folded_id, -1)
    a = np.asarray([i % len(names) for i, _ in pairs], dtype="int64")
    b = np.asarray([j % len(names) for _, j in pairs], dtype="int64")
    want = given_name_agrees(
        given_[a].tolist(), folded[b].tolist(), given_[b].tolist(), folded[a].tolist(), threshold
    )
    got = given_name_agrees_by_number(
        given_[a].tolist(), ids[b], distinct.words, given_[b].tolist(), ids[a], distinct.words, threshold
    )
    assert got.tolist() == want.tolist()
    # the words of each name are its folded name split on spaces ("" for none)
    words, counts = distinct.words.of(ids)
    split = [list(w) for w in np.split(words, np.cumsum(counts)[:-1])]
    assert split == [f.split(" ") for f in folded.tolist()]
