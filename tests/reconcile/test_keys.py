from __future__ import annotations

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
