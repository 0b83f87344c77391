"""The applicants' check made on the names' shared numbers (keys made once per distinct name of
both sides) gives `same_person`'s answer for every pair of rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from doisoat.reconcile.compare import same_person, same_person_by_number
from doisoat.reconcile.config import ReconcileConfig
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
