"""Name keys made once per distinct name of both sides equal each side's plain keys, and their
numbers are equal across the sides exactly where the keys are."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from doisoat.reconcile.evidence import text_array
from doisoat.reconcile.keys import name_keys
from doisoat.reconcile.names import shared_names

_NAMES = st.one_of(
    st.none(),
    st.sampled_from(
        ["Nguyễn Văn An", "an nguyen van", "Nguyen Van An", "Lê Thị Mai", "Le Thi  Mai", "", "!"]
    ),
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(_NAMES, max_size=10),
    st.lists(_NAMES, max_size=10),
    st.sampled_from(["string", "category", "str"]),
)
def test_shared_name_keys_equal_each_sides_plain_keys(
    a: list[str | None], b: list[str | None], dtype: str
) -> None:
    sides = [pd.Series(a, dtype="string").astype(dtype), pd.Series(b, dtype="string").astype(dtype)]
    got = shared_names(*sides)
    plain = [name_keys(side) for side in sides]
    for side_names, keys in zip(got, plain, strict=True):
        distinct = side_names.names.keys
        for col in ("folded", "key", "given"):
            want = text_array(getattr(keys, col)).tolist()
            assert side_names.per_row(text_array(getattr(distinct, col)), "").tolist() == want

    def numbers_match(ids: str, col: str) -> bool:
        """Equal numbers exactly for equal keys (across both sides); -1 exactly where NA."""
        number = np.concatenate([s.per_row(getattr(s.names, ids), -1) for s in got])
        values = pd.concat([getattr(k, col) for k in plain], ignore_index=True).tolist()
        missing = [v is None or v is pd.NA for v in values]
        if (number < 0).tolist() != missing:
            return False
        return all(
            (number[i] == number[j]) == (values[i] == values[j])
            for i in range(len(values))
            for j in range(len(values))
            if not (missing[i] or missing[j])
        )

    assert numbers_match("folded_id", "folded")
    assert numbers_match("key_id", "key")
    assert numbers_match("given_id", "given")
