"""Text helpers of the generator: diacritic stripping, slugs, vi-VN counts."""

from __future__ import annotations

import unicodedata

import pandas as pd

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
