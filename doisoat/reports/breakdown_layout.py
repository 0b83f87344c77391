"""The breakdown as people read it, shared by report.html and report.xlsx: the level totals of one
dimension (per field, per month) with their indicators, and the values' Vietnamese display.

Rates are worked out again from the counts of the rows shown (the engine's definitions: on-time =
(received − overdue) / received, sync = paper matched / paper received), so a level row summed from
its values carries rates that agree with them.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from doisoat import schema
from doisoat.reconcile.aggregates import with_rates
from doisoat.reports import labels
from doisoat.reports.display import text
from doisoat.reports.privacy import mask_series

MONTH_DIMENSION: Final = "month"
FIELD_DIMENSION: Final = "field"
CHANNEL_DIMENSION: Final = "channel"
UNKNOWN_VALUE: Final[dict[str, str]] = {
    FIELD_DIMENSION: "(không rõ lĩnh vực)",
    MONTH_DIMENSION: "(không rõ ngày nhận)",
    CHANNEL_DIMENSION: "(chưa ghép được với phần mềm)",
}
# the counts a level row sums from its values; the rates are then worked out from them
COUNTS: Final = [
    schema.PAPER_RECEIVED,
    schema.ELECTRONIC_RECEIVED,
    schema.PAPER_OVERDUE,
    schema.ELECTRONIC_OVERDUE,
    schema.PAPER_MATCHED,
    labels.MISMATCHES,
]


def with_indicators(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` (with COUNTS) plus the on-time rates and the sync rate of its counts, as the engine
    defines them (`aggregates.with_rates`)."""
    return with_rates(frame.copy())


def month_label(values: pd.Series) -> pd.Series:
    """'2019-03' → '03/2019' (other text kept as it is)."""
    return text(values).str.replace(r"^(\d{4})-(\d{2})$", r"\2/\1", regex=True)


def value_labels(dimension: pd.Series, values: pd.Series) -> pd.Series:
    """Each breakdown value as a person reads it: months as mm/yyyy, channels by their Vietnamese
    names, a missing value named for what it means in its dimension; phone and id numbers in a
    value typed by hand (a procedure name not in the reference) masked."""
    dims = text(dimension)
    shown = text(values)
    shown = shown.mask(dims == MONTH_DIMENSION, month_label(shown))
    channels = labels_of_channels()
    shown = shown.mask(dims == CHANNEL_DIMENSION, shown.replace(channels))
    missing = values.isna().to_numpy()
    unknown = dims.map(UNKNOWN_VALUE).fillna("(không rõ)")
    return mask_series(shown.mask(missing, unknown).astype(str))


def labels_of_channels() -> dict[str, str]:
    """channel code → Vietnamese label (doisoat/data/channels.csv)."""
    from doisoat import reference

    table = reference.channels()
    return dict(zip(table["channel"], table["label_vi"], strict=True))


def level_table(breakdown: pd.DataFrame, dimension: str) -> pd.DataFrame:
    """One row per (level, value) of `dimension`: the level total rows (unit_code '*') when the
    breakdown has them, else the offices' rows summed; COUNTS, the rates, and a `label` column.
    Levels in schema.LEVELS order; fields by dossiers received (both sides) then name, months in
    calendar order (unknown last)."""
    rows = breakdown[text(breakdown[schema.DIMENSION]) == dimension]
    totals = rows[text(rows[schema.UNIT_CODE]) == schema.ALL_UNITS]
    rows = totals if not totals.empty else rows
    counts = pd.DataFrame(
        {
            schema.LEVEL: text(rows[schema.LEVEL]).to_numpy(),
            schema.DIMENSION_VALUE: rows[schema.DIMENSION_VALUE].astype("string").to_numpy(),
            **{
                col: pd.to_numeric(rows[col]).fillna(0).astype("int64").to_numpy()
                for col in COUNTS
                if col != labels.MISMATCHES
            },
            labels.MISMATCHES: rows[list(schema.MISMATCH_TYPES)].apply(pd.to_numeric).fillna(0).sum(axis=1)
            .astype("int64").to_numpy(),
        }
    )
    out = counts.groupby([schema.LEVEL, schema.DIMENSION_VALUE], dropna=False, sort=False).sum().reset_index()
    out = with_indicators(out)
    ranks = {name: i for i, name in enumerate(schema.LEVELS)}
    level_rank = out[schema.LEVEL].map(ranks).fillna(len(schema.LEVELS))
    unknown = out[schema.DIMENSION_VALUE].isna().to_numpy()
    if dimension == MONTH_DIMENSION:
        keys = [out[schema.DIMENSION_VALUE].fillna("").to_numpy(), unknown, level_rank.to_numpy()]
    else:
        size = -(out[schema.PAPER_RECEIVED] + out[schema.ELECTRONIC_RECEIVED]).to_numpy()
        keys = [out[schema.DIMENSION_VALUE].fillna("").to_numpy(), size, unknown, level_rank.to_numpy()]
    out = out.iloc[np.lexsort(keys)].reset_index(drop=True)
    out["label"] = value_labels(pd.Series(dimension, index=out.index), out[schema.DIMENSION_VALUE])
    return out


def level_totals(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of `level_table` summed per level, with their rates (in the table's level order)."""
    sums = table.groupby(schema.LEVEL, sort=False)[COUNTS].sum().reset_index()
    return with_indicators(sums)
