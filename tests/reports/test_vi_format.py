from __future__ import annotations

import datetime as dt

import pandas as pd

from doisoat.reports.vi_format import format_datetime


def test_format_datetime_is_day_month_year_hours_minutes() -> None:
    assert format_datetime(dt.datetime(2019, 7, 2, 8, 5, 9)) == "02/07/2019 08:05"
    assert format_datetime(pd.Timestamp("2019-12-31 23:59")) == "31/12/2019 23:59"
    assert format_datetime(None) == ""
    assert format_datetime(pd.NaT) == ""
