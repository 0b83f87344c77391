"""Masking of personal numbers in what the reports show (Decree 13/2023/NĐ-CP).

Phone numbers (0912345678, 0912 345 678, +84 912 345 678, 11-digit landlines) and bare 9- or
12-digit runs (ID card numbers, and phone numbers whose leading zero a spreadsheet dropped) keep
only their last 3 digits: "0912345678" → "*******678". Names are not masked: an inspector needs them.
"""

from __future__ import annotations

import re
from typing import Final

import pandas as pd

_PERSONAL_NUMBER: Final = re.compile(
    r"(?<![\d+])"
    r"(?:(?:\+?84[ .\-]?|0)\d{2}(?:[ .\-]?\d){7,8}"  # phone: 0 + 9-10 digits, or +84 + 9-10 digits
    r"|\d{9}(?:\d{3})?)"  # bare 9 or 12 digits: CMND / CCCD, or a phone without its leading 0
    r"(?!\d)"
)
_KEPT_DIGITS: Final = 3
_URL_PASSWORD: Final = re.compile(r"(//[^/:@]*:)[^@/]*@")


def _mask_match(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return "*" * (len(digits) - _KEPT_DIGITS) + digits[-_KEPT_DIGITS:]


def mask_personal_numbers(text: str) -> str:
    """`text` with every phone or ID number masked down to its last 3 digits."""
    return _PERSONAL_NUMBER.sub(_mask_match, text)


def mask_series(values: pd.Series) -> pd.Series:
    """`mask_personal_numbers` over a text Series (NA stays NA)."""
    if values.empty:
        return values
    return values.str.replace(_PERSONAL_NUMBER, _mask_match, regex=True)


def redact_url(url: str) -> str:
    """A database URL with its password replaced by '***' (reports must not leak credentials)."""
    return _URL_PASSWORD.sub(r"\1***@", url)
