"""pandera contracts of the canonical paper and electronic records.

Checks are vectorised (column checks and boolean-Series dataframe checks), so validating a
million rows costs a few column passes. Every check has a name: the quarantine uses it to say
why a row was rejected.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from doisoat import schema as c

# Dossier codes: Circular 01/2018 `<agency id>-<YYMMDD>-<NNNN>` and legacy receipt numbers:
# letters, digits and . - / only (after normalisation: upper-case, no spaces).
CODE_PATTERN = r"^[A-Z0-9][A-Z0-9.\-/]*$"


def _not_before(df: pd.DataFrame, later: str, earlier: str) -> pd.Series:
    a, b = df[later], df[earlier].dt.normalize()
    return (a.isna() | b.isna() | (a >= b)).astype(bool)


class _Record(pa.DataFrameModel):
    """What both sides share: lineage, office, receipt."""

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

    @pa.dataframe_check(name="due_date before received date")
    @classmethod
    def due_not_before_received(cls, df: pd.DataFrame) -> Series[bool]:
        return _not_before(df, c.DUE_DATE, c.RECEIVED_AT)

    @pa.dataframe_check(name="returned_date before received date")
    @classmethod
    def returned_not_before_received(cls, df: pd.DataFrame) -> Series[bool]:
        return _not_before(df, c.RETURNED_DATE, c.RECEIVED_AT)

    class Config:
        strict = False
        coerce = False


class PaperRecord(_Record):
    """A row of a paper ledger (Mẫu số 06)."""

    quantity: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1)
    return_marks: Series[pd.Int64Dtype] = pa.Field(nullable=True, le=1)

    @pa.dataframe_check(name="neither dossier code nor applicant name")
    @classmethod
    def identifiable(cls, df: pd.DataFrame) -> Series[bool]:
        return (df[c.DOSSIER_CODE].notna() | df[c.APPLICANT_NAME].notna()).astype(bool)


class ElectronicRecord(_Record):
    """A row of the one-stop software's export."""

    dossier_code: Series[str] = pa.Field(nullable=False, str_matches=CODE_PATTERN)
    status: Series[str] = pa.Field(nullable=False, isin=list(c.STATUSES))
    channel: Series[str] = pa.Field(nullable=True, isin=list(c.CHANNELS))
