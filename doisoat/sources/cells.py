"""Spreadsheet cells (Python objects from calamine) rendered as the text a user sees.

Every later step parses text, so an Excel serial number and a date typed as text go through the
same date parser, and `raw_values` shows each cell as read; the instants of typed date cells are
kept beside their text (`render_rows`) so the date parser can take them as they are. Rendering is done
per column of a block of rows (`render_blocks`): a column of text cells converts to Arrow in one
call; a mixed column is classified by Python type once, then converted with one Arrow conversion
per type (numbers print without a trailing ".0"), date, datetime and Timestamp cells together.
Date cells are printed once per column after the blocks are joined (dd/mm/yyyy, times of day only
when not midnight; printed with numpy, timeformat.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from itertools import chain
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from doisoat.sources.dates import TIMESTAMP
from doisoat.sources.text import blank_to_null
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


# Whole numbers below 2**53 are exact in a float: printed as integers, so an ID or phone number typed as a
# number keeps its digits ("123456789012", not Arrow's "1.23456789012e+11"). Other numbers: Arrow's print.
_EXACT_WHOLE_FLOATS = 2.0**53


def _render_numbers(cells: np.ndarray) -> pa.Array:
    """Cells that are Python floats (NaN: empty)."""
    values = cells.astype(np.float64)  # numpy converts Python floats twice as fast as Arrow
    missing = np.isnan(values)  # NaN: not whole
    numbers = pa.array(values, mask=missing if missing.any() else None)
    whole = (values == np.trunc(values)) & (np.abs(values) < _EXACT_WHOLE_FLOATS)
    if numbers.null_count == 0 and whole.all():
        return pc.cast(pa.array(values.astype(np.int64)), pa.string())  # counts and STT: twice as fast
    integers = pc.cast(pa.array(np.where(whole, values, 0).astype(np.int64)), pa.string())
    return pc.if_else(pa.array(whole), integers, pc.cast(numbers, pa.string()))


def _render_integers(cells: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(cells, pa.int64()), pa.string())


# Below this many cells Arrow converts datetime objects faster than pandas (whose fixed cost is
# ~50 µs); above it pandas is up to three times as fast.
_PANDAS_DATETIMES_FROM = 1_000


def _datetime_seconds(cells: np.ndarray) -> pa.Array:
    if len(cells) < _PANDAS_DATETIMES_FROM:
        stamps = pa.array(cells, pa.timestamp("us"), from_pandas=True)
    else:
        try:
            stamps = pa.array(pd.to_datetime(cells).to_numpy())
        except (ValueError, TypeError, OverflowError):  # out of its range, time zones: Arrow's way
            stamps = pa.array(cells, pa.timestamp("us"), from_pandas=True)
    return pc.cast(stamps, pa.timestamp("s"), safe=False)


def _date_seconds(cells: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(cells, pa.date32()), pa.timestamp("s"))


def _render_booleans(cells: np.ndarray) -> pa.Array:
    return pc.if_else(pa.array(cells, pa.bool_()), "TRUE", "FALSE")


def _render_other(cells: np.ndarray) -> pa.Array:  # times of day, durations: rare
    return pa.array(pd.Series(cells, dtype=object).astype(str).to_numpy(dtype=object), pa.string())


_RENDERERS: dict[type, Callable[[np.ndarray], pa.Array]] = {
    str: lambda cells: pa.array(cells, pa.string()),
    float: _render_numbers,
    int: _render_integers,
    bool: _render_booleans,
}
# Date and datetime cells: their instant (whole seconds), printed by `format_day_first`.
_DATE_CELLS: dict[type, Callable[[np.ndarray], pa.Array]] = {
    dt.datetime: _datetime_seconds,
    pd.Timestamp: _datetime_seconds,
    dt.date: _date_seconds,
}
_SECONDS = pa.timestamp("s")


def _kind_codes(cells: np.ndarray, kinds: list[type]) -> np.ndarray:
    """Each cell's position of its type in `kinds`. (No `==` on types: numpy would broadcast a class
    such as pd.Timestamp.)"""
    number = {kind: i for i, kind in enumerate(kinds)}
    return np.fromiter(map(number.__getitem__, map(type, cells)), np.intp, count=len(cells))


def _by_kind(cells: np.ndarray, kinds: list[type], codes: np.ndarray,
             convert: Callable[[type, np.ndarray], pa.Array | None], out_type: pa.DataType) -> pa.Array:
    """`convert(kind, the cells of that kind)` for each kind of cell, put back in row order with one
    `take`; null where `convert` gives None (and for empty cells)."""
    pieces: list[pa.Array] = []
    order = np.full(len(cells), -1, np.int64)  # row → its position in the pieces put end to end
    done = 0
    for i, kind in enumerate(kinds):
        if kind is type(None):
            continue
        rows = codes == i
        piece = convert(kind, cells[rows])
        if piece is not None:
            pieces.append(piece)
            order[rows] = np.arange(done, done + len(piece))
            done += len(piece)
    order[order < 0] = done  # the null after the last piece
    pieces.append(pa.nulls(1, out_type))
    return pc.take(pa.concat_arrays(pieces), pa.array(order))


def _instant_seconds(cells: np.ndarray) -> pa.Array:
    """The instants (unit s) of date, datetime and Timestamp cells in any mix, in one conversion."""
    try:
        return _datetime_seconds(cells)
    except (pa.ArrowTypeError, pa.ArrowInvalid):  # dates among datetimes out of pandas' range
        kinds = list(dict.fromkeys(map(type, cells)))
        return _by_kind(cells, kinds, _kind_codes(cells, kinds), lambda kind, some: _DATE_CELLS[kind](some),
                        _SECONDS)


def _render_mixed(cells: np.ndarray) -> tuple[pa.Array, pa.Array | None]:
    """Cells of several types: the text of all but the date cells, each type rendered on its own;
    the instants of the date cells (all date types converted together), null elsewhere."""
    kinds = list(dict.fromkeys(map(type, cells)))
    dates = [i for i, kind in enumerate(kinds) if kind in _DATE_CELLS]
    if len(dates) == len(kinds):  # only dates and datetimes: no text yet
        return pa.nulls(len(cells), pa.string()), _instant_seconds(cells)
    if len(kinds) == 1 and kinds[0] is not type(None):  # one kind (numbers below the header): in order
        return _RENDERERS.get(kinds[0], _render_other)(cells), None
    codes = _kind_codes(cells, kinds)
    text = _by_kind(cells, kinds, codes, lambda kind, some: None if kind in _DATE_CELLS
                    else _RENDERERS.get(kind, _render_other)(some), pa.string())
    if not dates:
        return text, None
    dated = np.isin(codes, dates)
    return text, pc.replace_with_mask(pa.nulls(len(cells), _SECONDS), pa.array(dated),
                                      _instant_seconds(cells[dated]))


def _render(values: np.ndarray | Sequence[object]) -> tuple[pa.Array, pa.Array | None]:
    """Text of each cell but the date cells (null there, see `_print_dates`), and the instants
    (unit s) of the date cells when there are any."""
    try:  # the common case: a column of text (and empty) cells, converted in one call
        text, seconds = pa.array(values, pa.string(), from_pandas=True), None
    except (pa.ArrowTypeError, pa.ArrowInvalid):  # numbers, dates…: one conversion per type
        cells = np.empty(len(values), dtype=object)
        cells[:] = values
        text, seconds = _render_mixed(cells)
    return blank_to_null(text), seconds


def _print_dates(text: pa.Array, seconds: pa.Array | None) -> tuple[pa.Array, pa.Array | None]:
    """The text with the date cells printed in (`format_day_first`), and their instants as
    dates.TIMESTAMP. Done once per column, after its blocks are joined."""
    if seconds is None:
        return text, None
    dated = seconds.is_valid()
    return (pc.replace_with_mask(text, dated, format_day_first(pc.filter(seconds, dated))),
            pc.cast(seconds, TIMESTAMP))


def render_column(values: pd.Series | np.ndarray | Sequence[object]) -> pa.Array:
    """Text of each cell of one column; empty cells (None, NaN, "") become null."""
    if isinstance(values, pd.Series):
        values = values.to_numpy(dtype=object)
    return _print_dates(*_render(values))[0]


class RenderedRows(NamedTuple):
    """A grid rendered column by column."""

    texts: list[pa.Array]  # `render_column` of each column
    stamps: dict[int, pa.Array]  # column → the instants of its date cells (null elsewhere), if any


def render_rows(rows: Sequence[Sequence[object]]) -> RenderedRows:
    """The columns of a grid given as rows (calamine's `to_python`) rendered as text, with the
    instants of date cells beside them, so parsing their text back can be skipped (the text of a
    date cell parses to exactly its instant). Short rows are padded with empty cells."""
    return render_blocks([rows])


def _render_block(rows: Sequence[Sequence[object]]) -> tuple[list[pa.Array], dict[int, pa.Array]]:
    """`_render` of each column of a block of rows: texts without the dates, instants (unit s)."""
    lengths = np.fromiter(map(len, rows), np.int64, count=len(rows))
    width = int(lengths.max(initial=0))
    if np.all(lengths == width):  # calamine's ranges are rectangular: one C-level copy
        grid = np.fromiter(chain.from_iterable(rows), dtype=object, count=len(rows) * width)
        grid = grid.reshape(len(rows), width)
    else:
        grid = np.empty((len(rows), width), dtype=object)
        for i, row in enumerate(rows):
            grid[i, : len(row)] = row
    texts, seconds = [], {}
    for j in range(width):
        text, instants = _render(grid[:, j])
        texts.append(text)
        if instants is not None:
            seconds[j] = instants
    return texts, seconds


def render_blocks(blocks: Iterable[Sequence[Sequence[object]]], leading_columns: int = 0) -> RenderedRows:
    """`render_rows` of a grid given as consecutive blocks of rows, the blocks' columns joined, with
    `leading_columns` empty columns put in front (calamine's `iter_rows` leaves out the empty
    columns left of the data; `to_python(skip_empty_area=False)` has them).

    A block's rows can be dropped as soon as it is rendered: its cells are converted while still
    in the CPU cache, and the memory of its Python objects is reused by the next block instead of
    a whole sheet's worth of fresh memory being faulted in, walked again and freed. Date cells are
    printed once per column, after the blocks are joined."""
    heights: list[int] = []
    parts: list[tuple[list[pa.Array], dict[int, pa.Array]]] = []
    for block in blocks:
        heights.append(len(block))
        parts.append(_render_block(block))
    width = max((len(texts) for texts, _ in parts), default=0)
    if not width:
        return RenderedRows([], {})
    height = sum(heights)
    out = [pa.nulls(height, pa.string()) for _ in range(leading_columns)]
    stamps: dict[int, pa.Array] = {}
    for j in range(width):
        text = _joined([texts[j] if j < len(texts) else pa.nulls(h, pa.string())
                        for (texts, _), h in zip(parts, heights, strict=True)])
        seconds = None
        if any(j in instants for _, instants in parts):
            seconds = _joined([instants.get(j, pa.nulls(h, _SECONDS))
                               for (_, instants), h in zip(parts, heights, strict=True)])
        text, instants = _print_dates(text, seconds)
        out.append(text)
        if instants is not None:
            stamps[leading_columns + j] = instants
    return RenderedRows(out, stamps)


def _joined(pieces: list[pa.Array]) -> pa.Array:
    return pieces[0] if len(pieces) == 1 else pa.concat_arrays(pieces)
