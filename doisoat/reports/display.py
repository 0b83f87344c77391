"""Vectorised preparation of data columns for people: text, vi-VN dates, labels, masking, escaping."""

from __future__ import annotations

import json
import re
from typing import Final

import pandas as pd
from pandas.api.types import is_float_dtype

from doisoat import reference, schema
from doisoat.reconcile.evidence import AGREED_SEPARATOR, agreed_labels, agreed_text
from doisoat.reports import labels
from doisoat.reports.privacy import mask_series

# ISO timestamps inside free text (e.g. a mismatch's paper_value) → dd/mm/yyyy [HH:MM]
_ISO_MIDNIGHT: Final = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})[T ]00:00(?::00(?:\.0+)?)?(?![\d:.])")
_ISO_DATETIME: Final = re.compile(
    r"(?<!\d)(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(?!\d)"
)
_ISO_DATE: Final = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")

_HTML_ESCAPES: Final = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#x27;"))


def text(values: pd.Series) -> pd.Series:
    """Values as str, NA as ""; integral floats (a column widened by NA) lose their ".0"."""
    if is_float_dtype(values.dtype):
        finite = values.dropna()
        if (finite == finite.round()).all():
            values = values.astype("Int64")
    out = values.astype(object).where(values.notna(), "").astype(str)
    return out.fillna("")


def escape(values: pd.Series) -> pd.Series:
    """html.escape over a text Series, vectorised."""
    for raw, entity in _HTML_ESCAPES:
        values = values.str.replace(raw, entity, regex=False)
    return values


def vi_dates(values: pd.Series) -> pd.Series:
    """ISO dates and timestamps inside text rewritten as dd/mm/yyyy (HH:MM when not midnight)."""
    values = values.str.replace(_ISO_MIDNIGHT, r"\3/\2/\1", regex=True)
    values = values.str.replace(_ISO_DATETIME, r"\3/\2/\1 \4:\5", regex=True)
    return values.str.replace(_ISO_DATE, r"\3/\2/\1", regex=True)


def _status_labels() -> dict[str, str]:
    table = reference.statuses()
    return dict(zip(table["status"], table["label_vi"], strict=True))


def _channel_labels() -> dict[str, str]:
    table = reference.channels()
    return dict(zip(table["channel"], table["label_vi"], strict=True))


def mismatch_values(mismatches: pd.DataFrame, column: str) -> pd.Series:
    """A mismatch value column as a person reads it: vocabulary codes translated, dates in vi-VN
    form, phone numbers masked."""
    values = text(mismatches[column])
    field = text(mismatches[schema.MISMATCH_FIELD])
    kind = text(mismatches[schema.MISMATCH_TYPE])
    vocabularies = {
        schema.STATED_TIMELINESS: labels.TIMELINESS_LABELS,
        schema.STATUS: _status_labels(),
        schema.CHANNEL: _channel_labels(),
    }
    for name, table in vocabularies.items():
        rows = field == name
        if name == schema.STATED_TIMELINESS:
            rows |= kind == schema.TIMELINESS_CONFLICT
        if rows.any():
            values = values.mask(rows, values.replace(table))
    return mask_series(vi_dates(values))


def free_text(values: pd.Series) -> pd.Series:
    """Free text (details, reasons) as a person reads it: vi-VN dates, phone numbers masked."""
    return mask_series(vi_dates(text(values)))


def _raw_values_line(raw: str) -> str:
    try:
        parsed = json.loads(raw)
    except ValueError:
        return raw
    if not isinstance(parsed, dict):
        return raw
    return "; ".join(f"{key}: {'' if value is None else value}" for key, value in parsed.items())


def raw_values(values: pd.Series) -> pd.Series:
    """schema.RAW_VALUES JSON objects as "header: cell; …" lines, phone numbers masked."""
    lines = text(values)
    if not lines.empty:
        lines = lines.map(_raw_values_line).astype(str)
    return mask_series(lines)


def coded(values: pd.Series, table: dict[str, str]) -> pd.Series:
    """Codes replaced by their Vietnamese labels; unknown codes kept as they are."""
    return text(values).replace(table)


def unit_names(summary: pd.DataFrame) -> dict[str, str]:
    """unit_code → unit_name of the offices in a summary (level totals left out)."""
    offices = summary[summary[schema.UNIT_CODE] != schema.ALL_UNITS]
    offices = offices.dropna(subset=[schema.UNIT_CODE, schema.UNIT_NAME])
    return dict(
        zip(offices[schema.UNIT_CODE].astype(str), offices[schema.UNIT_NAME].astype(str), strict=True)
    )


def unit_display_names(unit_codes: pd.Series, names: dict[str, str]) -> pd.Series:
    """Each office's name where the summary knows it, else its code."""
    codes = text(unit_codes)
    return codes.map(names).fillna(codes).astype(str)


def _agreed_vi(label: str) -> str:
    return " + ".join(labels.AGREED_FIELD_LABELS.get(f, f) for f in label.split(AGREED_SEPARATOR) if f)


def agreed_fields_vi(values: pd.Series) -> pd.Series:
    """Each link's agreeing fields in Vietnamese ("mã hồ sơ + người nộp + ngày nhận"): the engine's
    bitmasks (or their text) through the 128 possible labels, translated once each."""
    shown = agreed_text(values)
    if isinstance(shown.dtype, pd.CategoricalDtype):
        return shown.cat.rename_categories([_agreed_vi(str(c)) for c in shown.cat.categories])
    table = {label: _agreed_vi(label) for label in agreed_labels()}
    return text(shown).replace(table)
