"""Overdue and on-time, as each side counts it."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from doisoat import schema as c

TIMELINESS_LABELS_VI = {c.EARLY: "Trước hạn", c.ON_TIME: "Đúng hạn", c.LATE: "Quá hạn"}


def paper_overdue(paper: pd.DataFrame) -> pd.Series:
    """Rows the ledger itself marks Quá hạn (how offices count their paper overdue)."""
    return (paper[c.STATED_TIMELINESS] == c.LATE).fillna(False).astype(bool)


def paper_effectively_overdue(paper: pd.DataFrame, period_end: dt.date) -> pd.Series:
    """Marked Quá hạn, or not returned although due before the period's end."""
    open_past_due = paper[c.RETURNED_DATE].isna() & (paper[c.DUE_DATE] < pd.Timestamp(period_end))
    return paper_overdue(paper) | open_past_due.fillna(False).astype(bool)


def electronic_overdue(electronic: pd.DataFrame, period_end: dt.date) -> pd.Series:
    """Rows the software marks overdue, plus dossiers still open past their due date at period end."""
    marked = (electronic[c.STATED_TIMELINESS] == c.LATE).fillna(False).astype(bool)
    is_open = electronic[c.STATUS].isin(list(c.OPEN_STATUSES)) & electronic[c.RETURNED_DATE].isna()
    past_due = (electronic[c.DUE_DATE] < pd.Timestamp(period_end)).fillna(False).astype(bool)
    return marked | (is_open & past_due)


def day_month_year(dates: pd.Series) -> pd.Series:
    """'05/03/2019' (NA where no date), written once per distinct date: strftime is a Python call
    per value, and a period holds a few hundred dates."""
    days = pd.Series(dates if pd.api.types.is_datetime64_dtype(dates) else pd.to_datetime(dates))
    codes, uniques = pd.factorize(days, use_na_sentinel=True)
    texts = pd.Series(pd.Series(uniques, dtype=days.dtype).dt.strftime("%d/%m/%Y"), dtype="string")
    return pd.Series(texts.array.take(codes, allow_fill=True), index=days.index, dtype="string")


def describe(stated: pd.Series, returned: pd.Series, due: pd.Series) -> pd.Series:
    """Vietnamese wording of a row's timeliness for reports: 'Đúng hạn (trả 05/03/2019)'."""
    label = stated.map(TIMELINESS_LABELS_VI).astype("string")
    ret = day_month_year(returned)
    due_s = day_month_year(due)
    returned_text = label.fillna("Đã trả") + " (trả " + ret + ", hẹn " + due_s.fillna("?") + ")"
    open_text = "Chưa trả (hẹn " + due_s.fillna("?") + ")"
    return returned_text.where(returned.notna(), open_text)
