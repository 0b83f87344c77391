"""Working-day arithmetic on millions of dates, as integer day numbers.

A date becomes its day number (days since 1970-01-01: one cast of the datetime64 values) and the
calendar's cumulative working-day table is indexed by it, so no date is converted or normalised
per row (the calendar's own Series lookups do that for every row).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from doisoat.reconcile.calendar import WorkingCalendar

NO_DAY = np.iinfo("int64").min  # the day number of a missing date (NaT's integer value)


def day_numbers(dates: pd.Series) -> np.ndarray:
    """Days since 1970-01-01 of each date, the time of day dropped (int64; NO_DAY where no date)."""
    return _days(_datetimes(dates))


def _datetimes(dates: pd.Series) -> np.ndarray:
    values = pd.Series(dates if pd.api.types.is_datetime64_dtype(dates) else pd.to_datetime(dates))
    return values.to_numpy(dtype="datetime64[us]")  # (to_datetime copies datetime64 values)


def _days(values: np.ndarray | np.datetime64) -> np.ndarray:
    return np.atleast_1d(np.asarray(values).astype("datetime64[D]").view("int64"))


def working_day_lags(calendar: WorkingCalendar, start: np.ndarray, end: np.ndarray, fill: int) -> np.ndarray:
    """Working days from each `start` day to its `end` day (day numbers; `fill` where either is
    NO_DAY): `calendar.working_days_between` without a date per row. A day outside the calendar
    raises ValueError naming the earliest such day of both arrays, as the calendar does."""
    ok = (start != NO_DAY) & (end != NO_DAY)
    out = np.full(len(start), fill, dtype="int64")
    if ok.any():
        n = int(ok.sum())
        numbers = calendar.working_day_numbers(np.concatenate([start[ok], end[ok]]))
        out[ok] = numbers[n:] - numbers[:n]
    return out


def workday_numbers(calendar: WorkingCalendar, days: pd.Series) -> np.ndarray:
    """Working days after the calendar's first day up to each date (int64; -1 when no date or the
    date is outside the calendar)."""
    values = _datetimes(days)
    first, last = np.datetime64(calendar.first, "us"), np.datetime64(calendar.last, "us")
    inside = (values >= first) & (values <= last)  # NaT compares False; a time on the last day is after it
    numbers = np.full(len(values), -1, dtype="int64")
    if inside.any():
        d = _days(values[inside])
        numbers[inside] = calendar.working_day_numbers(d) - calendar.working_day_numbers(_days(first))
    return numbers


def days_between(calendar: WorkingCalendar, start: pd.Series, end: pd.Series) -> pd.Series:
    """`calendar.working_days_between(start, end)` (Int64, NA where either date is missing; a date
    outside the calendar raises ValueError), by day numbers (`working_day_lags`)."""
    a, b = day_numbers(start), day_numbers(end)
    lags = working_day_lags(calendar, a, b, 0)
    out = pd.Series(pd.arrays.IntegerArray(lags, (a == NO_DAY) | (b == NO_DAY)))
    if isinstance(start, pd.Series):
        out.index = start.index
    return out
