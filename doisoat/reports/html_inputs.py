"""Section 4 of report.html: which files were read, skipped or failed, and the quarantined rows."""

from __future__ import annotations

import html
from typing import Final

import pandas as pd

from doisoat import schema
from doisoat.reports import labels
from doisoat.reports.display import coded, escape, free_text, raw_values, text
from doisoat.reports.html_tables import Column, table
from doisoat.reports.vi_format import format_int

MAX_QUARANTINE_ROWS: Final = 2000
_F = labels.FILES_HEADERS
_Q = labels.QUARANTINE_HEADERS


def _reason_list(reasons: pd.Series) -> pd.Series:
    """ "; "-joined reasons as a <ul>, one <li> per reason (every reason shown)."""
    items = escape(free_text(reasons)).str.replace("; ", "</li><li>", regex=False)
    return ('<ul class="reasons"><li>' + items + "</li></ul>").where(items != "", "")


def files_table(files: pd.DataFrame) -> str:
    """Counts per status, then one row per file (and sheet) with its reason."""
    status = text(files[labels.FILE_STATUS])
    counts = ", ".join(
        f"{html.escape(name)}: {format_int(int((status == code).sum()))}"
        for code, name in labels.FILE_STATUS_LABELS.items()
    )
    rows_read = text(files[labels.FILE_ROWS_READ])
    rows_read = rows_read.map(lambda v: format_int(int(v)) if v.lstrip("-").isdigit() else v).astype(str)
    columns = [
        Column(_F[labels.FILE_SIDE], escape(coded(files[labels.FILE_SIDE], labels.SIDE_LABELS))),
        Column(_F[labels.FILE_NAME], escape(text(files[labels.FILE_NAME]))),
        Column(_F[labels.FILE_SHEET], escape(text(files[labels.FILE_SHEET]))),
        Column(_F[labels.FILE_ROWS_READ], escape(rows_read), "num"),
        Column(_F[labels.FILE_STATUS], escape(coded(files[labels.FILE_STATUS], labels.FILE_STATUS_LABELS))),
        Column(_F[labels.FILE_REASON], escape(free_text(files[labels.FILE_REASON]))),
    ]
    return f"<p>Số tệp — {counts}.</p>" + table(columns, css_class="wide")


def quarantine_table(quarantine: pd.DataFrame) -> str:
    """Counts per side, then the quarantined rows (at most MAX_QUARANTINE_ROWS) with every reason."""
    total = len(quarantine)
    side = text(quarantine[schema.SIDE])
    counts = ", ".join(
        f"{html.escape(name)}: {format_int(int((side == code).sum()))}"
        for code, name in labels.SIDE_LABELS.items()
    )
    parts = [f"<p>Số dòng bị cách ly: {format_int(total)} ({counts}).</p>"]
    if total == 0:
        return "".join(parts)
    shown = quarantine.head(MAX_QUARANTINE_ROWS)
    if total > MAX_QUARANTINE_ROWS:
        parts.append(
            f'<p class="note">Chỉ hiển thị {format_int(MAX_QUARANTINE_ROWS)} dòng đầu trong tổng số '
            f"{format_int(total)} dòng. Danh sách đầy đủ có trong report.xlsx (trang “Cách ly”).</p>"
        )
    ref = escape(text(shown[schema.REF]))
    columns = [
        Column(_Q[schema.SIDE], escape(coded(shown[schema.SIDE], labels.SIDE_LABELS))),
        Column(_Q[schema.REF], ("<code>" + ref + "</code>").where(ref != "", "")),
        Column(_Q[schema.UNIT_CODE], escape(text(shown[schema.UNIT_CODE]))),
        Column(_Q[schema.DOSSIER_CODE], escape(text(shown[schema.DOSSIER_CODE]))),
        Column(_Q[schema.REASONS], _reason_list(shown[schema.REASONS])),
        Column(_Q[schema.RAW_VALUES], escape(raw_values(shown[schema.RAW_VALUES]))),
    ]
    parts.append(table(columns, css_class="wide"))
    return "".join(parts)


def inputs_section(files: pd.DataFrame, quarantine: pd.DataFrame) -> str:
    """Files, then quarantine."""
    return (
        "<h3>Tệp đầu vào</h3>"
        + files_table(files)
        + "<h3>Dòng bị cách ly (không đưa vào đối soát)</h3>"
        + quarantine_table(quarantine)
    )
