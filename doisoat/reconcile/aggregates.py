"""Counts as the offices count them: per office, per level, and per field / channel / month."""

from __future__ import annotations

import numpy as np
import pandas as pd

from doisoat import schema as c
from doisoat.reconcile import timeliness as tl
from doisoat.reconcile.procedures import field_of
from doisoat.reconcile.result import Period

LEVEL_NAMES_VI = {c.LEVEL_CITY: "Cấp thành phố, huyện", c.LEVEL_WARD: "Cấp xã, phường, thị trấn"}


def offices_of(paper: pd.DataFrame, electronic: pd.DataFrame) -> pd.DataFrame:
    """Every office seen on either side: code, name, level (first name seen wins)."""
    cols = [c.UNIT_CODE, c.UNIT_NAME, c.LEVEL]
    both = pd.concat([paper[cols], electronic[cols]], ignore_index=True)
    return both.dropna(subset=[c.UNIT_CODE]).drop_duplicates(c.UNIT_CODE).reset_index(drop=True)


def _counts(paper: pd.DataFrame, electronic: pd.DataFrame, period: Period, keys: list[str]) -> pd.DataFrame:
    p = pd.DataFrame({k: paper[k] for k in keys})
    p[c.PAPER_RECEIVED] = 1
    p[c.PAPER_OVERDUE] = tl.paper_overdue(paper).astype("int64").to_numpy()
    e = pd.DataFrame({k: electronic[k] for k in keys})
    e[c.ELECTRONIC_RECEIVED] = 1
    e[c.ELECTRONIC_OVERDUE] = tl.electronic_overdue(electronic, period.end).astype("int64").to_numpy()
    pc = p.groupby(keys, dropna=False, sort=False).sum()
    ec = e.groupby(keys, dropna=False, sort=False).sum()
    out = pc.join(ec, how="outer").fillna(0).astype("int64").reset_index()
    return out[[*keys, c.PAPER_RECEIVED, c.ELECTRONIC_RECEIVED, c.PAPER_OVERDUE, c.ELECTRONIC_OVERDUE]]


def _with_rates(df: pd.DataFrame) -> pd.DataFrame:
    df[c.RECEIVED_DIFFERENCE] = df[c.ELECTRONIC_RECEIVED] - df[c.PAPER_RECEIVED]
    df[c.OVERDUE_DIFFERENCE] = df[c.ELECTRONIC_OVERDUE] - df[c.PAPER_OVERDUE]
    for rate, received, overdue in (
        (c.PAPER_ON_TIME_RATE, c.PAPER_RECEIVED, c.PAPER_OVERDUE),
        (c.ELECTRONIC_ON_TIME_RATE, c.ELECTRONIC_RECEIVED, c.ELECTRONIC_OVERDUE),
    ):
        n = df[received].astype("float64")
        df[rate] = np.where(n > 0, (n - df[overdue]) / n.where(n > 0, 1.0), np.nan)
    return df


def summarise(paper: pd.DataFrame, electronic: pd.DataFrame, period: Period) -> pd.DataFrame:
    """The Tây Ninh table: one row per level (unit_code '*'), then one per office of that level.

    `paper` and `electronic` are every row read, quarantined ones included: a ledger's total
    counts every row written in it.
    """
    offices = offices_of(paper, electronic)
    per_office = _counts(paper, electronic, period, [c.UNIT_CODE]).merge(offices, on=c.UNIT_CODE, how="left")
    num = [c.PAPER_RECEIVED, c.ELECTRONIC_RECEIVED, c.PAPER_OVERDUE, c.ELECTRONIC_OVERDUE]
    rows = []
    for level in c.LEVELS:
        members = per_office[per_office[c.LEVEL] == level].sort_values(c.UNIT_CODE)
        if members.empty:
            continue
        total = members[num].sum().to_frame().T
        total[c.LEVEL] = level
        total[c.UNIT_CODE] = c.ALL_UNITS
        total[c.UNIT_NAME] = LEVEL_NAMES_VI[level]
        rows += [total, members]
    unknown = per_office[~per_office[c.LEVEL].isin(list(c.LEVELS))]
    if not unknown.empty:
        rows.append(unknown)
    out = pd.concat(rows, ignore_index=True) if rows else per_office.iloc[0:0]
    out[num] = out[num].astype("int64")
    out[c.PERIOD_START] = period.start
    out[c.PERIOD_END] = period.end
    return _with_rates(out)[c.SUMMARY_COLUMNS].reset_index(drop=True)


def breakdown(paper: pd.DataFrame, electronic: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Received and overdue counts per office and field (lĩnh vực), channel and month."""
    p = paper.assign(
        _field=field_of(paper[c.PROCEDURE_NAME]).to_numpy(),
        _channel=pd.Series(pd.NA, index=paper.index, dtype="string"),
        _month=paper[c.RECEIVED_AT].dt.strftime("%Y-%m").astype("string"),
    )
    e_field = electronic[c.FIELD].astype("string").fillna(field_of(electronic[c.PROCEDURE_NAME]))
    e = electronic.assign(
        _field=e_field.to_numpy(),
        _channel=electronic[c.CHANNEL].astype("string"),
        _month=electronic[c.RECEIVED_AT].dt.strftime("%Y-%m").astype("string"),
    )
    frames = []
    for dimension, column in (("field", "_field"), ("channel", "_channel"), ("month", "_month")):
        keys = [c.LEVEL, c.UNIT_CODE, column]
        counts = _counts(p, e, period, keys).rename(columns={column: c.DIMENSION_VALUE})
        counts[c.DIMENSION] = dimension
        frames.append(counts)
    out = pd.concat(frames, ignore_index=True)
    return out[c.BREAKDOWN_COLUMNS]
