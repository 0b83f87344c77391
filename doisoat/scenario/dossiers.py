"""Draw an office's distinct dossiers as the paper ledger would show them, all rows at once.

Receipts fall on working days 07:30–11:30 and 13:00–16:30, busier on Mondays and after long
holidays; dossier codes follow Circular 01/2018 (`<office code>-<YYMMDD>-<NNNN>`, NNNN the
sequence of the day). Due dates come from the shared working-day calendar. Each dossier gets a
natural paper outcome: returned early or on its due date, or still open when due on or after
the period end (never a hidden overdue). Late returns are decided later, by exact counts.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa

from doisoat import reference
from doisoat import schema as c
from doisoat.errors import ConfigError
from doisoat.reconcile.calendar import WorkingCalendar
from doisoat.scenario import columns as k
from doisoat.scenario.catalog import CITY_AGENCIES, PROCEDURE_MIX
from doisoat.scenario.people import draw_addresses, draw_names, draw_phones
from doisoat.scenario.spec import InjectionRates, OfficeSpec
from doisoat.scenario.text import arrow_to_str, format_stamps, int_text, take_text
from doisoat.scenario.workdays import Workdays

NOTES: Final = (
    "Trả qua bưu điện", "Đã bổ sung hồ sơ", "Ủy quyền nhận thay", "Liên hệ qua điện thoại",
    "Hồ sơ liên thông", "Nhận bản chính",
)
_DOW_WEIGHT: Final = np.array([1.2, 1.05, 1.0, 1.0, 0.95, 0.6, 0.6])  # Monday .. Sunday (làm bù)


def _receipt_days(rng: np.random.Generator, days: pd.DatetimeIndex, n: int) -> np.ndarray:
    """Index into `days` of each dossier's receipt day."""
    weight = _DOW_WEIGHT[days.dayofweek] * rng.lognormal(0.0, 0.2, len(days))
    gap = np.diff(days.to_numpy(), prepend=days.to_numpy()[:1]) >= np.timedelta64(4, "D")
    after_break = np.convolve(gap.astype(float), np.ones(5))[: len(days)] > 0  # 5 days after a holiday
    weight = weight * np.where(after_break, 1.3, 1.0)
    return rng.choice(len(days), n, p=weight / weight.sum())


def _receipts(rng: np.random.Generator, days: pd.DatetimeIndex, n: int) -> pd.Series:
    """Sorted receipt date-times."""
    day = days.to_numpy()[_receipt_days(rng, days, n)]
    morning = rng.random(n) < 0.62
    minute = np.where(morning, rng.integers(450, 690, n), rng.integers(780, 991, n))
    at = np.sort(day + minute.astype("timedelta64[m]"))
    return pd.Series(at, dtype="datetime64[us]")


def _codes(office_code: str, received: pd.Series) -> pd.Series:
    """`<office>-<YYMMDD>-<NNNN>`, NNNN counting from 0001 each day (receipts are sorted)."""
    day = received.dt.normalize().to_numpy()
    _, first, inverse = np.unique(day, return_index=True, return_inverse=True)
    seq = np.arange(len(day)) - first[inverse] + 1
    return (
        office_code + "-" + arrow_to_str(format_stamps(received, "%y%m%d"), received.index) + "-"
        + int_text(seq, 4)
    )


def procedure_table(level: str) -> pd.DataFrame:
    """The procedures an office of `level` receives, with their weight, field and legal days."""
    mix = PROCEDURE_MIX[level]
    ref = reference.procedures().set_index("procedure_name")
    unknown = sorted(set(mix) - set(ref.index))
    if unknown:
        raise ConfigError(f"procedure mix names procedures missing from procedures.csv: {unknown}")
    table = ref.loc[list(mix), ["field", "processing_days"]].reset_index()
    table["weight"] = np.asarray(list(mix.values()), dtype=float)
    return table


