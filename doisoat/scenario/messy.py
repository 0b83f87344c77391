"""The `messy` variations: the shapes real offices send, spread over offices and months.

Offices cycle through three ways of keeping the ledger: monthly .xlsx workbooks; quarterly
workbooks with one sheet per month and a "Hướng dẫn" sheet (not a ledger) first; monthly .csv
files (as Excel saves "CSV UTF-8"). The first office's first month is a legacy .xls (Excel
97-2003) workbook, the second office's first quarterly workbook a macro-enabled .xlsm; and a half-
copied duplicate of a workbook (`unreadable_copy`, no rows of its own) sits beside it, which a run
must record as a failed input while every other row still loads. Each file then gets two of the
layout and typing variations of `LEDGER_VARIATIONS` in turn (NFD / TCVN3 / VNI text, header
shifted down, reordered columns, one-row header, no numbering row, bare serial dates, typed text
dates, one "Trả kết quả" column, extra columns). Exports cycle through UTF-8 with BOM (the
default), UTF-16, Windows-1258 and the second vendor's layout (vendor_b.py). Only the files' shape
changes: every row, every figure and every truth ref stays what the default layout gives, refs
following the rows to their new places.

A single "Trả kết quả" column states no timeliness (the reader computes it from the dates), so it
is only given to files where that gives back what the three columns said (no late return, no row
with two return dates, no return written in a column its dates contradict).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, Final

import pandas as pd

from doisoat import schema as c
from doisoat.scenario import columns as k
from doisoat.scenario.ledger import LedgerFile, LedgerStyle, month_file, months_of
from doisoat.scenario.spec import OfficeSpec

LEDGER_VARIATIONS: Final[tuple[dict[str, Any], ...]] = (
    {"text": "nfd"}, {"title_rows": 2}, {"dates": "text"}, {"reordered": True}, {"text": "tcvn3"},
    {"one_row_header": True}, {"dates": "serial"}, {"single_return": True}, {"text": "vni"},
    {"numbering": False}, {"extra_columns": True},
)
MONTHLY, QUARTERLY, CSV_MONTHLY = "monthly", "quarterly", "csv"
KEEPING: Final = (MONTHLY, QUARTERLY, CSV_MONTHLY)
UTF8, UTF16, CP1258, VENDOR_B = "utf-8-sig", "utf-16", "windows-1258", "vendor_b"
XLS_MAX_ROWS: Final = 65_000  # a BIFF8 sheet holds 65,536 rows: bigger months stay .xlsx
UNREADABLE: Final = "unreadable_file"
EXPORT_KINDS: Final = (UTF8, UTF16, CP1258, VENDOR_B)


def _style(counter: int, rows: pd.DataFrame, fmt: str) -> LedgerStyle:
    """Two variations for the `counter`-th file, dropping the single return column where it would
    lose what the three columns state."""
    style = LedgerStyle(fmt=fmt)
    n = len(LEDGER_VARIATIONS)
    for variation in (LEDGER_VARIATIONS[counter % n], LEDGER_VARIATIONS[(counter + 5) % n]):
        if "text" in variation and style.text != "unicode":
            continue
        if variation.get("single_return") and not single_return_safe(rows):
            continue
        style = replace(style, **variation)
    return style


def single_return_safe(rows: pd.DataFrame) -> bool:
    """True when one "Trả kết quả" column keeps every row's timeliness and validity."""
    if rows.empty:
        return True
    two = (rows[k.INVALID_KIND] == k.TWO_RETURN_COLUMNS).fillna(False)
    contradicted = (rows[k.STATED] != rows[k.OUTCOME]).fillna(False)
    return not bool(rows[k.MARK_LATE].notna().any() or two.any() or contradicted.any())


def ledger_files(
    office: OfficeSpec, index: int, period: tuple[dt.date, dt.date], rows: pd.DataFrame, first_counter: int
) -> list[LedgerFile]:
    """The messy ledger files of the `index`-th office; `first_counter` numbers files across offices
    so the variations spread over the whole scenario."""
    keeping = KEEPING[index % len(KEEPING)]
    month = pd.PeriodIndex(rows[c.RECEIVED_AT].dt.to_period("M"))
    months = months_of(period)
    if keeping == QUARTERLY:
        groups: dict[str, list[pd.Period]] = {}
        for m in months:
            groups.setdefault(f"{office.slug}_{m.year}-Q{m.quarter}", []).append(m)
        quarterly = []
        for i, (stem, ms) in enumerate(groups.items()):
            fmt = "xlsm" if index == 1 and i == 0 else "xlsx"
            style = _style(first_counter + i, rows[month.isin(ms)], fmt)
            quarterly.append(LedgerFile(f"{stem}.{fmt}", tuple(ms), style, guide=True))
        return quarterly
    monthly = []
    for i, m in enumerate(months):
        in_month = rows[month == m]
        fmt = "csv" if keeping == CSV_MONTHLY else \
            "xls" if index == 0 and i == 0 and len(in_month) <= XLS_MAX_ROWS else "xlsx"
        style = _style(first_counter + i, in_month, fmt)
        monthly.append(LedgerFile(month_file(office, m, f".{fmt}"), (m,), style))
    return monthly


def unreadable_copy(written: Sequence[Path]) -> Path | None:
    """A half-copied duplicate ("<name> - Copy.xlsx", the first half of the bytes) of the first zip
    workbook in `written`, beside it: a corrupt .xlsx whose rows are all in the original."""
    source = next((p for p in written if p.suffix in (".xlsx", ".xlsm")), None)
    if source is None:
        return None
    data = source.read_bytes()
    copy = source.with_name(f"{source.stem} - Copy.xlsx")
    copy.write_bytes(data[: len(data) // 2])
    return copy


def export_kind(index: int) -> str:
    """How the `index`-th office's software export is written."""
    return EXPORT_KINDS[index % len(EXPORT_KINDS)]
