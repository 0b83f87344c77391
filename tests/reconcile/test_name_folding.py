"""The Arrow-kernel fold and keys of names equal the plain per-string forms, character for character."""

from __future__ import annotations

import pandas as pd
from hypothesis import example, given, settings
from hypothesis import strategies as st

from doisoat.reconcile.keys import (
    NameKeys,
    _fold,
    _last_word,
    _sorted_words,
    keys_of_distinct_names,
    per_unique,
)

_VIET_D = str.maketrans({"đ": "d", "Đ": "D"})


def _fold_plain(s: pd.Series) -> pd.Series:
    """The fold as pandas' string methods did it per string (before the Arrow kernels)."""
    s = s.str.translate(_VIET_D).str.normalize("NFD")
    s = s.str.replace("[\u0300-\u036f]", "", regex=True).str.lower()
    s = s.str.replace(r"[^\w]+", " ", regex=True).str.replace("_", " ").str.strip()
    s = s.str.replace(r"\s+", " ", regex=True)
    return s.mask(s == "")


def keys_of_distinct_names_plain(uniques: pd.Series) -> NameKeys:
    """`keys_of_distinct_names` by pandas' string methods and Python's `sorted`, per name (the
    plain form the tests compare the Arrow one with)."""
    folded = _fold(uniques).astype("string")
    return NameKeys(
        folded=folded, key=per_unique(folded, _sorted_words), given=per_unique(folded, _last_word)
    )



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


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(_CHARS, max_size=15)), max_size=20))
@example([])
@example([None, None])
@example(["b a", "Zz a é É", "x", "  ", "!", "ă a â", "Lê  Thị_Mai"])
def test_arrow_name_keys_equal_the_plain_keys(values: list[str | None]) -> None:
    names = pd.Series(values, dtype="string")
    got, want = keys_of_distinct_names(names), keys_of_distinct_names_plain(names)
    for col in ("folded", "key", "given"):
        g, w = getattr(got, col), getattr(want, col)
        assert g.dtype == w.dtype
        assert g.index.equals(w.index)
        assert g.fillna("<NA>").tolist() == w.fillna("<NA>").tolist()
        assert g.isna().tolist() == w.isna().tolist()
