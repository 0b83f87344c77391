"""Working-day arithmetic on millions of dates, done once per distinct date.

A period holds a few hundred distinct days, so the calendar is asked about those only and the
answers are broadcast back by integer codes (the calendar's own lookups convert and normalise
every row).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from doisoat.reconcile.calendar import WorkingCalendar


def _distinct(dates: pd.Series) -> tuple[np.ndarray, pd.Series]:
    values = pd.Series(pd.to_datetime(dates)).reset_index(drop=True)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes, pd.Series(uniques)


def workday_numbers(calendar: WorkingCalendar, days: pd.Series) -> np.ndarray:
    """Working days after the calendar's first day up to each date (int64; -1 when no date or the
    date is outside the calendar)."""
    codes, uniques = _distinct(days)
    first, last = pd.Timestamp(calendar.first), pd.Timestamp(calendar.last)
    numbers = np.full(len(uniques) + 1, -1, dtype="int64")  # the last slot answers NaT
    inside = ((uniques >= first) & (uniques <= last)).to_numpy(dtype=bool)
    if inside.any():
        start = pd.Series(first, index=uniques.index[inside])
        found = calendar.working_days_between(start, uniques[inside])
        numbers[np.flatnonzero(inside)] = found.to_numpy("int64")
    return numbers[np.where(codes >= 0, codes, len(uniques))]


def days_between(calendar: WorkingCalendar, start: pd.Series, end: pd.Series) -> pd.Series:
    """`calendar.working_days_between(start, end)` (Int64, NA where either date is missing; a date
    outside the calendar raises ValueError), asking the calendar once per distinct date."""
    a = pd.Series(pd.to_datetime(start)).reset_index(drop=True)
    b = pd.Series(pd.to_datetime(end)).reset_index(drop=True)
    ok = (a.notna() & b.notna()).to_numpy()
    out = pd.Series(pd.NA, index=a.index, dtype="Int64")
    if ok.any():
        both = pd.concat([a[ok], b[ok]], ignore_index=True)
        codes, uniques = _distinct(both)
        first = pd.Series(pd.Timestamp(calendar.first), index=uniques.index)
        numbers = calendar.working_days_between(first, uniques).to_numpy("int64")
        n = int(ok.sum())
        out[ok] = numbers[codes[n:]] - numbers[codes[:n]]
    if isinstance(start, pd.Series):
        out.index = start.index
    return out
