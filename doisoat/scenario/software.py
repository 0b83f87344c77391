"""The software side of each dossier: what the one-stop software recorded for it.

By default a copy of the paper side (same receipt minute plus seconds, same due date, same
return date and timeliness). Then the drawn treatments: software-only lateness (closed late or
left open past due), the reverse conflicts (on time in the software), receipt lags and date
mismatches (due date recomputed from the software's own receipt), another procedure, another
applicant, names without diacritics or in capitals, and the channel.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

import numpy as np
import pandas as pd

from doisoat import schema as c
from doisoat.errors import ConfigError
from doisoat.reconcile.calendar import WorkingCalendar
from doisoat.scenario import columns as k
from doisoat.scenario.people import draw_other_names, name_variants
from doisoat.scenario.plan import OfficePlan
from doisoat.scenario.roles import Draw
from doisoat.scenario.workdays import Workdays

MAX_SOFTWARE_LATE_DAYS: Final = 15  # closed late in the software: up to this many working days
OPEN_STATUSES: Final = ("accepted", "processing", "supplement_requested", "payment_requested")
OPEN_WEIGHTS: Final = (0.2, 0.6, 0.12, 0.08)
PAYMENT_FIELD: Final = "Tài nguyên và Môi trường"  # land fees: the one field waiting on payment
RESOLVED_SHARE: Final = 0.07  # closed dossiers "Đã xử lý xong" rather than "Đã trả kết quả"


def software_side(
    df: pd.DataFrame, draw: Draw, plan: OfficePlan, end: dt.date, calendar: WorkingCalendar,
    wd: Workdays, rng: np.random.Generator,
) -> None:
    """Fill the E_* columns of the office's dossiers (in place)."""
    n = len(df)
    due = df[c.DUE_DATE].to_numpy()
    outcome = df[k.OUTCOME].to_numpy(dtype=object).copy()
    day = df[c.RETURNED_DATE].to_numpy().copy()
    day[draw.reverse_conflicts] = due[draw.reverse_conflicts]
    outcome[draw.reverse_conflicts] = c.ON_TIME
    late = np.concatenate([draw.conflicts_closed, draw.missing_paper_closed_late])
    day[late] = wd.late(due[late], end, MAX_SOFTWARE_LATE_DAYS, rng)
    outcome[late] = c.LATE
    outcome[np.concatenate([draw.conflicts_open, draw.missing_paper_open_late])] = k.OPEN

    r_day = df[c.RECEIVED_AT].dt.normalize()
    received = df[c.RECEIVED_AT] + pd.to_timedelta(rng.integers(0, 60, n), unit="s")
    moved = np.concatenate([draw.date_mismatches, draw.lags])
    new_day = pd.concat([draw.mismatch_receipt_days.iloc[draw.date_mismatches],
                         draw.lag_receipt_days.iloc[draw.lags]])
    received.iloc[moved] = (new_day + (received - r_day).iloc[moved]).to_numpy()
    e_due = df[c.DUE_DATE].copy()
    e_due.iloc[moved] = calendar.due_dates(received.iloc[moved], df[k.PROCESSING_DAYS].iloc[moved]).to_numpy()
    day[draw.date_mismatches] = e_due.to_numpy()[draw.date_mismatches]  # on time, by their own due
    lags_on_time = draw.lags[outcome[draw.lags] == c.ON_TIME]
    day[lags_on_time] = e_due.to_numpy()[lags_on_time]
    lags_early = draw.lags[outcome[draw.lags] == c.EARLY]
    day[lags_early] = np.maximum(day[lags_early], received.dt.normalize().to_numpy()[lags_early])

    is_open = outcome == k.OPEN
    df[k.E_RECEIVED] = received
    df[k.E_DUE] = e_due
    df[k.E_PROGRESS] = pd.Series(outcome, index=df.index, dtype="str").where(~is_open)
    df[k.E_RETURNED] = _result_times(day, is_open, received, rng)
    swapped = np.zeros(n, dtype=bool)
    swapped[draw.procedure_mismatches] = True
    df[k.E_PROCEDURE] = df[c.PROCEDURE_NAME].where(~swapped, draw.alt_procedures)
    df[k.E_FIELD] = df[c.FIELD].where(~swapped, draw.alt_fields)
    df[k.E_STATUS] = _statuses(is_open, df[k.E_FIELD], rng)
    names = df[c.APPLICANT_NAME].copy()
    mm, var = draw.applicant_mismatches, draw.name_variants
    names.iloc[mm] = draw_other_names(rng, names.iloc[mm]).to_numpy()
    names.iloc[var] = name_variants(rng, names.iloc[var]).to_numpy()
    df[k.E_APPLICANT] = names
    df[k.E_CHANNEL] = _channels(plan, df[k.ROLE], draw.duplicate_electronic, rng)


def _statuses(is_open: np.ndarray, field: pd.Series, rng: np.random.Generator) -> pd.Series:
    """Closed: returned (or resolved); open: one of the open statuses."""
    n = len(is_open)
    status = np.where(rng.random(n) < RESOLVED_SHARE, "resolved", "returned").astype(object)
    status[is_open] = rng.choice(OPEN_STATUSES, int(is_open.sum()), p=OPEN_WEIGHTS)
    status[(status == "payment_requested") & (field != PAYMENT_FIELD).to_numpy()] = "processing"
    return pd.Series(status, index=field.index, dtype="str")


def _result_times(
    day: np.ndarray, is_open: np.ndarray, received: pd.Series, rng: np.random.Generator
) -> pd.Series:
    """"Ngày có kết quả" with a time of day, later than the receipt when on the same day."""
    n = len(day)
    d = pd.Series(day, index=received.index, dtype="datetime64[us]")
    receipt_minute = (received - received.dt.normalize()).dt.total_seconds().to_numpy() // 60
    same_day = (d == received.dt.normalize()).to_numpy()
    minute = np.where(same_day, receipt_minute + rng.integers(15, 76, n), rng.integers(465, 1020, n))
    at = d + pd.to_timedelta(minute, unit="min") + pd.to_timedelta(rng.integers(0, 60, n), unit="s")
    return at.where(~is_open)


def _channels(
    plan: OfficePlan, role: pd.Series, duplicated: np.ndarray, rng: np.random.Generator
) -> pd.Series:
    """Channel of each software dossier: the plan's non-direct counts, the rest direct.
    Duplicated software rows stay direct, so the channel totals count export rows exactly."""
    channel = np.full(len(role), "direct", dtype=object)
    pool = (role != k.PAPER_ONLY).to_numpy(copy=True)
    pool[duplicated] = False
    cand = rng.permutation(np.flatnonzero(pool))
    pos = 0
    for name, count in plan.channels:
        if pos + count > len(cand):
            raise ConfigError(f"{count} '{name}' dossiers do not fit the office's software rows")
        channel[cand[pos : pos + count]] = name
        pos += count
    return pd.Series(channel, index=role.index, dtype="str")
