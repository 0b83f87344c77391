"""Stated vs computed timeliness: contradictions flagged, legal due dates over Tết and làm bù."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from doisoat import schema as c
from doisoat.validators import timeliness as t
from tests import factories as f

HON_NHAN = "Xác nhận tình trạng hôn nhân"  # 3 working days
VAY_VON = "Xác nhận đơn đề nghị vay vốn"  # 1 working day
CHUNG_THUC = "Chứng thực bản sao từ bản chính"  # same day (15:00 cut-off)


def _row(received: str, returned: str | None, stated: str | None, due: str | None = None,
         procedure: str = HON_NHAN, **extra: Any) -> dict[str, Any]:
    return {
        c.RECEIVED_AT: received,
        c.DUE_DATE: due,
        c.RETURNED_DATE: returned,
        c.STATED_TIMELINESS: stated,
        c.PROCEDURE_NAME: procedure,
        c.RETURN_MARKS: 1 if returned else 0,
        **extra,
    }


def _check(*rows: dict[str, Any]) -> pd.DataFrame:
    return t.recompute(f.paper(*rows), "paper")


def _dates(series: pd.Series) -> list[str | None]:
    return [None if pd.isna(v) else v.strftime("%d/%m/%Y") for v in series]


def test_on_time_on_paper_but_returned_after_its_own_due_date_contradicts() -> None:
    out = _check(
        _row("02/01/2019 08:00", "10/01/2019", c.ON_TIME, due="07/01/2019"),  # 3 working days late
        _row("02/01/2019 08:00", "07/01/2019", c.ON_TIME, due="07/01/2019"),
        _row("02/01/2019 08:00", "04/01/2019", c.EARLY, due="07/01/2019"),
        _row("02/01/2019 08:00", "04/01/2019", c.LATE, due="07/01/2019"),  # says late, was early
    )
    assert out[t.COMPUTED_TIMELINESS].tolist() == [c.LATE, c.ON_TIME, c.EARLY, c.EARLY]
    assert out[t.CONTRADICTS].tolist() == [True, False, False, True]
    # Friday 04/01 → Monday 07/01/2019 is two working days: Saturday 05/01/2019 was worked (làm bù)
    assert out[t.WORKING_DAYS_LATE].tolist() == [3, 0, -2, -2]
    assert out[t.DUE_SOURCE].tolist() == [t.DUE_FROM_RECORD] * 4
    contradicting = t.contradictions(out)
    assert contradicting[c.REF].tolist() == [out[c.REF][0], out[c.REF][3]]
    assert list(out.columns) == t.TIMELINESS_CHECK_COLUMNS


def test_rows_not_returned_or_without_stated_timeliness_never_contradict() -> None:
    out = _check(
        _row("02/01/2019 08:00", None, None, due="07/01/2019"),
        _row("02/01/2019 08:00", "10/01/2019", None, due="07/01/2019"),  # single return column
    )
    assert out[t.COMPUTED_TIMELINESS].isna().tolist() == [True, False]
    assert out[t.CONTRADICTS].tolist() == [False, False]


@pytest.mark.parametrize(
    ("received", "procedure", "due"),
    [
        ("01/02/2019 09:00", HON_NHAN, "13/02/2019"),  # Tết 2019 04–08/02 skipped
        ("07/02/2024 09:00", HON_NHAN, "19/02/2024"),  # Tết 2024 08–14/02 skipped
        ("24/01/2025 09:00", HON_NHAN, "05/02/2025"),  # Tết 2025 25/01–02/02 skipped
        ("12/04/2019 09:00", VAY_VON, "16/04/2019"),  # Giỗ Tổ on Sunday 14/04 → Monday 15/04 off
        ("26/04/2019 09:00", HON_NHAN, "04/05/2019"),  # 29/04 off, Saturday 04/05 worked (làm bù)
        ("01/02/2019 16:00", CHUNG_THUC, "11/02/2019"),  # same day after 15:00 → next working day
        ("01/02/2019 14:00", CHUNG_THUC, "01/02/2019"),
    ],
)
def test_legal_due_date_when_the_ledger_has_none(received: str, procedure: str, due: str) -> None:
    on_due = pd.to_datetime(due, dayfirst=True)
    day_after = (on_due + pd.Timedelta(days=1)).strftime("%d/%m/%Y")
    out = _check(
        _row(received, due, c.ON_TIME, procedure=procedure),
        _row(received, day_after, c.ON_TIME, procedure=procedure),
    )
    assert _dates(out[t.COMPUTED_DUE_DATE]) == [due, due]
    assert out[t.DUE_SOURCE].tolist() == [t.DUE_FROM_LAW] * 2
    assert out[t.COMPUTED_TIMELINESS].tolist() == [c.ON_TIME, c.LATE]
    assert out[t.CONTRADICTS].tolist() == [False, True]


def test_an_unknown_procedure_without_due_date_is_not_judged() -> None:
    unknown = "Thủ tục không có trong danh mục"
    out = _check(_row("02/01/2019 08:00", "30/01/2019", c.ON_TIME, procedure=unknown))
    assert out[t.DUE_SOURCE].isna().all() and out[t.COMPUTED_TIMELINESS].isna().all()
    assert not out[t.CONTRADICTS].any()


def test_office_rates_put_the_claim_next_to_the_dates() -> None:
    """A ledger claiming 100% on time whose dates say one in four was late."""
    rows = [_row("02/01/2019 08:00", "07/01/2019", c.ON_TIME, due="07/01/2019") for _ in range(3)]
    rows.append(_row("02/01/2019 08:00", "09/01/2019", c.ON_TIME, due="07/01/2019"))
    rows.append(_row("02/01/2019 08:00", None, None, due="07/01/2019"))  # open: not counted
    rates = t.office_rates(_check(*rows))
    assert list(rates.columns) == t.OFFICE_RATE_COLUMNS
    row = rates.iloc[0]
    assert (row[t.RETURNED], row[t.STATED_LATE], row[t.COMPUTED_LATE], row[t.CONTRADICTIONS]) == (4, 0, 1, 1)
    assert row[t.STATED_ON_TIME_RATE] == 1.0 and row[t.COMPUTED_ON_TIME_RATE] == 0.75


def test_electronic_side_is_checked_the_same_way() -> None:
    frame = f.electronic(
        {c.DOSSIER_CODE: "X-1", c.RECEIVED_AT: "02/01/2019 08:00", c.DUE_DATE: "07/01/2019",
         c.RETURNED_DATE: "08/01/2019", c.STATED_TIMELINESS: c.EARLY},
    )
    out = t.recompute(frame, "electronic")
    assert out[c.SIDE].tolist() == ["electronic"]
    assert out[t.CONTRADICTS].tolist() == [True]
    assert out[t.WORKING_DAYS_LATE].tolist() == [1]


def test_contradictions_become_findings_with_a_stable_id() -> None:
    checks = _check(
        _row("02/01/2019 08:00", "10/01/2019", c.ON_TIME, due="07/01/2019"),
        _row("02/01/2019 08:00", "07/01/2019", c.ON_TIME, due="07/01/2019", dossier_code="B-2"),
    )
    findings = t.as_findings(checks)
    assert list(findings.columns) == c.MISMATCH_COLUMNS and len(findings) == 1
    row = findings.iloc[0]
    assert row[c.MISMATCH_TYPE] == c.STATED_TIMELINESS_CONTRADICTION
    assert row[c.PAPER_REF] == checks[c.REF][0] and pd.isna(row[c.ELECTRONIC_REF])
    assert row[c.PAPER_VALUE] == c.ON_TIME
    assert row[c.DETAIL] == "Ghi Đúng hạn nhưng trả 10/01/2019, hẹn 07/01/2019: Quá hạn 3 ngày làm việc"
    assert t.as_findings(checks)[c.MISMATCH_ID].tolist() == findings[c.MISMATCH_ID].tolist()
