"""The Vietnamese working-day calendar: weekends, public holidays, compensatory days, làm bù.

Built on the `holidays` package (lunar holidays and the announced swaps included) plus local
overrides kept as data in `doisoat/data/calendar_overrides.yaml`. Every operation is vectorised
over arrays of dates: a boolean working-day table per day and its cumulative sum turn "add N
working days" into one `searchsorted`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from typing import NoReturn

import holidays
import numpy as np
import pandas as pd
import yaml

from doisoat.reference import data_text

# Same-day procedures received after this hour count from the next working day (DOMAIN.md).
SAME_DAY_CUTOFF_HOUR = 15


@dataclass(frozen=True)
class WorkingCalendar:
    """Working days between `first` and `last` (inclusive)."""

    first: dt.date
    last: dt.date
    extra_holidays: frozenset[dt.date] = field(default_factory=frozenset)
    extra_workdays: frozenset[dt.date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        days = pd.date_range(self.first, self.last, freq="D")
        years = list(range(self.first.year, self.last.year + 1))
        vn = holidays.country_holidays("VN", years=years)
        off = {pd.Timestamp(d) for d in vn if self.first <= d <= self.last}
        weekend_work = {pd.Timestamp(d) for d in getattr(vn, "weekend_workdays", set())}
        working = np.asarray(days.dayofweek < 5)
        working &= ~days.isin(list(off))
        working |= days.isin(list(weekend_work | {pd.Timestamp(d) for d in self.extra_workdays}))
        working &= ~days.isin([pd.Timestamp(d) for d in self.extra_holidays])
        object.__setattr__(self, "_days", days)
        object.__setattr__(self, "_working", working)
        object.__setattr__(self, "_cum", np.cumsum(working))

    # -- lookups ---------------------------------------------------------------------------
    def _index(self, dates: pd.Series | pd.DatetimeIndex) -> np.ndarray:
        d = pd.DatetimeIndex(pd.to_datetime(dates)).normalize()
        idx = np.asarray((d - pd.Timestamp(self.first)).days, dtype="float64")
        if np.any((idx < 0) | (idx >= len(self._days))):  # type: ignore[attr-defined]
            self._outside(d[(idx < 0) | (idx >= len(self._days))].min())  # type: ignore[attr-defined]
        return idx.astype("int64")

    def _outside(self, day: pd.Timestamp) -> NoReturn:
        raise ValueError(f"date {day:%d/%m/%Y} is outside the calendar {self.first}..{self.last}")

    def working_day_numbers(self, days: np.ndarray) -> np.ndarray:
        """Working days from the calendar's first day up to and including each day, `days` being
        day numbers (int64 days since 1970-01-01, as `workdays.day_numbers` gives): the difference
        of two is `working_days_between`, with no date conversion per row. A day outside the
        calendar raises ValueError (as every lookup here)."""
        idx = np.asarray(days, dtype="int64") - np.datetime64(self.first, "D").astype("int64")
        outside = (idx < 0) | (idx >= len(self._days))  # type: ignore[attr-defined]
        if outside.any():
            self._outside(pd.Timestamp(np.datetime64(int(days[outside].min()), "D")))
        return np.asarray(self._cum[idx], dtype="int64")  # type: ignore[attr-defined]

    def is_working_day(self, dates: pd.Series | pd.DatetimeIndex) -> np.ndarray:
        """True where the date is a working day."""
        return self._working[self._index(dates)]  # type: ignore[attr-defined]

    def add_working_days(self, dates: pd.Series, n: pd.Series | np.ndarray | int) -> pd.Series:
        """The date `n` working days after each date; n=0 gives the date itself if it is a
        working day, else the next working day. NaT stays NaT."""
        s = pd.Series(pd.to_datetime(dates)).reset_index(drop=True)
        ok = s.notna().to_numpy()
        out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[us]")
        if not ok.any():
            return out.set_axis(dates.index) if isinstance(dates, pd.Series) else out
        idx = self._index(s[ok])
        cum = self._cum  # type: ignore[attr-defined]
        nn = np.broadcast_to(np.asarray(n, dtype="int64"), (len(s),))[ok]
        # working days strictly before the start day, plus the start day if working
        before = cum[idx] - self._working[idx]  # type: ignore[attr-defined]
        target = before + np.maximum(nn, 0) + 1  # the k-th working day, 1-based
        pos = np.searchsorted(cum, target, side="left")
        if np.any(pos >= len(cum)):
            raise ValueError(f"working-day arithmetic runs past the calendar end {self.last}")
        out[ok] = self._days[pos].to_numpy()  # type: ignore[attr-defined]
        if isinstance(dates, pd.Series):
            out.index = dates.index
        return out

    def due_dates(self, received_at: pd.Series, processing_days: pd.Series) -> pd.Series:
        """Legal due date: `processing_days` working days after receipt. Same-day procedures
        (0 days) received at or after 15:00 are due the next working day."""
        r = pd.to_datetime(received_at)
        days = processing_days.fillna(0).astype("int64").to_numpy()
        late = (days == 0) & (r.dt.hour >= SAME_DAY_CUTOFF_HOUR).to_numpy()
        return self.add_working_days(r.dt.normalize(), np.where(late, 1, days))

    def working_days_between(self, start: pd.Series, end: pd.Series) -> pd.Series:
        """Working days after `start` up to and including `end` (negative if end < start)."""
        a, b = pd.to_datetime(start), pd.to_datetime(end)
        ok = (a.notna() & b.notna()).to_numpy()
        out = pd.Series(pd.NA, index=a.index, dtype="Int64")
        if ok.any():
            cum = self._cum  # type: ignore[attr-defined]
            out[ok] = cum[self._index(b[ok])] - cum[self._index(a[ok])]
        return out


def _load_overrides() -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    data = yaml.safe_load(data_text("calendar_overrides.yaml")) or {}

    def dates(key: str) -> frozenset[dt.date]:
        out = set()
        for item in data.get(key) or []:
            value = item["date"] if isinstance(item, dict) else item
            out.add(value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)))
        return frozenset(out)

    return dates("extra_holidays"), dates("extra_workdays")


@cache
def calendar_for_years(first_year: int, last_year: int) -> WorkingCalendar:
    """The calendar covering whole years, with the shipped overrides; cached."""
    holidays_, workdays = _load_overrides()
    # one spare year after, so due dates late in December resolve
    return WorkingCalendar(dt.date(first_year, 1, 1), dt.date(last_year + 1, 12, 31), holidays_, workdays)


def calendar_covering(*series: pd.Series) -> WorkingCalendar:
    """The calendar covering every date in the given series (at least one year): only the
    earliest and latest dates matter, not the year of every row."""
    years = [
        int(day.year)
        for s in series
        for day in (pd.to_datetime(s).min(), pd.to_datetime(s).max())
        if pd.notna(day)
    ] or [dt.date.today().year]
    return calendar_for_years(min(years) - 1, max(years))
