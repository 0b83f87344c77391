"""Each rule catches its bad row with the right reason; several reasons on one row; nothing lost."""

from __future__ import annotations

import pytest

from doisoat import schema as c
from doisoat.validators.quarantine import ELECTRONIC, PAPER, validate
from tests import factories as f

GOOD = {
    c.DOSSIER_CODE: "000.01.22.H56-190102-0001",
    c.RECEIVED_AT: "02/01/2019 08:30",
    c.DUE_DATE: "04/01/2019",
    c.RETURNED_DATE: "03/01/2019",
    c.STATED_TIMELINESS: c.EARLY,
    c.RETURN_MARKS: 1,
}


def _reasons_of_single_bad(side: str, **bad: object) -> str:
    frame = f.paper(GOOD, {**GOOD, **bad}) if side == PAPER else f.electronic(GOOD, {**GOOD, **bad})
    out = validate(frame, side)
    assert len(out.valid) + len(out.quarantine) == 2
    assert len(out.quarantine) == 1, out.quarantine
    return str(out.quarantine[c.REASONS].iloc[0])


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ({c.DUE_DATE: "01/01/2019"}, "due_date before received date"),
        ({c.RETURNED_DATE: "31/12/2018"}, "returned_date before received date"),
        ({c.QUANTITY: 0}, "quantity: below the minimum (0)"),
        ({c.RETURN_MARKS: 2}, "return_marks: above the maximum (2)"),
        ({c.RECEIVED_AT: None}, "received_at: required value missing"),
        ({c.DOSSIER_CODE: "ABC 123"}, "dossier_code: does not match the expected pattern (ABC 123)"),
        ({c.DOSSIER_CODE: None, c.APPLICANT_NAME: None}, "neither dossier code nor applicant name"),
        ({c.UNIT_CODE: None}, "unit_code: required value missing"),
        (
            {c.PARSE_ERRORS: "Hẹn trả kết quả: not a date '31/02/2019'"},
            "Hẹn trả kết quả: not a date '31/02/2019'",
        ),
    ],
)
def test_paper_rule(bad: dict[str, object], reason: str) -> None:
    assert reason in _reasons_of_single_bad(PAPER, **bad)


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ({c.STATUS: "lost"}, "status: value not in the allowed vocabulary (lost)"),
        ({c.STATUS: None}, "status: required value missing"),
        ({c.CHANNEL: "fax"}, "channel: value not in the allowed vocabulary (fax)"),
        ({c.DOSSIER_CODE: None}, "dossier_code: required value missing"),
        ({c.STATED_TIMELINESS: "soon"}, "stated_timeliness: value not in the allowed vocabulary (soon)"),
    ],
)
def test_electronic_rule(bad: dict[str, object], reason: str) -> None:
    assert reason in _reasons_of_single_bad(ELECTRONIC, **bad)


def test_a_row_with_three_problems_has_three_reasons() -> None:
    reasons = _reasons_of_single_bad(PAPER, **{c.QUANTITY: 0, c.DUE_DATE: "01/01/2019", c.RETURN_MARKS: 3})
    assert reasons.split("; ") == [
        "quantity: below the minimum (0)",
        "return_marks: above the maximum (3)",
        "due_date before received date",
    ]


def test_quarantine_keeps_lineage_and_raw_values() -> None:
    frame = f.paper(GOOD, {**GOOD, c.QUANTITY: 0, c.RAW_VALUES: '{"Số lượng hồ sơ (bộ)": "0"}'})
    q = validate(frame, PAPER).quarantine.iloc[0]
    assert q[c.SIDE] == PAPER
    assert q[c.REF] == "phuong-1_2019-01.xlsx!T01-2019!11"
    assert (q[c.SOURCE_FILE], q[c.SOURCE_SHEET], q[c.SOURCE_ROW]) == ("phuong-1_2019-01.xlsx", "T01-2019", 11)
    assert q[c.RAW_VALUES] == '{"Số lượng hồ sơ (bộ)": "0"}'


def test_clean_rows_pass_untouched() -> None:
    frame = f.paper(GOOD, {**GOOD, c.DOSSIER_CODE: "000.01.22.H56-190102-0002"})
    out = validate(frame, PAPER)
    assert out.quarantine.empty and len(out.valid) == 2
