"""Each rule catches its bad row with the right reason; several reasons on one row; nothing lost;
the vectorised engine and plain pandera agree row for row and reason for reason."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from doisoat import schema as c
from doisoat.validators.quarantine import ELECTRONIC, PAPER, validate
from doisoat.validators.records import (
    DUE_BEFORE_RECEIVED,
    NOT_IDENTIFIABLE,
    RETURN_MARKS_NOT_ONE,
    RETURNED_BEFORE_RECEIVED,
)
from tests import factories as f

GOOD = {
    c.DOSSIER_CODE: "000.01.22.H56-190102-0001",
    c.RECEIVED_AT: "02/01/2019 08:30",
    c.DUE_DATE: "04/01/2019",
    c.RETURNED_DATE: "03/01/2019",
    c.STATED_TIMELINESS: c.EARLY,
    c.RETURN_MARKS: 1,
}
ENGINES = ["vectorised", "pandera"]


def _reasons_of_single_bad(side: str, engine: str = "vectorised", **bad: object) -> str:
    frame = f.paper(GOOD, {**GOOD, **bad}) if side == PAPER else f.electronic(GOOD, {**GOOD, **bad})
    out = validate(frame, side, engine)  # type: ignore[arg-type]
    assert len(out.valid) + len(out.quarantine) == 2
    assert len(out.quarantine) == 1, out.quarantine
    assert out.quarantine[c.REF].iloc[0] == frame[c.REF].iloc[1]
    return str(out.quarantine[c.REASONS].iloc[0])


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ({c.DUE_DATE: "01/01/2019"}, DUE_BEFORE_RECEIVED),
        ({c.RETURNED_DATE: "31/12/2018"}, RETURNED_BEFORE_RECEIVED),
        ({c.QUANTITY: 0}, "quantity: below the minimum (0)"),
        ({c.RETURN_MARKS: 2}, RETURN_MARKS_NOT_ONE),
        ({c.RETURN_MARKS: 0}, RETURN_MARKS_NOT_ONE),  # a return date written outside the three columns
        ({c.RECEIVED_AT: None}, "received_at: required value missing"),
        ({c.DOSSIER_CODE: "ABC 123"}, "dossier_code: does not match the expected pattern (ABC 123)"),
        ({c.DOSSIER_CODE: None, c.APPLICANT_NAME: None}, NOT_IDENTIFIABLE),
        ({c.UNIT_CODE: None}, "unit_code: required value missing"),
        ({c.LEVEL: "province"}, "level: value not in the allowed vocabulary (province)"),
        ({c.SOURCE_SHA256: "abc"}, "source_sha256: wrong length (abc)"),
        ({c.STATED_TIMELINESS: "sớm"}, "stated_timeliness: value not in the allowed vocabulary (sớm)"),
        (
            {c.PARSE_ERRORS: "Hẹn trả kết quả: not a date '31/02/2019'"},
            "Hẹn trả kết quả: not a date '31/02/2019'",
        ),
    ],
)
def test_paper_rule(engine: str, bad: dict[str, object], reason: str) -> None:
    assert reason in _reasons_of_single_bad(PAPER, engine, **bad).split("; ")


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ({c.STATUS: "lost"}, "status: value not in the allowed vocabulary (lost)"),
        ({c.STATUS: None}, "status: required value missing"),
        ({c.CHANNEL: "fax"}, "channel: value not in the allowed vocabulary (fax)"),
        ({c.DOSSIER_CODE: None}, "dossier_code: required value missing"),
        ({c.STATED_TIMELINESS: "soon"}, "stated_timeliness: value not in the allowed vocabulary (soon)"),
        ({c.DUE_DATE: "01/01/2019"}, DUE_BEFORE_RECEIVED),
        ({c.RETURNED_DATE: "01/01/2019"}, RETURNED_BEFORE_RECEIVED),
    ],
)
def test_electronic_rule(engine: str, bad: dict[str, object], reason: str) -> None:
    assert reason in _reasons_of_single_bad(ELECTRONIC, engine, **bad).split("; ")


def test_unmarked_rows_and_single_return_columns_pass() -> None:
    """Not returned: no mark needed; a ledger with one return column: one mark, no stated timeliness."""
    frame = f.paper(
        {**GOOD, c.RETURNED_DATE: None, c.STATED_TIMELINESS: None, c.RETURN_MARKS: 0},
        {**GOOD, c.DOSSIER_CODE: "000.01.22.H56-190102-0002", c.STATED_TIMELINESS: None},
        {**GOOD, c.DOSSIER_CODE: "000.01.22.H56-190102-0003", c.RETURNED_DATE: None,
         c.STATED_TIMELINESS: None, c.RETURN_MARKS: None},
    )
    out = validate(frame, PAPER)
    assert out.quarantine.empty and len(out.valid) == 3


def test_a_duplicate_ref_quarantines_both_rows() -> None:
    frame = f.paper(GOOD, {**GOOD, c.DOSSIER_CODE: "000.01.22.H56-190102-0002"})
    frame.loc[1, c.REF] = frame.loc[0, c.REF]
    out = validate(frame, PAPER)
    assert len(out.quarantine) == 2 and out.valid.empty
    assert set(out.quarantine[c.REASONS]) == {f"ref: duplicate value ({frame.loc[0, c.REF]})"}


@pytest.mark.parametrize("engine", ENGINES)
def test_a_row_with_three_problems_has_three_reasons(engine: str) -> None:
    reasons = _reasons_of_single_bad(
        PAPER, engine, **{c.QUANTITY: 0, c.DUE_DATE: "01/01/2019", c.RETURN_MARKS: 3}
    )
    assert reasons.split("; ") == [
        "quantity: below the minimum (0)",
        DUE_BEFORE_RECEIVED,
        RETURN_MARKS_NOT_ONE,
    ]


def test_reasons_keep_check_order_and_read_problems_last() -> None:
    reasons = _reasons_of_single_bad(
        ELECTRONIC,
        **{c.STATUS: "lost", c.CHANNEL: "fax", c.RETURNED_DATE: "01/01/2019",
           c.PARSE_ERRORS: "Ngày có kết quả: not a date '32/01/2019'"},
    )
    assert reasons.split("; ") == [
        "status: value not in the allowed vocabulary (lost)",
        "channel: value not in the allowed vocabulary (fax)",
        RETURNED_BEFORE_RECEIVED,
        "Ngày có kết quả: not a date '32/01/2019'",
    ]


def test_a_missing_column_quarantines_every_row_saying_which() -> None:
    frame = f.electronic(GOOD, {**GOOD, c.DOSSIER_CODE: "000.01.22.H56-190102-0002"}).drop(columns=[c.STATUS])
    out = validate(frame, ELECTRONIC)
    assert out.valid.empty and len(out.quarantine) == 2
    assert out.quarantine[c.REASONS].tolist() == ["ElectronicRecord: column missing (status)"] * 2


@pytest.mark.parametrize("engine", ENGINES)
def test_a_column_of_the_wrong_type_quarantines_every_row(engine: str) -> None:
    frame = f.paper(GOOD, {**GOOD, c.DOSSIER_CODE: "000.01.22.H56-190102-0002"})
    frame[c.SOURCE_ROW] = frame[c.SOURCE_ROW].astype("str")
    out = validate(frame, PAPER, engine)  # type: ignore[arg-type]
    assert out.valid.empty and len(out.quarantine) == 2
    # pandera also reports the check it could not run on the column; the vectorised engine skips it
    assert all("source_row: wrong type (str)" in r.split("; ") for r in out.quarantine[c.REASONS])


def test_quarantine_keeps_lineage_and_raw_values() -> None:
    frame = f.paper(GOOD, {**GOOD, c.QUANTITY: 0, c.RAW_VALUES: '{"Số lượng hồ sơ (bộ)": "0"}'})
    q = validate(frame, PAPER).quarantine.iloc[0]
    assert q[c.SIDE] == PAPER
    assert q[c.REF] == "phuong-1_2019-01.xlsx!T01-2019!11"
    assert (q[c.SOURCE_FILE], q[c.SOURCE_SHEET], q[c.SOURCE_ROW]) == ("phuong-1_2019-01.xlsx", "T01-2019", 11)
    assert q[c.RAW_VALUES] == '{"Số lượng hồ sơ (bộ)": "0"}'
    assert list(validate(frame, PAPER).quarantine.columns) == c.QUARANTINE_COLUMNS


def test_clean_rows_pass_untouched() -> None:
    frame = f.paper(GOOD, {**GOOD, c.DOSSIER_CODE: "000.01.22.H56-190102-0002"})
    out = validate(frame, PAPER)
    assert out.quarantine.empty and len(out.valid) == 2
    pd.testing.assert_frame_equal(out.valid, frame)


def _spoilt(side: str, n: int, seed: int) -> pd.DataFrame:
    """n rows, each column spoilt on a random tenth of the rows (so many rows carry several reasons)."""
    rng = np.random.default_rng(seed)
    rows = [{**GOOD, c.DOSSIER_CODE: f"000.01.22.H56-190102-{i:04d}"} for i in range(n)]
    frame = f.paper(*rows) if side == PAPER else f.electronic(*rows)
    spoil = {
        c.DUE_DATE: pd.Timestamp("2018-12-30"),
        c.RETURNED_DATE: pd.Timestamp("2018-12-31"),
        c.DOSSIER_CODE: "mã sai",
        c.STATED_TIMELINESS: "soon",
        c.UNIT_CODE: None,
        c.RECEIVED_AT: pd.NaT,
        c.PARSE_ERRORS: "Nhận hồ sơ: not a date 'x'",
        **({c.QUANTITY: 0, c.RETURN_MARKS: 2} if side == PAPER else {c.STATUS: "lost", c.CHANNEL: "fax"}),
    }
    for column, value in spoil.items():
        frame.loc[rng.random(n) < 0.1, column] = value
    return frame


@pytest.mark.parametrize("side", [PAPER, ELECTRONIC])
def test_vectorised_engine_equals_plain_pandera(side: str) -> None:
    frame = _spoilt(side, 400, seed=3)
    fast = validate(frame, side, "vectorised")
    reference = validate(frame, side, "pandera")
    pd.testing.assert_frame_equal(fast.quarantine, reference.quarantine)
    pd.testing.assert_frame_equal(fast.valid, reference.valid)
    assert len(fast.valid) + len(fast.quarantine) == 400
    assert fast.quarantine[c.REASONS].str.count("; ").max() >= 2  # multi-reason rows were exercised
