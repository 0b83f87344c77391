"""Working-day steps of the generator, around Tết 2019 and the làm bù Saturdays."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from doisoat.reconcile.calendar import calendar_for_years
from doisoat.scenario.workdays import Workdays


@pytest.fixture(scope="module")
def wd() -> Workdays:
    return Workdays(calendar_for_years(2018, 2019), dt.date(2018, 9, 1), dt.date(2020, 12, 31))


def _d(*dates: str) -> pd.Series:
    return pd.Series(pd.to_datetime(list(dates)))


def test_within_skips_holidays_and_keeps_lam_bu(wd: Workdays) -> None:
    jan = wd.within(dt.date(2019, 1, 1), dt.date(2019, 1, 7))
    assert [d.day for d in jan] == [2, 3, 4, 5, 7]  # 1/1 off, Saturday 5/1 worked
    feb = wd.within(dt.date(2019, 2, 1), dt.date(2019, 2, 12))
    assert [d.day for d in feb] == [1, 11, 12]  # Tết 4-8/2


def test_shift_both_ways(wd: Workdays) -> None:
    out = wd.shift(_d("2019-02-01", "2019-02-11", "2019-02-11"), np.array([1, -1, 0]))
    assert pd.DatetimeIndex(out).strftime("%d/%m").tolist() == ["11/02", "01/02", "11/02"]
    with pytest.raises(ValueError, match="outside"):
        wd.shift(_d("2019-02-11"), -10_000)


def test_between_and_late(wd: Workdays) -> None:
    assert wd.between(_d("2019-02-01"), _d("2019-02-12")).tolist() == [2]
    assert wd.between(_d("2019-02-12"), _d("2019-02-01")).tolist() == [-2]
    rng = np.random.default_rng(0)
    due = _d(*["2019-06-20"] * 200).to_numpy()
    late = pd.DatetimeIndex(wd.late(due, dt.date(2019, 6, 28), 10, rng))
    assert late.min() == pd.Timestamp("2019-06-21") and late.max() == pd.Timestamp("2019-06-28")
    with pytest.raises(ValueError, match="late return"):
        wd.late(_d("2019-06-28").to_numpy(), dt.date(2019, 6, 28), 10, rng)
