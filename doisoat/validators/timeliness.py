"""Stated vs computed timeliness: each record's own Trước hạn / Đúng hạn / Quá hạn checked against
its dates.

The paper ledger states a dossier's timeliness by the column its return date is written in; the
software states it in Tiến độ. Here it is recomputed from the dates: returned before the due date
= early, on it = on time, after it = late. The due date is the record's own, else the legal one
(the procedure's processing days in `doisoat/data/procedures.csv`, counted in working days with
`doisoat.reconcile.calendar`, same-day procedures received at or after 15:00 due the next working
day). A row whose stated timeliness differs from the computed one *contradicts itself*.

Such rows are kept valid (their dates and codes are fine, they are still matched and counted as
the office counts them) and reported: this is how a ledger claiming 99.73% on time is checked
against itself. `office_rates` puts the stated and computed on-time rates side by side.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from doisoat import schema as c
from doisoat.reconcile import procedures
from doisoat.reconcile.calendar import calendar_covering
from doisoat.reference import procedures as procedure_table

# Columns of the frame `recompute` returns (validators' own output; not yet in schema.py).
DUE_SOURCE: Final = "due_source"  # "record" (the row's own due date), "legal" (procedure days) or NA
COMPUTED_DUE_DATE: Final = "computed_due_date"  # the due date the timeliness was computed against
COMPUTED_TIMELINESS: Final = "computed_timeliness"  # early / on_time / late, NA while not returned
WORKING_DAYS_LATE: Final = "working_days_late"  # working days from due date to return (< 0: early)
CONTRADICTS: Final = "contradicts"  # stated timeliness present and different from the computed one
TIMELINESS_CHECK_COLUMNS: Final = [
    c.SIDE, c.REF, c.UNIT_CODE, c.DOSSIER_CODE, c.RECEIVED_AT, c.DUE_DATE, c.RETURNED_DATE,
    c.STATED_TIMELINESS, DUE_SOURCE, COMPUTED_DUE_DATE, COMPUTED_TIMELINESS, WORKING_DAYS_LATE, CONTRADICTS,
]
DUE_FROM_RECORD: Final = "record"
DUE_FROM_LAW: Final = "legal"

# Columns of `office_rates`.
RETURNED: Final = "returned"
STATED_LATE: Final = "stated_late"
COMPUTED_LATE: Final = "computed_late"
CONTRADICTIONS: Final = "contradictions"
STATED_ON_TIME_RATE: Final = "stated_on_time_rate"
COMPUTED_ON_TIME_RATE: Final = "computed_on_time_rate"
OFFICE_RATE_COLUMNS: Final = [
    c.SIDE, c.UNIT_CODE, RETURNED, STATED_LATE, COMPUTED_LATE, CONTRADICTIONS,
    STATED_ON_TIME_RATE, COMPUTED_ON_TIME_RATE,
]


def legal_due_dates(records: pd.DataFrame) -> pd.Series:
    """The due date the law gives each row: its procedure's processing days after receipt, in
    working days; NaT where the procedure is not in the reference table or receipt is unknown."""
    received = records[c.RECEIVED_AT]
    pos = procedures.resolve(records[c.PROCEDURE_NAME]).to_numpy()
    days_table = procedure_table()["processing_days"].to_numpy()
    known = (pos >= 0) & received.notna().to_numpy()
    out = pd.Series(pd.NaT, index=records.index, dtype="datetime64[us]")
    if known.any():
        cal = calendar_covering(received[known])
        days = pd.Series(days_table[pos[known]], index=received.index[known])
        out[known] = cal.due_dates(received[known], days).to_numpy()
    return out


def _working_days_late(due: pd.Series, returned: pd.Series) -> pd.Series:
    """Working days after the due date up to the return (negative when returned early)."""
    out = pd.Series(pd.NA, index=due.index, dtype="Int64")
    both = (due.notna() & returned.notna()).to_numpy()
    if not both.any():
        return out
    cal = calendar_covering(due[both])
    first, last = pd.Timestamp(cal.first), pd.Timestamp(cal.last)
    inside = both & (returned >= first).to_numpy() & (returned <= last).to_numpy()
    inside &= (due >= first).to_numpy() & (due <= last).to_numpy()
    if inside.any():
        out[inside] = cal.working_days_between(due[inside], returned[inside]).to_numpy()
    return out


def recompute(records: pd.DataFrame, side: str) -> pd.DataFrame:
    """Every row's computed timeliness next to its stated one (TIMELINESS_CHECK_COLUMNS).

    Vectorised: one procedure lookup over the distinct names, one calendar lookup per date column.
    """
    due_own = records[c.DUE_DATE]
    returned = records[c.RETURNED_DATE].dt.normalize()
    missing_due = due_own.isna()
    due = due_own.copy()
    if missing_due.any():
        due[missing_due] = legal_due_dates(records.loc[missing_due]).to_numpy()
    due = due.dt.normalize()
    source = pd.Series(pd.NA, index=records.index, dtype="str")
    source[due_own.notna()] = DUE_FROM_RECORD
    source[missing_due & due.notna()] = DUE_FROM_LAW
    computed = pd.Series(
        np.select([returned < due, returned == due, returned > due], [c.EARLY, c.ON_TIME, c.LATE], ""),
        index=records.index,
        dtype="str",
    ).replace("", pd.NA)
    stated = records[c.STATED_TIMELINESS]
    contradicts = (stated.notna() & computed.notna() & (stated != computed)).fillna(False).astype(bool)
    out = pd.DataFrame({
        c.SIDE: pd.Series(side, index=records.index, dtype="str"),
        c.REF: records[c.REF],
        c.UNIT_CODE: records[c.UNIT_CODE],
        c.DOSSIER_CODE: records[c.DOSSIER_CODE],
        c.RECEIVED_AT: records[c.RECEIVED_AT],
        c.DUE_DATE: due_own,
        c.RETURNED_DATE: records[c.RETURNED_DATE],
        c.STATED_TIMELINESS: stated,
        DUE_SOURCE: source,
        COMPUTED_DUE_DATE: due,
        COMPUTED_TIMELINESS: computed,
        WORKING_DAYS_LATE: _working_days_late(due, returned),
        CONTRADICTS: contradicts,
    })
    return out.reset_index(drop=True)


def contradictions(checks: pd.DataFrame) -> pd.DataFrame:
    """The rows whose stated timeliness contradicts their dates."""
    return checks.loc[checks[CONTRADICTS]].reset_index(drop=True)


def office_rates(checks: pd.DataFrame) -> pd.DataFrame:
    """Per side and office: returned rows, late as stated and as computed, contradictions, and the
    on-time rates both ways ((returned − late) / returned; NaN without returned rows)."""
    returned = checks[COMPUTED_TIMELINESS].notna()
    frame = pd.DataFrame({
        c.SIDE: checks[c.SIDE],
        c.UNIT_CODE: checks[c.UNIT_CODE],
        RETURNED: returned.astype("int64"),
        STATED_LATE: (returned & (checks[c.STATED_TIMELINESS] == c.LATE).fillna(False)).astype("int64"),
        COMPUTED_LATE: (checks[COMPUTED_TIMELINESS] == c.LATE).fillna(False).astype("int64"),
        CONTRADICTIONS: checks[CONTRADICTS].astype("int64"),
    })
    out = frame.groupby([c.SIDE, c.UNIT_CODE], sort=True, dropna=False).sum().reset_index()
    denominator = out[RETURNED].where(out[RETURNED] > 0).astype("float64")
    out[STATED_ON_TIME_RATE] = (out[RETURNED] - out[STATED_LATE]) / denominator
    out[COMPUTED_ON_TIME_RATE] = (out[RETURNED] - out[COMPUTED_LATE]) / denominator
    return out[OFFICE_RATE_COLUMNS]


_LABELS_VI: Final = {c.EARLY: "Trước hạn", c.ON_TIME: "Đúng hạn", c.LATE: "Quá hạn"}


def as_findings(checks: pd.DataFrame, mismatch_type: str = c.STATED_TIMELINESS_CONTRADICTION) -> pd.DataFrame:
    """The contradictions as mismatch rows (schema.MISMATCH_COLUMNS): one per contradicting row,
    its ref on its own side, the stated value in that side's value column and a Vietnamese detail, e.g.
    "Ghi Đúng hạn nhưng trả 10/01/2019, hẹn 07/01/2019: Quá hạn 3 ngày làm việc". The id is stable
    (type + side + office + code, or the ref when there is no code)."""
    from doisoat.reconcile.mismatches import build, empty_mismatches, identity_of

    rows = contradictions(checks)
    if rows.empty:
        return empty_mismatches()
    paper = (rows[c.SIDE] == "paper").to_numpy()
    stated = rows[c.STATED_TIMELINESS].map(_LABELS_VI).astype("str")
    computed = rows[COMPUTED_TIMELINESS].map(_LABELS_VI).astype("str")
    late = rows[WORKING_DAYS_LATE].astype("Int64").abs().astype("str")
    due_word = rows[DUE_SOURCE].map({DUE_FROM_RECORD: "hẹn", DUE_FROM_LAW: "hạn luật định"}).astype("str")
    detail = (
        "Ghi " + stated + " nhưng trả " + rows[c.RETURNED_DATE].dt.strftime("%d/%m/%Y") + ", " + due_word
        + " " + rows[COMPUTED_DUE_DATE].dt.strftime("%d/%m/%Y") + ": " + computed
    )
    detail = detail.where(rows[COMPUTED_TIMELINESS] == c.ON_TIME, detail + " " + late + " ngày làm việc")
    dossier = identity_of(rows[c.UNIT_CODE], rows[c.DOSSIER_CODE], rows[c.REF])
    identity = rows[c.SIDE].astype("string").to_numpy() + "|" + dossier
    return build(
        mismatch_type,
        identity,
        unit_code=rows[c.UNIT_CODE],
        dossier_code=rows[c.DOSSIER_CODE],
        paper_ref=rows[c.REF].where(paper),
        electronic_ref=rows[c.REF].where(~paper),
        field=c.STATED_TIMELINESS,
        paper_value=rows[c.STATED_TIMELINESS].where(paper),
        electronic_value=rows[c.STATED_TIMELINESS].where(~paper),
        detail=detail,
    )
