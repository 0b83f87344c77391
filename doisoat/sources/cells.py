"""Spreadsheet cells (Python objects from calamine) rendered as the text a user sees.

Every later step parses text, so a typed date cell, an Excel serial number and a date typed as text
all go through the same date parser, and `raw_values` shows each cell as read. Rendering is done
per column and per Python type: one pass to classify the cells, then one Arrow conversion per type
(numbers print without a trailing ".0", dates as dd/mm/yyyy, times of day only when not midnight).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

DATETIME_FORMAT = "%d/%m/%Y %H:%M:%S"
DATE_FORMAT = "%d/%m/%Y"


def _render_numbers(cells: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(cells, pa.float64(), from_pandas=True), pa.string())


def _render_integers(cells: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(cells, pa.int64()), pa.string())


def _render_datetimes(cells: np.ndarray) -> pa.Array:
    seconds = pc.cast(pa.array(cells, pa.timestamp("us"), from_pandas=True), pa.timestamp("s"), safe=False)
    midnight = pc.equal(pc.floor_temporal(seconds, unit="day"), seconds)
    return pc.if_else(midnight, pc.strftime(seconds, format=DATE_FORMAT),
                      pc.strftime(seconds, format=DATETIME_FORMAT))


def _render_dates(cells: np.ndarray) -> pa.Array:
    return pc.strftime(pa.array(cells, pa.date32()), format=DATE_FORMAT)


def _render_booleans(cells: np.ndarray) -> pa.Array:
    return pc.if_else(pa.array(cells, pa.bool_()), "TRUE", "FALSE")


def _render_other(cells: np.ndarray) -> pa.Array:  # times of day, durations: rare
    return pa.array(pd.Series(cells, dtype=object).astype(str).to_numpy(dtype=object), pa.string())


_RENDERERS: dict[type, Callable[[np.ndarray], pa.Array]] = {
    str: lambda cells: pa.array(cells, pa.string()),
    float: _render_numbers,
    int: _render_integers,
    bool: _render_booleans,
    dt.datetime: _render_datetimes,
    pd.Timestamp: _render_datetimes,
    dt.date: _render_dates,
}


def render_column(values: pd.Series) -> pa.Array:
    """Text of each cell of one column; empty cells (None, NaN, "") become null."""
    cells = values.to_numpy(dtype=object)
    kinds = values.map(type).to_numpy(dtype=object)  # one C-level pass
    distinct = set(kinds) - {type(None)}
    if distinct <= {str}:  # the common case: a text column
        text = pa.array(cells, pa.string(), from_pandas=True)
    else:
        text = pa.nulls(len(cells), pa.string())
        for kind in distinct:
            rows = kinds == kind
            rendered = _RENDERERS.get(kind, _render_other)(cells[rows])
            text = pc.replace_with_mask(text, pa.array(rows), rendered)
    empty = pc.equal(text, "")
    return pc.if_else(empty, pa.scalar(None, pa.string()), text) if pc.any(empty).as_py() else text
