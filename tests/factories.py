"""Small canonical record frames built by hand, for engine and validator tests."""

from __future__ import annotations

import hashlib
from typing import Any

import pandas as pd

from doisoat import schema as c

_DATES = {c.RECEIVED_AT, c.DUE_DATE, c.RETURNED_DATE, c.TRANSFERRED_DATE}
_INTS = {c.QUANTITY, c.RETURN_MARKS}


def _frame(rows: list[dict[str, Any]], columns: list[str], defaults: dict[str, Any]) -> pd.DataFrame:
    full = [{**defaults, **r} for r in rows]
    data: dict[str, Any] = {}
    for col in columns:
        values = [r.get(col) for r in full]
        if col in _DATES:
            data[col] = pd.to_datetime(pd.Series(values, dtype="object"), dayfirst=True)
        elif col in _INTS:
            data[col] = pd.array(values, dtype="Int64")
        elif col == c.SOURCE_ROW:
            data[col] = pd.Series(values, dtype="int64")
        else:
            data[col] = pd.Series(values, dtype="str")
    return pd.DataFrame(data, columns=columns)


def paper(
    *rows: dict[str, Any], file: str = "phuong-1_2019-01.xlsx", sheet: str = "T01-2019"
) -> pd.DataFrame:
    """Paper records; row numbers count from 10 (under a Mẫu 06 header)."""
    numbered = []
    for i, r in enumerate(rows):
        row = 10 + i
        numbered.append({c.SOURCE_ROW: row, c.REF: f"{file}!{sheet}!{row}", **r})
    defaults = {
        c.SOURCE_FILE: file,
        c.SOURCE_SHA256: hashlib.sha256(file.encode()).hexdigest(),
        c.SOURCE_SHEET: sheet,
        c.UNIT_CODE: "000.01.22.H56",
        c.UNIT_NAME: "Phường 1",
        c.LEVEL: c.LEVEL_WARD,
        c.PROCEDURE_NAME: "Chứng thực bản sao từ bản chính",
        c.QUANTITY: 1,
        c.APPLICANT_NAME: "Nguyễn Văn An",
        c.RETURN_MARKS: 0,
    }
    return _frame(numbered, c.PAPER_COLUMNS, defaults)


def electronic(*rows: dict[str, Any], file: str = "phuong-1.csv") -> pd.DataFrame:
    """Electronic records; CSV rows count from 2 (under the header)."""
    numbered = []
    for i, r in enumerate(rows):
        row = 2 + i
        numbered.append({c.SOURCE_ROW: row, c.REF: f"{file}#{row}", **r})
    defaults = {
        c.SOURCE_FILE: file,
        c.SOURCE_SHA256: hashlib.sha256(file.encode()).hexdigest(),
        c.UNIT_CODE: "000.01.22.H56",
        c.UNIT_NAME: "Phường 1",
        c.LEVEL: c.LEVEL_WARD,
        c.PROCEDURE_NAME: "Chứng thực bản sao từ bản chính",
        c.FIELD: "Tư pháp",
        c.APPLICANT_NAME: "Nguyễn Văn An",
        c.STATUS: "returned",
        c.CHANNEL: "direct",
    }
    return _frame(numbered, c.ELECTRONIC_COLUMNS, defaults)


def no_quarantine() -> pd.DataFrame:
    return pd.DataFrame({col: pd.Series(dtype="str") for col in c.QUARANTINE_COLUMNS})
