"""The row order and row labels of the summary table, shared by report.html and report.xlsx.

As in the Tây Ninh article: the city level first, then wards and communes; each level's total row
(unit_code == schema.ALL_UNITS) heads its offices.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from doisoat import schema
from doisoat.reports import labels
from doisoat.reports.display import text

IS_TOTAL: Final = "is_total"
ROW_LABEL: Final = "row_label"


def ordered_summary(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary in display order with two added columns: IS_TOTAL and ROW_LABEL."""
    out = summary.reset_index(drop=True).copy()
    level = text(out[schema.LEVEL])
    is_total = text(out[schema.UNIT_CODE]) == schema.ALL_UNITS
    level_rank = level.map({name: rank for rank, name in enumerate(schema.LEVELS)}).fillna(len(schema.LEVELS))
    order = np.lexsort((np.arange(len(out)), (~is_total).to_numpy(), level.to_numpy(), level_rank.to_numpy()))
    out[IS_TOTAL] = is_total
    names = text(out[schema.UNIT_NAME]).where(text(out[schema.UNIT_NAME]) != "", text(out[schema.UNIT_CODE]))
    out[ROW_LABEL] = names.where(~is_total, level.map(lambda code: labels.label(labels.LEVEL_LABELS, code)))
    return out.iloc[order].reset_index(drop=True)


def level_groups(ordered: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """(level label, its rows) per level, in display order."""
    level = text(ordered[schema.LEVEL])
    return [
        (labels.label(labels.LEVEL_LABELS, code), ordered[level == code])
        for code in pd.unique(level.to_numpy())
    ]
