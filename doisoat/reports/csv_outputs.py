"""The machine-readable outputs: summary.csv, breakdown.csv, mismatches.csv, matches.csv (exact
columns, ISO dates).

UTF-8 with a BOM so that Excel opens the Vietnamese text correctly; pandas and csv readers that know
"utf-8-sig" read it unchanged. Phone numbers inside mismatch values are masked, as everywhere a
file leaves the pipeline (Decree 13/2023).
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import pandas as pd

from doisoat import schema
from doisoat.reconcile.evidence import agreed_text
from doisoat.reports.privacy import mask_series

ENCODING: Final = "utf-8-sig"
RATE_DECIMALS: Final = 6

_COUNT_COLUMNS: Final = (
    schema.PAPER_RECEIVED,
    schema.ELECTRONIC_RECEIVED,
    schema.RECEIVED_DIFFERENCE,
    schema.PAPER_OVERDUE,
    schema.ELECTRONIC_OVERDUE,
    schema.OVERDUE_DIFFERENCE,
)
_RATE_COLUMNS: Final = (schema.PAPER_ON_TIME_RATE, schema.ELECTRONIC_ON_TIME_RATE)
_MASKED_MISMATCH_COLUMNS: Final = (schema.PAPER_VALUE, schema.ELECTRONIC_VALUE, schema.DETAIL)


def select_columns(frame: pd.DataFrame, columns: list[str], what: str) -> pd.DataFrame:
    """`frame[columns]`, failing with the names of the missing columns."""
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"{what} lacks columns {missing}")
    return frame.loc[:, columns].copy()


def _write(frame: pd.DataFrame, path: Path) -> Path:
    frame.to_csv(path, index=False, encoding=ENCODING, lineterminator="\n")
    return path


def write_summary_csv(summary: pd.DataFrame, path: Path) -> Path:
    """schema.SUMMARY_COLUMNS; dates yyyy-mm-dd, counts as integers, rates as 6-decimal fractions."""
    out = select_columns(summary, schema.SUMMARY_COLUMNS, "summary")
    for column in (schema.PERIOD_START, schema.PERIOD_END):
        out[column] = pd.to_datetime(out[column]).dt.strftime("%Y-%m-%d")
    for column in _COUNT_COLUMNS:
        out[column] = pd.to_numeric(out[column]).round().astype("Int64")
    for column in _RATE_COLUMNS:
        rates = pd.to_numeric(out[column]).astype("float64").round(RATE_DECIMALS)
        out[column] = rates.map(lambda rate: f"{rate:.{RATE_DECIMALS}f}", na_action="ignore")
    return _write(out, path)


def write_mismatches_csv(mismatches: pd.DataFrame, path: Path) -> Path:
    """schema.MISMATCH_COLUMNS, one row per finding; phone numbers in values and details masked."""
    out = select_columns(mismatches, schema.MISMATCH_COLUMNS, "mismatches")
    for column in _MASKED_MISMATCH_COLUMNS:
        values = out[column].astype(object).where(out[column].notna(), None).astype("str")
        out[column] = mask_series(values)
    return _write(out, path)


def write_breakdown_csv(breakdown: pd.DataFrame, path: Path) -> Path:
    """schema.BREAKDOWN_COLUMNS, one row per (dimension, value, level, office) and per level total
    (unit_code '*'); counts as integers, rates as 6-decimal fractions (empty when undefined)."""
    out = select_columns(breakdown, schema.BREAKDOWN_COLUMNS, "breakdown")
    # a procedure not in the reference is kept as typed: phone numbers clerks wrote in it masked
    value = out[schema.DIMENSION_VALUE]
    out[schema.DIMENSION_VALUE] = mask_series(value.astype(object).where(value.notna(), None).astype("str"))
    for column in schema.BREAKDOWN_COUNTS:
        out[column] = pd.to_numeric(out[column]).round().astype("Int64")
    for column in schema.BREAKDOWN_RATES:
        out[column] = pd.to_numeric(out[column]).astype("float64").round(RATE_DECIMALS)
    out.to_csv(path, index=False, encoding=ENCODING, lineterminator="\n", float_format=f"%.{RATE_DECIMALS}f")
    return path


def write_matches_csv(matches: pd.DataFrame, path: Path) -> Path:
    """schema.MATCH_COLUMNS, one row per matched pair; `agreed` as text."""
    out = select_columns(matches, schema.MATCH_COLUMNS, "matches")
    out[schema.AGREED] = agreed_text(out[schema.AGREED])
    return _write(out, path)
