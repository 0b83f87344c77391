"""The working-day calendar on known dates: weekends, Tết, Giỗ Tổ, compensatory days, làm bù."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from doisoat.reconcile.calendar import calendar_covering, calendar_for_years


def _d(*texts: str) -> pd.Series:
    return pd.Series(pd.to_datetime(list(texts), dayfirst=True))


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("01/01/2019", False),  # New Year
        ("05/01/2019", True),  # Saturday worked in exchange for 31/12/2018 (làm bù)
        ("04/02/2019", False),  # Tết 2019: 04–08/02
        ("08/02/2019", False),
        ("11/02/2019", True),
        ("15/04/2019", False),  # Giỗ Tổ Hùng Vương fell on Sunday 14/04: compensated on Monday
        ("29/04/2019", False),  # swapped with Saturday 04/05/2019
        ("04/05/2019", True),
        ("12/02/2024", False),
        ("15/02/2024", True),
        ("09/02/2024", False),  # Tết 2024: 08–14/02
        ("14/02/2024", False),
        ("28/01/2025", False),  # Tết 2025: 25/01–02/02
        ("03/02/2025", True),
    ],
)
def test_known_days(day: str, working: bool) -> None:
    cal = calendar_for_years(2018, 2025)
    assert bool(cal.is_working_day(_d(day))[0]) is working


def test_add_working_days_skips_tet_and_weekends() -> None:
    cal = calendar_for_years(2019, 2019)
    # Friday 01/02/2019 + 3 working days: Tết 04–08/02, weekends → 13/02
    assert cal.add_working_days(_d("01/02/2019"), 3).dt.strftime("%d/%m/%Y").tolist() == ["13/02/2019"]
    # 0 days on a holiday rolls to the next working day
    assert cal.add_working_days(_d("01/01/2019"), 0).dt.strftime("%d/%m/%Y").tolist() == ["02/01/2019"]


def test_same_day_procedures_after_15h_are_due_next_working_day() -> None:
    cal = calendar_for_years(2019, 2019)
    received = pd.Series(pd.to_datetime(["2019-01-04 14:59", "2019-01-04 15:00", "2019-01-04 09:00"]))
    due = cal.due_dates(received, pd.Series([0, 0, 15]))
    assert due.dt.strftime("%d/%m/%Y").tolist() == [
        "04/01/2019",
        "05/01/2019",
        "24/01/2019",
    ]  # 15 days incl. Sat 05/01


def test_working_days_between_and_missing_dates() -> None:
    cal = calendar_for_years(2019, 2019)
    a = _d("02/01/2019", "02/01/2019", "02/01/2019")
    b = pd.Series(pd.to_datetime(["2019-01-07", None, "2019-01-02"]))
    assert cal.working_days_between(a, b).tolist() == [4, pd.NA, 0]


def test_dates_outside_the_calendar_are_an_error() -> None:
    cal = calendar_for_years(2019, 2019)
    with pytest.raises(ValueError, match="outside the calendar"):
        cal.is_working_day(_d("01/01/2030"))


def test_calendar_covering_spans_the_earliest_to_the_latest_year() -> None:
    cal = calendar_covering(
        pd.Series(pd.to_datetime(["2019-03-01", None, "2020-12-30"])),
        pd.Series([pd.NaT], dtype="datetime64[us]"),
    )
    assert cal.first == dt.date(2018, 1, 1) and cal.last == dt.date(2021, 12, 31)
