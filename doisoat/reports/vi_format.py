"""vi-VN formatting of numbers, rates and dates for everything a user reads (9.144; 99,73%; 28/06/2019)."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd


def format_int(value: float | int | None) -> str:
    """Thousands separated by '.', e.g. 9144 → '9.144', -6388 → '-6.388'."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return f"{int(value):,}".replace(",", ".")


def format_percent(rate: float | None, decimals: int = 2) -> str:
    """A 0..1 fraction as a percentage with a decimal comma, e.g. 0.99727 → '99,73%'."""
    if rate is None or rate is pd.NA or (isinstance(rate, float) and math.isnan(rate)):
        return ""
    text = f"{rate * 100:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".") + "%"


def format_date(value: dt.date | dt.datetime | pd.Timestamp | None) -> str:
    """dd/mm/yyyy, empty for a missing date."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return ""
    return pd.Timestamp(value).strftime("%d/%m/%Y")


def format_signed(value: float | int | None) -> str:
    """An integer difference with an explicit sign, e.g. -6388 → '-6.388', 1068 → '+1.068'."""
    text = format_int(value)
    return f"+{text}" if text and not text.startswith("-") and int(value or 0) != 0 else text


def format_datetime(value: dt.datetime | pd.Timestamp | None) -> str:
    """dd/mm/yyyy HH:MM, empty for a missing time."""
    if value is None or value is pd.NaT:
        return ""
    return pd.Timestamp(value).strftime("%d/%m/%Y %H:%M")