def draw_dossiers(
    office: OfficeSpec,
    n: int,
    period: tuple[dt.date, dt.date],
    places: list[tuple[str, str]],
    rates: InjectionRates,
    calendar: WorkingCalendar,
    workdays: Workdays,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """`n` dossiers of `office` received in `period`, paper side filled, roles not yet given."""
    start, end = period
    days = workdays.within(start, end)
    if len(days) == 0:
        raise ConfigError(f"period {start}..{end} holds no working day")
    received = _receipts(rng, days, n)
    procs = procedure_table(office.level)
    pick = rng.choice(len(procs), n, p=(procs["weight"] / procs["weight"].sum()).to_numpy())
    df = pd.DataFrame({
        c.UNIT_CODE: office.code,
        c.DOSSIER_CODE: _codes(office.code, received),
        c.RECEIVED_AT: received,
        c.PROCEDURE_NAME: take_text(pa.array(procs["procedure_name"].astype("str").array), pick),
        c.FIELD: take_text(pa.array(procs["field"].astype("str").array), pick),
        k.PROCESSING_DAYS: procs["processing_days"].to_numpy(dtype="int64")[pick],
    })
    df[c.DUE_DATE] = calendar.due_dates(df[c.RECEIVED_AT], df[k.PROCESSING_DAYS]).astype("datetime64[us]")
    _natural_outcome(df, rates, workdays, end, rng)
    df[c.QUANTITY] = rng.choice([1, 2, 3], n, p=[0.92, 0.06, 0.02])
    df[c.APPLICANT_NAME] = draw_names(rng, n)
    df[c.APPLICANT_CONTACT] = draw_addresses(rng, places, n) + " - " + draw_phones(rng, n)
    if office.level == c.LEVEL_CITY:
        df[c.HANDLING_AGENCY] = df[c.FIELD].map(CITY_AGENCIES).fillna(office.software_name)
    else:
        df[c.HANDLING_AGENCY] = office.software_name
    df[c.HANDLING_AGENCY] = df[c.HANDLING_AGENCY].astype("str")
    _transfers(df, workdays, end, rng)
    notes = take_text(pa.array(NOTES, pa.string()), rng.integers(0, len(NOTES), n))
    df[c.NOTE] = notes.where(rng.random(n) < 0.04)
    return df


def _natural_outcome(
    df: pd.DataFrame, rates: InjectionRates, wd: Workdays, end: dt.date, rng: np.random.Generator
) -> None:
    """Paper outcome and return date: early, on time, or open when due at/after the period end."""
    n = len(df)
    r_day = df[c.RECEIVED_AT].dt.normalize()
    due = df[c.DUE_DATE]
    t_end = pd.Timestamp(end)
    to_due = wd.between(r_day, due)
    to_end = wd.between(r_day, np.full(n, t_end.to_datetime64()))
    early_ok = to_due >= 1
    p_early = np.where(df[k.PROCESSING_DAYS].to_numpy() == 0, 0.6, 0.5)
    open_ = (due >= t_end).to_numpy() & (rng.random(n) < rates.open_share)
    early = ~open_ & early_ok & (rng.random(n) < p_early)
    past_end = (due > t_end).to_numpy()
    early |= ~open_ & past_end & early_ok
    open_ |= past_end & ~early
    outcome = np.where(open_, k.OPEN, np.where(early, c.EARLY, c.ON_TIME))
    k_max = np.maximum(np.minimum(to_due - 1, to_end), 0)
    early_day = wd.shift(r_day, np.floor(rng.random(n) * (k_max + 1)).astype("int64"))
    returned = np.where(early, early_day, due.to_numpy())
    df[k.OUTCOME] = pd.Series(outcome, dtype="str")
    df[c.RETURNED_DATE] = pd.Series(returned, dtype="datetime64[us]").where(~open_)


def _transfers(df: pd.DataFrame, wd: Workdays, end: dt.date, rng: np.random.Generator) -> None:
    """Transfer to the handling agency: same or next working day, for procedures taking days."""
    r_day = df[c.RECEIVED_AT].dt.normalize()
    moved = pd.Series(wd.shift(r_day, rng.integers(0, 2, len(df))), dtype="datetime64[us]")
    returned = df[c.RETURNED_DATE]
    moved = moved.where(returned.isna() | (moved <= returned), returned)
    keep = (df[k.PROCESSING_DAYS] > 0) & (moved <= pd.Timestamp(end))
    df[c.TRANSFERRED_DATE] = moved.where(keep)
