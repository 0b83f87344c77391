"""report.xlsx (xlsxwriter, constant_memory): the summary, the breakdown (per field, procedure,
channel, month and office), every mismatch, match, quarantined row and file.

Numbers carry Excel formats (#,##0 and 0.00%) so Excel shows them in the reader's locale (9.144;
99,73% in vi-VN); dates are real dates formatted dd/mm/yyyy. Text is always written as text, never
as a formula or a link (a "=…" applicant name stays inert).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import pandas as pd
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook

from doisoat import schema
from doisoat.reconcile.result import ReconcileResult
from doisoat.reports import labels
from doisoat.reports.breakdown_layout import value_labels
from doisoat.reports.display import (
    agreed_fields_vi,
    coded,
    free_text,
    mismatch_values,
    raw_values,
    text,
    unit_display_names,
    unit_names,
)
from doisoat.reports.summary_layout import IS_TOTAL, ROW_LABEL, ordered_summary

logger = logging.getLogger(__name__)

SUMMARY_SHEET: Final = "Tổng hợp"
BREAKDOWN_SHEET: Final = "Phân tổ"
MISMATCH_SHEET: Final = "Sai lệch"
MATCH_SHEET: Final = "Khớp"
QUARANTINE_SHEET: Final = "Cách ly"
FILES_SHEET: Final = "Tệp đầu vào"
SHEETS: Final = (SUMMARY_SHEET, BREAKDOWN_SHEET, MISMATCH_SHEET, MATCH_SHEET, QUARANTINE_SHEET, FILES_SHEET)

EXCEL_MAX_DATA_ROWS: Final = 1_048_575  # 1,048,576 rows less the header
INT_FORMAT: Final = "#,##0"
SIGNED_FORMAT: Final = "+#,##0;-#,##0;0"
PERCENT_FORMAT: Final = "0.00%"
DATE_FORMAT: Final = "dd/mm/yyyy"
SCORE_FORMAT: Final = "0.000"

_COUNTS: Final = (
    schema.PAPER_RECEIVED,
    schema.ELECTRONIC_RECEIVED,
    schema.PAPER_OVERDUE,
    schema.ELECTRONIC_OVERDUE,
)
_DIFFERENCES: Final = (schema.RECEIVED_DIFFERENCE, schema.OVERDUE_DIFFERENCE)
_RATES: Final = (schema.PAPER_ON_TIME_RATE, schema.ELECTRONIC_ON_TIME_RATE)
_DATES: Final = (schema.PERIOD_START, schema.PERIOD_END)


@dataclass(frozen=True)
class SheetColumn:
    """A column of a data sheet: header, values (None for empty), width, Excel number format."""

    header: str
    values: pd.Series
    width: float = 16
    number_format: str | None = None


def _cells(values: pd.Series) -> list[Any]:
    """Python objects for xlsxwriter, None where the value is missing."""
    return values.astype(object).where(values.notna(), None).tolist()


def _numbers(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values, errors="coerce")


def _write_sheet(workbook: Workbook, name: str, columns: Sequence[SheetColumn], header: Format) -> None:
    """Header row, frozen and filtered, then the rows in order (as constant_memory requires)."""
    sheet = workbook.add_worksheet(name)
    for index, column in enumerate(columns):
        fmt = workbook.add_format({"num_format": column.number_format}) if column.number_format else None
        sheet.set_column(index, index, column.width, fmt)
    sheet.write_row(0, 0, [column.header for column in columns], header)
    sheet.freeze_panes(1, 0)
    rows = len(columns[0].values) if columns else 0
    if rows > EXCEL_MAX_DATA_ROWS:
        logger.warning(
            "sheet %s: %d rows cut to Excel's %d; the CSV outputs hold them all",
            name,
            rows,
            EXCEL_MAX_DATA_ROWS,
        )
        rows = EXCEL_MAX_DATA_ROWS
    sheet.autofilter(0, 0, max(rows, 1), len(columns) - 1)
    data = [_cells(column.values.iloc[:rows]) for column in columns]
    for row_number, row in enumerate(zip(*data, strict=True), start=1):
        sheet.write_row(row_number, 0, row)


def _summary_sheet(workbook: Workbook, summary: pd.DataFrame, header: Format) -> None:
    """The summary table, level totals in bold, each cell with its number format."""
    ordered = ordered_summary(summary)
    sheet = workbook.add_worksheet(SUMMARY_SHEET)
    columns = list(labels.SUMMARY_HEADERS)
    sheet.write_row(0, 0, list(labels.SUMMARY_HEADERS.values()), header)
    sheet.freeze_panes(1, 3)
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 1, 14)
    sheet.set_column(2, 2, 32)
    sheet.set_column(3, len(columns) - 1, 14)
    formats: dict[tuple[str, bool], Format] = {}
    for bold in (False, True):
        base = {"bold": True} if bold else {}
        formats[("text", bold)] = workbook.add_format(base)
        formats[("int", bold)] = workbook.add_format({**base, "num_format": INT_FORMAT})
        formats[("signed", bold)] = workbook.add_format({**base, "num_format": SIGNED_FORMAT})
        formats[("rate", bold)] = workbook.add_format({**base, "num_format": PERCENT_FORMAT})
        formats[("date", bold)] = workbook.add_format({**base, "num_format": DATE_FORMAT})
    display = {
        schema.LEVEL: coded(ordered[schema.LEVEL], labels.LEVEL_LABELS),
        schema.UNIT_CODE: text(ordered[schema.UNIT_CODE]),
        schema.UNIT_NAME: ordered[ROW_LABEL],
    }
    for column in _DATES:
        display[column] = pd.to_datetime(ordered[column])
    for column in (*_COUNTS, *_DIFFERENCES, *_RATES):
        display[column] = _numbers(ordered[column])
    kinds = {
        **dict.fromkeys(_COUNTS, "int"),
        **dict.fromkeys(_DIFFERENCES, "signed"),
        **dict.fromkeys(_RATES, "rate"),
        **dict.fromkeys(_DATES, "date"),
    }
    cells = {column: _cells(display[column]) for column in columns}
    for row_number, bold in enumerate(ordered[IS_TOTAL].tolist(), start=1):  # one row per office
        for index, column in enumerate(columns):
            value = cells[column][row_number - 1]
            fmt = formats[(kinds.get(column, "text"), bold)]
            if value is None:
                sheet.write_blank(row_number, index, None, fmt)
            elif isinstance(value, pd.Timestamp):
                sheet.write_datetime(row_number, index, value.to_pydatetime(), fmt)
            else:
                sheet.write(row_number, index, value, fmt)
    sheet.autofilter(0, 0, max(len(ordered), 1), len(columns) - 1)


def _mismatch_columns(mismatches: pd.DataFrame, names: dict[str, str]) -> list[SheetColumn]:
    h = labels.MISMATCH_HEADERS
    return [
        SheetColumn(h[schema.MISMATCH_ID], text(mismatches[schema.MISMATCH_ID]), 18),
        SheetColumn(
            h[schema.MISMATCH_TYPE], coded(mismatches[schema.MISMATCH_TYPE], labels.MISMATCH_TYPE_LABELS), 34
        ),
        SheetColumn(h[schema.UNIT_CODE], text(mismatches[schema.UNIT_CODE]), 12),
        SheetColumn(h[labels.UNIT_DISPLAY_NAME], unit_display_names(mismatches[schema.UNIT_CODE], names), 26),
        SheetColumn(h[schema.DOSSIER_CODE], text(mismatches[schema.DOSSIER_CODE]), 28),
        SheetColumn(h[schema.PAPER_REF], text(mismatches[schema.PAPER_REF]), 34),
        SheetColumn(h[schema.ELECTRONIC_REF], text(mismatches[schema.ELECTRONIC_REF]), 28),
        SheetColumn(
            h[schema.MISMATCH_FIELD], coded(mismatches[schema.MISMATCH_FIELD], labels.FIELD_LABELS), 22
        ),
        SheetColumn(h[schema.PAPER_VALUE], mismatch_values(mismatches, schema.PAPER_VALUE), 28),
        SheetColumn(h[schema.ELECTRONIC_VALUE], mismatch_values(mismatches, schema.ELECTRONIC_VALUE), 28),
        SheetColumn(h[schema.DETAIL], free_text(mismatches[schema.DETAIL]), 50),
    ]


def _match_columns(matches: pd.DataFrame) -> list[SheetColumn]:
    h = labels.MATCH_HEADERS
    columns = [
        SheetColumn(h[column], text(matches[column]), 28)
        for column in (schema.UNIT_CODE, schema.DOSSIER_CODE)
        if column in matches.columns
    ]
    return [
        *columns,
        SheetColumn(h[schema.PAPER_REF], text(matches[schema.PAPER_REF]), 34),
        SheetColumn(h[schema.ELECTRONIC_REF], text(matches[schema.ELECTRONIC_REF]), 28),
        SheetColumn(h[schema.METHOD], coded(matches[schema.METHOD], labels.METHOD_LABELS), 22),
        SheetColumn(h[schema.SCORE], _numbers(matches[schema.SCORE]), 14, SCORE_FORMAT),
        SheetColumn(h[schema.AGREED], agreed_fields_vi(matches[schema.AGREED]), 40),
    ]


def _breakdown_columns(breakdown: pd.DataFrame, names: dict[str, str]) -> list[SheetColumn]:
    """Every column of the breakdown, codes in Vietnamese, numbers with their Excel formats."""
    h = labels.BREAKDOWN_HEADERS
    totals = text(breakdown[schema.UNIT_CODE]) == schema.ALL_UNITS
    level_names = coded(breakdown[schema.LEVEL], labels.LEVEL_LABELS)
    formats = {
        **dict.fromkeys(schema.BREAKDOWN_COUNTS, INT_FORMAT),
        **dict.fromkeys(_DIFFERENCES, SIGNED_FORMAT),
        **dict.fromkeys(schema.BREAKDOWN_RATES, PERCENT_FORMAT),
    }
    numbers = [
        SheetColumn(h[column], _numbers(breakdown[column]), 16, formats[column])
        for column in schema.BREAKDOWN_COLUMNS[4:]
    ]
    return [
        SheetColumn(h[schema.DIMENSION], coded(breakdown[schema.DIMENSION], labels.DIMENSION_LABELS), 14),
        SheetColumn(
            h[schema.DIMENSION_VALUE],
            value_labels(breakdown[schema.DIMENSION], breakdown[schema.DIMENSION_VALUE]),
            36,
        ),
        SheetColumn(h[schema.LEVEL], level_names, 16),
        SheetColumn(h[schema.UNIT_CODE], text(breakdown[schema.UNIT_CODE]), 14),
        SheetColumn(
            h[labels.UNIT_DISPLAY_NAME],
            unit_display_names(breakdown[schema.UNIT_CODE], names).mask(
                totals, "Toàn " + level_names.str.lower()
            ),
            26,
        ),
        *numbers,
    ]


def _quarantine_columns(quarantine: pd.DataFrame) -> list[SheetColumn]:
    h = labels.QUARANTINE_HEADERS
    return [
        SheetColumn(h[schema.SIDE], coded(quarantine[schema.SIDE], labels.SIDE_LABELS), 10),
        SheetColumn(h[schema.REF], text(quarantine[schema.REF]), 34),
        SheetColumn(h[schema.SOURCE_FILE], text(quarantine[schema.SOURCE_FILE]), 26),
        SheetColumn(h[schema.SOURCE_SHEET], text(quarantine[schema.SOURCE_SHEET]), 14),
        SheetColumn(h[schema.SOURCE_ROW], _numbers(quarantine[schema.SOURCE_ROW]), 8, "0"),
        SheetColumn(h[schema.UNIT_CODE], text(quarantine[schema.UNIT_CODE]), 12),
        SheetColumn(h[schema.DOSSIER_CODE], text(quarantine[schema.DOSSIER_CODE]), 28),
        SheetColumn(h[schema.REASONS], free_text(quarantine[schema.REASONS]), 50),
        SheetColumn(h[schema.RAW_VALUES], raw_values(quarantine[schema.RAW_VALUES]), 60),
        SheetColumn(h[schema.SOURCE_SHA256], text(quarantine[schema.SOURCE_SHA256]), 20),
    ]


def _files_columns(files: pd.DataFrame) -> list[SheetColumn]:
    h = labels.FILES_HEADERS
    return [
        SheetColumn(h[labels.FILE_SIDE], coded(files[labels.FILE_SIDE], labels.SIDE_LABELS), 10),
        SheetColumn(h[labels.FILE_NAME], text(files[labels.FILE_NAME]), 36),
        SheetColumn(h[labels.FILE_SHEET], text(files[labels.FILE_SHEET]), 16),
        SheetColumn(h[labels.FILE_ROWS_READ], _numbers(files[labels.FILE_ROWS_READ]), 14, INT_FORMAT),
        SheetColumn(h[labels.FILE_STATUS], coded(files[labels.FILE_STATUS], labels.FILE_STATUS_LABELS), 10),
        SheetColumn(h[labels.FILE_REASON], free_text(files[labels.FILE_REASON]), 60),
        SheetColumn(h[labels.FILE_SHA256], text(files[labels.FILE_SHA256]), 20),
    ]


def write_xlsx(path: Path, result: ReconcileResult, quarantine: pd.DataFrame, files: pd.DataFrame) -> Path:
    """Write report.xlsx with the sheets of SHEETS, in that order."""
    workbook = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "default_date_format": DATE_FORMAT,
        },
    )
    header = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#E7ECF3"})
    _summary_sheet(workbook, result.summary, header)
    _write_sheet(
        workbook, BREAKDOWN_SHEET, _breakdown_columns(result.breakdown, unit_names(result.summary)), header
    )
    _write_sheet(
        workbook, MISMATCH_SHEET, _mismatch_columns(result.mismatches, unit_names(result.summary)), header
    )
    _write_sheet(workbook, MATCH_SHEET, _match_columns(result.matches), header)
    _write_sheet(workbook, QUARANTINE_SHEET, _quarantine_columns(quarantine), header)
    _write_sheet(workbook, FILES_SHEET, _files_columns(files), header)
    workbook.close()
    return path
