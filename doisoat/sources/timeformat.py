"""Timestamps printed as text with numpy: digits written into a byte matrix, one column per character.

Arrow's `strftime` goes through the C++ locale machinery and prints ~0.5 M values/s; the readers
print dates for every typed date cell and to check day-first parses, so the common numeric
directives (%d %m %Y %y %H %M %S %%) are done here, ~10× faster. Formats with any other directive,
and years outside 1000-9999, fall back to Arrow's `strftime`.
"""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

# "00" … "99" as 16-bit values (two ASCII bytes each).
_PAIRS = np.frombuffer("".join(f"{i:02d}" for i in range(100)).encode(), np.uint16)
_FIELDS = {"%d": 2, "%m": 2, "%Y": 4, "%y": 2, "%H": 2, "%M": 2, "%S": 2}
_TOKEN = re.compile(r"%(.)|([^%]+)", re.DOTALL)
_MIN_YEAR, _MAX_YEAR = 1000, 9999


def _tokens(fmt: str) -> list[str] | None:
    """The format as directives ("%d") and literal texts, None when a directive is not handled."""
    tokens: list[str] = []
    position = 0
    for match in _TOKEN.finditer(fmt):
        if match.start() != position:
            return None
        position = match.end()
        directive, literal = match.groups()
        if literal is not None:
            tokens.append(literal)
        elif directive == "%":
            tokens.append("%")
        elif "%" + directive in _FIELDS:
            tokens.append("%" + directive)
        else:
            return None
    return tokens if position == len(fmt) else None


def _two_digits(values: np.ndarray) -> np.ndarray:
    """(n, 2) ASCII digits of values 0-99 (one 16-bit lookup per value)."""
    return np.take(_PAIRS, values).view(np.uint8).reshape(-1, 2)


def _fixed_width(matrix: np.ndarray) -> pa.Array:
    """A string array whose row i holds the bytes of `matrix[i]`."""
    n, width = matrix.shape
    offsets = np.arange(n + 1, dtype=np.int32) * width
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(matrix)))


def strftime(seconds: pa.Array, fmt: str) -> pa.Array:
    """`pyarrow.compute.strftime(seconds, format=fmt)` for timestamps of unit "s" (nulls stay null)."""
    tokens = _tokens(fmt)
    if tokens is None or len(seconds) == 0:
        return pc.strftime(seconds, format=fmt)
    stamp = pc.fill_null(seconds, 0).cast(pa.int64()).to_numpy().astype("datetime64[s]")
    day = stamp.astype("datetime64[D]")
    month = day.astype("datetime64[M]")
    year = month.astype("datetime64[Y]").astype(np.int32) + 1970
    if int(year.min()) < _MIN_YEAR or int(year.max()) > _MAX_YEAR:
        valid = np.asarray(seconds.is_valid())
        if np.any(valid & ((year < _MIN_YEAR) | (year > _MAX_YEAR))):
            return pc.strftime(seconds, format=fmt)
        year = np.where(valid, year, 2000)
    needed = set(tokens)
    time_of_day = (stamp - day).astype(np.int32) if needed & {"%H", "%M", "%S"} else None
    width = sum(_FIELDS[t] if t in _FIELDS else len(t.encode("utf-8")) for t in tokens)
    out = np.empty((len(stamp), width), np.uint8)
    column = 0
    for token in tokens:
        if token in _FIELDS:
            if token == "%Y":
                out[:, column: column + 2] = _two_digits(year // 100)
                out[:, column + 2: column + 4] = _two_digits(year % 100)
                column += 4
                continue
            if token == "%d":
                value = (day - month).astype(np.int32) + 1
            elif token == "%m":
                value = month.astype(np.int32) % 12 + 1
            elif token == "%y":
                value = year % 100
            elif token == "%H":
                value = time_of_day // 3600  # type: ignore[operator]
            elif token == "%M":
                value = time_of_day // 60 % 60  # type: ignore[operator]
            else:
                value = time_of_day % 60  # type: ignore[operator]
            out[:, column: column + 2] = _two_digits(value)
            column += 2
        else:
            text = np.frombuffer(token.encode("utf-8"), np.uint8)
            out[:, column: column + len(text)] = text
            column += len(text)
    text = _fixed_width(out)
    if seconds.null_count:
        text = pc.if_else(seconds.is_valid(), text, pa.scalar(None, pa.string()))
    return text
