from __future__ import annotations

import numpy as np
import pandas as pd

from doisoat.reconcile.keys import fold_text, normalise_code


def test_normalise_code_tolerates_spaces_case_and_dash_lookalikes() -> None:
    s = pd.Series([" 000.17.22.h56 – 210531-0001", "000.17.22.H56_210531_0001", "", None])
    assert normalise_code(s).tolist()[:2] == ["000.17.22.H56-210531-0001"] * 2
    assert normalise_code(s).isna().tolist()[2:] == [True, True]


def test_normalise_code_keeps_different_codes_apart() -> None:
    s = pd.Series(["000.17.22.H56-210531-0001", "000.17.22.H56-210531-0002"])
    assert normalise_code(s).nunique() == 2


def test_fold_text_removes_diacritics_case_and_punctuation() -> None:
    s = pd.Series(
        ["Nguyễn  Văn Đạt", "NGUYEN VAN DAT", "Nguyễn Văn Đạt\u00a0", "Nguye\u0302\u0303n Va\u0306n"]
    )
    assert fold_text(s).tolist() == ["nguyen van dat", "nguyen van dat", "nguyen van dat", "nguyen van"]


def test_normalise_code_reads_lookalike_letters_in_digit_positions_and_missing_separators() -> None:
    s = pd.Series(
        ["000.17.22.H56-21O531-OOO1", "0001722H562105310001", "000.17.22.h56--2IO53l-0001.", "HS-O12"]
    )
    assert normalise_code(s).tolist() == ["000.17.22.H56-210531-0001"] * 3 + ["HS-012"]


def test_normalise_code_never_changes_letters_in_letter_positions() -> None:
    # the H of the agency id stays; a segment with other letters is left alone
    s = pd.Series(["000.17.22.H56-210531-0001", "000.17.22.I56-210531-0001", "ABC-OIL"])
    out = normalise_code(s).tolist()
    assert out[0] != out[1] and out[2] == "ABC-OIL"


def test_name_key_ignores_word_order_and_diacritics() -> None:
    from doisoat.reconcile.keys import given_name, name_key

    s = pd.Series(["Văn An Nguyễn", "NGUYEN VAN AN", None])
    assert name_key(s).tolist()[:2] == ["an nguyen van"] * 2
    assert given_name(pd.Series(["Nguyễn Văn Bình"])).tolist() == ["binh"]


def test_procedure_abbreviations_resolve_to_the_reference_procedure() -> None:
    from doisoat.reconcile.procedures import resolve

    full = resolve(pd.Series(["Đăng ký khai sinh", "Chứng thực bản sao từ bản chính"])).tolist()
    short = resolve(pd.Series(["ĐK khai sinh", "CT bản sao"])).tolist()
    assert short == full and min(full) >= 0


def test_land_abbreviations_gcn_and_qsdd_resolve_to_the_reference_procedure() -> None:
    from doisoat.reconcile.procedures import resolve

    full = resolve(pd.Series([
        "Cấp giấy chứng nhận quyền sử dụng đất lần đầu", "Đăng ký biến động quyền sử dụng đất",
    ])).tolist()
    short = resolve(pd.Series(["Cấp GCN QSDĐ lần đầu", "ĐK biến động QSDĐ"])).tolist()
    lower = resolve(pd.Series(["cap gcn qsdd lan dau", "dk bien dong qsdd"])).tolist()
    assert short == full == lower and min(full) >= 0 and full[0] != full[1]


def test_take_coded_puts_missing_where_the_code_is_negative() -> None:
    from doisoat.reconcile.keys import take_coded

    numbers = np.asarray([10, 20, 30], dtype="int64")
    assert take_coded(numbers, np.asarray([2, -1, 0, 0]), -1).tolist() == [30, -1, 10, 10]
    assert take_coded(numbers, np.asarray([], dtype="int64"), -1).dtype == np.dtype("int64")
    words = np.asarray(["a", "b"], dtype=object)
    assert take_coded(words, np.asarray([-1, 1]), "").tolist() == ["", "b"]
    assert np.isnan(take_coded(np.asarray([1.5]), np.asarray([-1]), np.nan)).all()


def test_other_codes_tolerate_doubled_stray_and_look_alike_separators_only() -> None:
    """A code not of the standard form keeps where its separators fall: `BN-1-23` and `BN-12-3` are
    two dossiers (book 1 no. 23, book 12 no. 3), which a key of letters and digits alone would merge.
    So only what cannot move a boundary is forgiven: doubled separators, separators at either end,
    spaces, case and dash look-alikes; a missing or different separator is another key."""
    same = pd.Series(["HS-012", "HS--012", "-HS-012-", "hs - 012", "HS_012", "HS/012", "HS–012"])
    assert normalise_code(same).tolist() == ["HS-012"] * len(same)
    apart = normalise_code(pd.Series(["HS012", "HS-012", "HS.012", "BN-1-23", "BN-12-3"])).tolist()
    assert apart == ["HS012", "HS-012", "HS.012", "BN-1-23", "BN-12-3"]


def test_a_missing_separator_in_another_code_is_left_to_the_fuzzy_pass() -> None:
    """`HS012` on paper, `HS-012` in the software: no code link, but the fuzzy pass links the rows on
    applicant, procedure, date and time, the code counting as one character apart (−1)."""
    from doisoat import schema as c
    from doisoat.reconcile.engine import reconcile
    from tests import factories as f
    from tests.reconcile.test_engine import PERIOD, _pair

    paper = f.paper(_pair(**{c.DOSSIER_CODE: "HS012"}))
    result = reconcile(paper, f.electronic(_pair(**{c.DOSSIER_CODE: "HS-012"})), f.no_quarantine(), PERIOD)
    assert result.mismatches.empty
    link = result.matches.iloc[0]
    assert (link[c.METHOD], link["code_points"], link[c.DOSSIER_CODE]) == ("fuzzy", -1.0, "HS-012")
