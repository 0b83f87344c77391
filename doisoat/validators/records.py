"""pandera contracts of the canonical paper and electronic records.

These models are the single statement of the rules. `doisoat.validators.quarantine` either runs
them through pandera (`engine="pandera"`) or evaluates the very same checks as boolean masks
(`engine="vectorised"`, the default: 1.2–1.6x faster than pandera on a million rows with 1% bad
rows, 6–12x with 20%, since its cost does not grow with the number of failing cells). Every check has a name:
the quarantine uses it to say why a row was rejected, so a dataframe check's name is its reason.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from doisoat import schema as c

# Dossier codes: Circular 01/2018 `<agency id>-<YYMMDD>-<NNNN>` and legacy receipt numbers:
# letters, digits and . - / only (after normalisation: upper-case, no spaces).
CODE_PATTERN = r"^[A-Z0-9][A-Z0-9.\-/]*$"

# Reasons of the cross-field (dataframe) checks, as the quarantine shows them.
DUE_BEFORE_RECEIVED = "due_date before received date"
RETURNED_BEFORE_RECEIVED = "returned_date before received date"
NOT_IDENTIFIABLE = "neither dossier code nor applicant name"
RETURN_MARKS_NOT_ONE = "returned but not exactly one of Trước hạn / Đúng hạn / Quá hạn filled"


def _not_before(df: pd.DataFrame, later: str, earlier: str) -> pd.Series:
    a, b = df[later], df[earlier].dt.normalize()
    return (a.isna() | b.isna() | (a >= b)).astype(bool)


def _date_order_checks() -> tuple[Any, Any]:
    """Fresh "due / returned not before received" dataframe checks for one model.

    Declared per model rather than inherited from `_Record`: pandera 0.35 pops a check's name from
    the shared CheckInfo when the first model is built, so a second model inheriting the same
    check would see it under its method name instead.
    """

    def due_not_before_received(cls: type, df: pd.DataFrame) -> pd.Series:
        return _not_before(df, c.DUE_DATE, c.RECEIVED_AT)

    def returned_not_before_received(cls: type, df: pd.DataFrame) -> pd.Series:
        return _not_before(df, c.RETURNED_DATE, c.RECEIVED_AT)

    return (
        pa.dataframe_check(name=DUE_BEFORE_RECEIVED, ignore_na=False)(classmethod(due_not_before_received)),
        pa.dataframe_check(name=RETURNED_BEFORE_RECEIVED, ignore_na=False)(
            classmethod(returned_not_before_received)
        ),
    )


class _Record(pa.DataFrameModel):
    """What both sides share: lineage, office, receipt, due and return dates, stated timeliness
    (each side adds the date-order checks of `_date_order_checks`)."""

    ref: Series[str] = pa.Field(nullable=False, unique=True)
    source_file: Series[str] = pa.Field(nullable=False)
    source_sha256: Series[str] = pa.Field(nullable=False, str_length={"min_value": 64, "max_value": 64})
    source_row: Series[int] = pa.Field(nullable=False, ge=1)
    unit_code: Series[str] = pa.Field(nullable=False)
    level: Series[str] = pa.Field(nullable=True, isin=list(c.LEVELS))
    dossier_code: Series[str] = pa.Field(nullable=True, str_matches=CODE_PATTERN)
    received_at: Series[pd.Timestamp] = pa.Field(nullable=False)
    due_date: Series[pd.Timestamp] = pa.Field(nullable=True)
    returned_date: Series[pd.Timestamp] = pa.Field(nullable=True)
    stated_timeliness: Series[str] = pa.Field(nullable=True, isin=list(c.TIMELINESS))
    parse_errors: Series[str] = pa.Field(nullable=True)

    class Config:
        strict = False
        coerce = False


class PaperRecord(_Record):
    """A row of a paper ledger (Mẫu số 06)."""

    quantity: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1)
    return_marks: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)

    due_not_before_received, returned_not_before_received = _date_order_checks()

    @pa.dataframe_check(name=NOT_IDENTIFIABLE, ignore_na=False)
    @classmethod
    def identifiable(cls, df: pd.DataFrame) -> Series[bool]:
        return (df[c.DOSSIER_CODE].notna() | df[c.APPLICANT_NAME].notna()).astype(bool)

    @pa.dataframe_check(name=RETURN_MARKS_NOT_ONE, ignore_na=False)
    @classmethod
    def one_return_mark(cls, df: pd.DataFrame) -> Series[bool]:
        """A returned row (a return date, or any of the three columns filled) has exactly one of
        Trước hạn / Đúng hạn / Quá hạn filled: the column it is in is the ledger's timeliness."""
        marks = df[c.RETURN_MARKS].fillna(0).astype("int64")
        returned = df[c.RETURNED_DATE].notna() | (marks > 0)
        return (~returned | (marks == 1)).astype(bool)


class ElectronicRecord(_Record):
    """A row of the one-stop software's export."""

    dossier_code: Series[str] = pa.Field(nullable=False, str_matches=CODE_PATTERN)
    status: Series[str] = pa.Field(nullable=False, isin=list(c.STATUSES))
    channel: Series[str] = pa.Field(nullable=True, isin=list(c.CHANNELS))

    due_not_before_received, returned_not_before_received = _date_order_checks()
