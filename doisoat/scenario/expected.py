"""The summary figures a correct engine must report for a generated scenario.

Counted as the engine counts (schema.SUMMARY_COLUMNS):
- paper_received: ledger data rows, every one (duplicated and invalid rows included);
- electronic_received: export rows;
- paper_overdue: rows with a date in the "Quá hạn" column;
- electronic_overdue: rows with Tiến độ "Quá hạn", or still open (schema.OPEN_STATUSES, no
  "Ngày có kết quả") with a due date strictly before the period end;
- on-time rate: 1 − overdue / received (a fraction; NaN when nothing was received).
One row per office, then one per level with unit_code schema.ALL_UNITS.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

import numpy as np
import pandas as pd

from doisoat import schema as c
from doisoat.scenario import columns as k
from doisoat.scenario.spec import OfficeSpec

LEVEL_NAMES: Final = {c.LEVEL_CITY: "Cấp thành phố", c.LEVEL_WARD: "Cấp phường, xã"}


def paper_overdue(rows: pd.DataFrame) -> pd.Series:
    """True on ledger rows counted overdue."""
    return rows[k.MARK_LATE].notna()


def electronic_overdue(rows: pd.DataFrame, period_end: dt.date) -> pd.Series:
    """True on export rows counted overdue."""
    open_past_due = (
        rows[k.E_STATUS].isin(c.OPEN_STATUSES)
        & rows[k.E_RETURNED].isna()
        & (rows[k.E_DUE] < pd.Timestamp(period_end))
    )
    return (rows[k.E_PROGRESS] == c.LATE) | open_past_due


def _rate(received: pd.Series, overdue: pd.Series) -> pd.Series:
    r = received.astype("float64")
    return (1.0 - overdue / r.where(r > 0)).astype("float64")


def summarise(
    paper: pd.DataFrame,
    electronic: pd.DataFrame,
    offices: tuple[OfficeSpec, ...],
    period: tuple[dt.date, dt.date],
) -> pd.DataFrame:
    """Expected summary rows (SUMMARY_COLUMNS) from the laid-out rows of every office."""
    codes = [o.code for o in offices]
    p_unit, e_unit = paper[c.UNIT_CODE], electronic[c.UNIT_CODE]
    counts = pd.DataFrame({
        c.PAPER_RECEIVED: p_unit.value_counts(),
        c.ELECTRONIC_RECEIVED: e_unit.value_counts(),
        c.PAPER_OVERDUE: paper_overdue(paper).groupby(p_unit).sum(),
        c.ELECTRONIC_OVERDUE: electronic_overdue(electronic, period[1]).groupby(e_unit).sum(),
    }).reindex(codes).fillna(0).astype("int64")
    per_office = counts.assign(**{
        c.LEVEL: [o.level for o in offices], c.UNIT_CODE: codes, c.UNIT_NAME: [o.name for o in offices],
    })
    per_level = per_office.groupby(c.LEVEL, sort=False)[list(counts.columns)].sum().reset_index()
    per_level = per_level.assign(**{
        c.UNIT_CODE: c.ALL_UNITS, c.UNIT_NAME: per_level[c.LEVEL].map(LEVEL_NAMES).fillna(per_level[c.LEVEL]),
    })
    out = pd.concat([per_office, per_level], ignore_index=True)
    out[c.PERIOD_START] = period[0]
    out[c.PERIOD_END] = period[1]
    out[c.RECEIVED_DIFFERENCE] = out[c.ELECTRONIC_RECEIVED] - out[c.PAPER_RECEIVED]
    out[c.OVERDUE_DIFFERENCE] = out[c.ELECTRONIC_OVERDUE] - out[c.PAPER_OVERDUE]
    out[c.PAPER_ON_TIME_RATE] = _rate(out[c.PAPER_RECEIVED], out[c.PAPER_OVERDUE])
    out[c.ELECTRONIC_ON_TIME_RATE] = _rate(out[c.ELECTRONIC_RECEIVED], out[c.ELECTRONIC_OVERDUE])
    for col in (c.LEVEL, c.UNIT_CODE, c.UNIT_NAME):
        out[col] = out[col].astype("str")
    return out[c.SUMMARY_COLUMNS].reset_index(drop=True)


def target_gaps(expected: pd.DataFrame, offices: tuple[OfficeSpec, ...]) -> list[str]:
    """Where the generated figures differ from the offices' targets (empty when exact)."""
    by_code = expected.set_index(c.UNIT_CODE)
    gaps = []
    for o in offices:
        row = by_code.loc[o.code]
        for col, target in (
            (c.PAPER_RECEIVED, o.paper_rows), (c.ELECTRONIC_RECEIVED, o.electronic_rows),
            (c.PAPER_OVERDUE, o.paper_overdue), (c.ELECTRONIC_OVERDUE, o.electronic_overdue),
        ):
            if int(row[col]) != target:
                gaps.append(f"{o.code} {col}: {int(row[col])} != {target}")
    return gaps


def to_records(expected: pd.DataFrame) -> list[dict[str, object]]:
    """The summary as plain YAML-able dicts (ISO dates, ints, floats)."""
    records: list[dict[str, object]] = []
    for row in expected.to_dict("records"):  # a few rows
        rec: dict[str, object] = {}
        for key, value in row.items():
            if isinstance(value, dt.date):
                rec[str(key)] = value.isoformat()
            elif isinstance(value, np.integer | int) and not isinstance(value, bool):
                rec[str(key)] = int(value)
            elif isinstance(value, np.floating | float):
                rec[str(key)] = None if np.isnan(value) else float(value)
            else:
                rec[str(key)] = str(value)
        records.append(rec)
    return records
