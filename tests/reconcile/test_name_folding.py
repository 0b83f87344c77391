"""The Arrow-kernel fold of names gives the plain per-string fold's result, character for character."""

from __future__ import annotations

import pandas as pd
from hypothesis import example, given, settings
from hypothesis import strategies as st

from doisoat.reconcile.keys import _fold, _fold_plain

# Vietnamese letters with every tone, đ/Đ, combining marks typed apart, punctuation and spaces
_CHARS = st.sampled_from(
    [
        *"aăâeêioôơuưyAĂÂEÊIOÔƠUƯYđĐdDnguyễnVĂNàáảãạằắẳẵặầấẩẫậờớởỡợừứửữựỳýỷỹỵ",
        "\u0301",
        "\u0300",
        "\u0303",
        " ",
        "\t",
        "_",
        "-",
        ".",
        "!",
        "1",
        "ß",
        "İ",
        "Σ",
        "ﬁ",
        "①",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(_CHARS, max_size=15)), max_size=20))
@example(["Đặng  Thị_Ánh", "  ", "", None, "Nguyễn Văn A!!", "a\u0301b", "ĐĐ đ"])
def test_arrow_fold_equals_the_plain_fold(values: list[str | None]) -> None:
    names = pd.Series(values, dtype="string")
    got, want = _fold(names), _fold_plain(names)
    assert got.dtype == want.dtype
    assert got.fillna("<NA>").tolist() == want.fillna("<NA>").tolist()
    assert got.isna().tolist() == want.isna().tolist()
