"""The engine's result: frozen dataclasses of DataFrames, rendering kept elsewhere (as datacompy)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Period:
    """The reporting period, both ends inclusive."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"period end {self.end} is before its start {self.start}")


@dataclass(frozen=True)
class ReconcileResult:
    """What reconciling one period's paper and electronic records found.

    - matches: schema.MATCH_COLUMNS (+ unit_code, dossier_code)
    - mismatches: schema.MISMATCH_COLUMNS, one row per finding, ids stable across runs
    - summary: schema.SUMMARY_COLUMNS, one row per office and one per level
    - breakdown: schema.BREAKDOWN_COLUMNS, counts per field / channel / month and office
    """

    period: Period
    matches: pd.DataFrame
    mismatches: pd.DataFrame
    summary: pd.DataFrame
    breakdown: pd.DataFrame

    def mismatch_counts(self) -> pd.Series:
        """Number of mismatches per type."""
        return self.mismatches["mismatch_type"].value_counts().sort_index()
