"""Spreadsheet cells (Python objects from calamine) rendered as the text a user sees.

Every later step parses text, so a typed date cell, an Excel serial number and a date typed as text
all go through the same date parser, and `raw_values` shows each cell as read. Rendering is done
per column: a column of text cells converts to Arrow in one call; a mixed column is classified by
Python type once, then converted with one Arrow conversion per type (numbers print without a
trailing ".0", dates as dd/mm/yyyy, times of day only when not midnight; dates printed with numpy,
timeformat.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from doisoat.sources.timeformat import strftime

DATETIME_FORMAT = "%d/%m/%Y %H:%M:%S"
DATE_FORMAT = "%d/%m/%Y"


def format_day_first(seconds: pa.Array) -> pa.Array:
    """Timestamps (unit s) as "dd/mm/yyyy", or "dd/mm/yyyy HH:MM:SS" when not midnight."""
    full = strftime(seconds, DATETIME_FORMAT)
    midnight = pc.equal(pc.floor_temporal(seconds, unit="day"), seconds)
    if not pc.any(midnight).as_py():
        return full
    return pc.replace_with_mask(full, midnight, strftime(pc.filter(seconds, midnight), DATE_FORMAT))


def _render_numbers(cells: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(cells, pa.float64(), from_pandas=True), pa.string())


def _render_integers(cells: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(cells, pa.int64()), pa.string())


def _render_datetimes(cells: np.ndarray) -> pa.Array:
    seconds = pc.cast(pa.array(cells, pa.timestamp("us"), from_pandas=True), pa.timestamp("s"), safe=False)
    return format_day_first(seconds)


def _render_dates(cells: np.ndarray) -> pa.Array:
    return format_day_first(pc.cast(pa.array(cells, pa.date32()), pa.timestamp("s")))


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


def _render_mixed(cells: np.ndarray) -> pa.Array:
    kinds = np.fromiter(map(type, cells), dtype=object, count=len(cells))
    text = pa.nulls(len(cells), pa.string())
    for kind in set(kinds) - {type(None)}:
        rows = kinds == kind
        rendered = _RENDERERS.get(kind, _render_other)(cells[rows])
        text = pc.replace_with_mask(text, pa.array(rows), rendered)
    return text


def render_column(values: pd.Series | np.ndarray | Sequence[object]) -> pa.Array:
    """Text of each cell of one column; empty cells (None, NaN, "") become null."""
    if isinstance(values, pd.Series):
        cells = values.to_numpy(dtype=object)
    else:
        cells = np.empty(len(values), dtype=object)
        cells[:] = values
    try:  # the common case: a column of text (and empty) cells, converted in one call
        text = pa.array(cells, pa.string(), from_pandas=True)
    except (pa.ArrowTypeError, pa.ArrowInvalid):  # numbers, dates…: one conversion per type
        text = _render_mixed(cells)
    empty = pc.equal(text, "")
    return pc.if_else(empty, pa.scalar(None, pa.string()), text) if pc.any(empty).as_py() else text
