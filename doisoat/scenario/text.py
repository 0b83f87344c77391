"""Text helpers of the generator: diacritic stripping, slugs, vi-VN counts, fast date formatting."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_COMBINING = "[\u0300-\u036f]"  # the characters themselves: pyarrow (RE2) rejects \u escapes


def strip_diacritics(values: pd.Series) -> pd.Series:
    """Vietnamese text without its marks ("Nguyễn Văn Đạt" → "Nguyen Van Dat"), vectorised."""
    out = values.str.normalize("NFD").str.replace(_COMBINING, "", regex=True)
    return out.str.replace("đ", "d").str.replace("Đ", "D").str.normalize("NFC")


def slugify(name: str) -> str:
    """A file-system friendly ASCII slug: "Phường Hiệp Ninh" → "phuong-hiep-ninh"."""
    plain = unicodedata.normalize("NFD", name).replace("đ", "d").replace("Đ", "D")
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    words = "".join(ch if ch.isascii() and ch.isalnum() else " " for ch in plain.lower()).split()
    return "-".join(words)


def format_count(n: int) -> str:
    """An integer with vi-VN thousands separators: 1234 → "1.234"."""
    return f"{n:,}".replace(",", ".")


_HOURS_MINUTES = pa.array([f"{h:02d}:{m:02d}" for h in range(24) for m in range(60)], pa.string())
_TWO_DIGITS = pa.array([f"{x:02d}" for x in range(100)], pa.string())


def format_stamps(values: pd.Series, date_format: str, time: str = "") -> pa.Array:
    """Date-times as text, fast: the date part is formatted once per distinct day (`date_format`,
    strftime codes), the time of day is looked up: `time` is "" (none), "hm" ("08:30") or "hms"
    ("08:30:05"), appended after a space. NaT gives null."""
    stamps = values.to_numpy(dtype="datetime64[us]")
    missing = np.isnat(stamps)
    filled = np.where(missing, np.datetime64("2000-01-01", "us"), stamps)
    days = filled.astype("datetime64[D]")
    distinct, inverse = np.unique(days, return_inverse=True)
    names = pa.array(pd.DatetimeIndex(distinct).strftime(date_format).to_numpy(dtype=object), pa.string())
    text = pc.take(names, pa.array(inverse.ravel()))
    if time:
        seconds = (filled - days).astype("timedelta64[s]").astype(np.int64)
        parts = [text, " ", pc.take(_HOURS_MINUTES, pa.array(seconds // 60))]
        if time == "hms":
            parts += [":", pc.take(_TWO_DIGITS, pa.array(seconds % 60))]
        text = pc.binary_join_element_wise(*parts, "")
    if missing.any():
        text = pc.if_else(pa.array(missing), pa.scalar(None, pa.string()), text)
    return text


def arrow_to_str(values: pa.Array, index: pd.Index | None = None) -> pd.Series:
    """An Arrow string array as a pandas `str` Series (nulls → NaN)."""
    return pd.Series(values.to_pandas(), index=index).astype("str")


def int_text(values: pd.Series | np.ndarray, width: int = 0) -> pd.Series:
    """Integers as a `str` Series ("7", or "0007" with `width` 4), through Arrow's cast: pandas'
    `astype("str")` on integers builds one Python string per row."""
    index = values.index if isinstance(values, pd.Series) else None
    text = pa.array(np.asarray(values, dtype=np.int64)).cast(pa.string())
    if width:
        text = pc.utf8_lpad(text, width, "0")
    return pd.Series(pd.arrays.ArrowStringArray(text), index=index, dtype="str")



def take_text(
    values: pa.Array | pa.ChunkedArray, positions: np.ndarray, index: pd.Index | None = None
) -> pd.Series:
    """`values[positions]` as a `str` Series, null where a position is negative: an Arrow `take`,
    where building the Series from a NumPy object array would convert string by string."""
    pos = np.asarray(positions, dtype=np.int64)
    missing = pos < 0
    taken = pc.take(values, pa.array(np.where(missing, 0, pos), mask=missing if missing.any() else None))
    return pd.Series(pd.arrays.ArrowStringArray(taken), index=index, dtype="str")


def as_arrow(values: pd.Series) -> pa.ChunkedArray:
    """The Arrow strings of a `str` Series (no copy for Arrow-backed strings)."""
    arrow = pa.array(values.astype("str").array, pa.string())
    return arrow if isinstance(arrow, pa.ChunkedArray) else pa.chunked_array([arrow])


def per_distinct(values: pd.Series, func: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """`func` (element-wise on a `str` Series) applied once per distinct value; nulls stay null."""
    codes, uniques = pd.factorize(values)
    mapped = func(pd.Series(np.asarray(uniques, dtype=object), dtype="str"))
    return take_text(as_arrow(mapped), codes, values.index)
