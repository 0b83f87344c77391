"""Working days as a sorted array, to move dates by ±n working days and count between them.

The shared calendar (`doisoat.reconcile.calendar`) computes legal due dates; the generator also
needs to step backwards (a software receipt typed two weeks too early) and to count the working
days left before the period end, which a sorted array of working days answers by `searchsorted`.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from doisoat.reconcile.calendar import WorkingCalendar

_UNIT = "datetime64[us]"


def _days(dates: pd.Series | pd.DatetimeIndex | np.ndarray) -> np.ndarray:
    return np.asarray(pd.DatetimeIndex(dates).normalize().to_numpy(dtype=_UNIT))


class Workdays:
    """The working days of `calendar` from `first` to `last`."""

    def __init__(self, calendar: WorkingCalendar, first: dt.date, last: dt.date) -> None:
        days = pd.date_range(first, last, freq="D")
        self.days: np.ndarray = days[calendar.is_working_day(days)].to_numpy(dtype=_UNIT)

    def within(self, start: dt.date, end: dt.date) -> pd.DatetimeIndex:
        """Working days in [start, end]."""
        lo = np.searchsorted(self.days, np.datetime64(start, "us"), side="left")
        hi = np.searchsorted(self.days, np.datetime64(end, "us"), side="right")
        return pd.DatetimeIndex(self.days[lo:hi])

    def count_until(self, dates: pd.Series | np.ndarray) -> np.ndarray:
        """Number of working days on or before each date."""
        return np.searchsorted(self.days, _days(dates), side="right")

    def between(self, start: pd.Series | np.ndarray, end: pd.Series | np.ndarray) -> np.ndarray:
        """Working days after `start` up to and including `end` (negative if end is earlier)."""
        return self.count_until(end) - self.count_until(start)

    def shift(self, dates: pd.Series | np.ndarray, n: np.ndarray | int) -> np.ndarray:
        """The working day `n` working days after (n < 0: before) each date; a date that is not a
        working day counts from the next working day."""
        pos = np.searchsorted(self.days, _days(dates), side="left") + np.asarray(n)
        if np.any((pos < 0) | (pos >= len(self.days))):
            raise ValueError("working-day shift runs outside the generator's calendar")
        return self.days[pos]

    def late(
        self, due: np.ndarray, end: dt.date, max_days: int, rng: np.random.Generator
    ) -> np.ndarray:
        """A working day 1..max_days working days after each due date, on or before `end`
        (each due date must leave at least one working day before `end`)."""
        room = np.minimum(self.between(due, np.full(len(due), np.datetime64(end, "us"))), max_days)
        if np.any(room < 1):
            raise ValueError("a late return needs a working day between its due date and the period end")
        return self.shift(due, 1 + np.floor(rng.random(len(due)) * room).astype("int64"))
