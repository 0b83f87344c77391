"""Code keys made once per distinct code of both sides equal the per-side plain forms, and the
integer join of the exact pass finds the pairs a pandas merge finds."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from doisoat.reconcile.codes import code_parts, shared_codes
from doisoat.reconcile.keys import basic_code, normalise_code

_CODES = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "000.17.22.H56-210531-0001",
            "000.17.22.h56-210531-0001",
            "000.17.22.H56-21O531-000I",
            "000.17.22.H56 - 210531-0002",
            "HS-012",
            "hs-012",
            "",
            " ",
        ]
    ),
    st.text(st.sampled_from(list("0123456789.-HOIL x")), max_size=10),
)


def _same_numbers(ids_a: np.ndarray, ids_b: np.ndarray, values_a: list, values_b: list) -> bool:
    """Numbers equal exactly where the values are equal (NA: -1, equal to nothing)."""
    ids, values = np.concatenate([ids_a, ids_b]), [*values_a, *values_b]
    for i, v in enumerate(values):
        if (ids[i] < 0) != (v is None):
            return False
        for j, w in enumerate(values):
            if v is not None and w is not None and (ids[i] == ids[j]) != (v == w):
                return False
    return True


@settings(max_examples=60, deadline=None)
@given(st.lists(_CODES, max_size=12), st.lists(_CODES, max_size=12))
def test_shared_code_keys_equal_each_sides_plain_keys(a: list[str | None], b: list[str | None]) -> None:
    pa_ = pd.Series(a, dtype="string", index=np.arange(len(a)) * 3)
    pb = pd.Series(b, dtype="str")
    got_a, got_b = shared_codes(pa_, pb)
    for side, got in ((pa_, got_a), (pb, got_b)):
        normal = normalise_code(side)
        pd.testing.assert_series_equal(got.key, normal)
        prefix, number = code_parts(normal)
        assert got.prefix.tolist() == prefix.tolist()
        assert np.array_equal(got.number, number, equal_nan=True)
        assert got.text.tolist() == normal.fillna("").tolist()
        assert got.has_code.tolist() == normal.notna().tolist()

    def plain(values: pd.Series) -> list:
        return [None if pd.isna(v) else v for v in values.tolist()]

    assert _same_numbers(
        got_a.key_id, got_b.key_id, plain(normalise_code(pa_)), plain(normalise_code(pb))
    )
    assert _same_numbers(got_a.basic_id, got_b.basic_id, plain(basic_code(pa_)), plain(basic_code(pb)))


_OFFICES = st.sampled_from(["000.01.22.H56", "000.02.22.H56", None])
_FEW_CODES = st.one_of(st.none(), st.sampled_from(["HS-1", "hs-1", "HS-2", "HS-3", ""]))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(_OFFICES, _FEW_CODES), min_size=1, max_size=12),
    st.lists(st.tuples(_OFFICES, _FEW_CODES), min_size=1, max_size=12),
    st.data(),
)
def test_integer_code_join_equals_the_merge(
    paper_rows: list[tuple], electronic_rows: list[tuple], data: st.DataObject
) -> None:
    """The exact pass's pairs (and which are unique on both sides) are an inner merge's on
    (office, normalised code), in the merge's order."""
    from doisoat import schema as c
    from doisoat.reconcile.calendar import calendar_for_years
    from doisoat.reconcile.evidence import features
    from doisoat.reconcile.matching import E_IDX, P_IDX, _code_candidates
    from doisoat.reconcile.names import shared_names
    from tests import factories as f

    paper = f.paper(*({c.UNIT_CODE: o, c.DOSSIER_CODE: k} for o, k in paper_rows))
    electronic = f.electronic(*({c.UNIT_CODE: o, c.DOSSIER_CODE: k} for o, k in electronic_rows))
    offices = pd.Index(["000.01.22.H56", "000.02.22.H56", ""])
    cal = calendar_for_years(2019, 2019)
    p_codes, e_codes = shared_codes(paper[c.DOSSIER_CODE], electronic[c.DOSSIER_CODE])
    p_names, e_names = shared_names(paper[c.APPLICANT_NAME], electronic[c.APPLICANT_NAME])
    fp = features(paper, offices, cal, [c.RECEIVED_AT], p_codes, p_names)
    fe = features(electronic, offices, cal, [c.RECEIVED_AT], e_codes, e_names)
    p_rows = np.asarray(sorted(data.draw(st.sets(st.integers(0, len(paper) - 1)))), dtype="int64")
    e_rows = np.asarray(sorted(data.draw(st.sets(st.integers(0, len(electronic) - 1)))), dtype="int64")
    got = _code_candidates(fp, fe, p_rows, e_rows)

    left = pd.DataFrame({"o": fp.office[p_rows], "k": p_codes.key.take(p_rows).to_numpy(), P_IDX: p_rows})
    right = pd.DataFrame({"o": fe.office[e_rows], "k": e_codes.key.take(e_rows).to_numpy(), E_IDX: e_rows})
    pairs = left.dropna(subset=["k"]).merge(right.dropna(subset=["k"]), on=["o", "k"], how="inner")
    n_left = pairs.groupby(["o", "k"], sort=False)[P_IDX].transform("nunique")
    n_right = pairs.groupby(["o", "k"], sort=False)[E_IDX].transform("nunique")
    assert got[P_IDX].tolist() == pairs[P_IDX].tolist()
    assert got[E_IDX].tolist() == pairs[E_IDX].tolist()
    assert got["unique"].tolist() == ((n_left == 1) & (n_right == 1)).tolist()
