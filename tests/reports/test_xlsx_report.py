from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from doisoat import schema
from doisoat.reconcile.result import ReconcileResult
from doisoat.reports import labels
from doisoat.reports.xlsx_report import (
    BREAKDOWN_SHEET,
    FILES_SHEET,
    MATCH_SHEET,
    MISMATCH_SHEET,
    QUARANTINE_SHEET,
    SHEETS,
    SUMMARY_SHEET,
    write_xlsx,
)

from .conftest import MASKED_PHONE, PHONE, SCRIPT_NAME, make_result, mismatch_frame


def _values(sheet: openpyxl.worksheet.worksheet.Worksheet) -> list[list[object]]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_workbook_has_every_sheet_with_vietnamese_headers_and_row_counts(
    tmp_path: Path, result: ReconcileResult, quarantine: pd.DataFrame, files: pd.DataFrame
) -> None:
    book = openpyxl.load_workbook(write_xlsx(tmp_path / "r.xlsx", result, quarantine, files))
    assert book.sheetnames == list(SHEETS)
    expected = {
        SUMMARY_SHEET: (list(labels.SUMMARY_HEADERS.values()), len(result.summary)),
        BREAKDOWN_SHEET: (list(labels.BREAKDOWN_HEADERS.values()), len(result.breakdown)),
        MISMATCH_SHEET: (list(labels.MISMATCH_HEADERS.values()), len(result.mismatches)),
        MATCH_SHEET: (list(labels.MATCH_HEADERS.values()), len(result.matches)),
        QUARANTINE_SHEET: (list(labels.QUARANTINE_HEADERS.values()), len(quarantine)),
        FILES_SHEET: (list(labels.FILES_HEADERS.values()), len(files)),
    }
    for name, (headers, rows) in expected.items():
        values = [row for row in _values(book[name]) if any(cell is not None for cell in row)]
        assert values[0] == headers, name
        assert len(values) - 1 == rows, name
    mismatches = book[MISMATCH_SHEET]
    assert mismatches.freeze_panes == "A2"
    assert mismatches.auto_filter.ref == f"A1:K{len(result.mismatches) + 1}"


def test_summary_sheet_keeps_numbers_as_numbers_with_excel_formats(
    tmp_path: Path, result: ReconcileResult, quarantine: pd.DataFrame, files: pd.DataFrame
) -> None:
    sheet = openpyxl.load_workbook(write_xlsx(tmp_path / "r.xlsx", result, quarantine, files))[SUMMARY_SHEET]
    headers = [cell.value for cell in sheet[1]]
    column = {name: headers.index(header) for name, header in labels.SUMMARY_HEADERS.items()}
    first = sheet[2]  # the city level total heads the table
    assert first[column[schema.UNIT_NAME]].value == "Cấp thành phố"
    assert first[column[schema.UNIT_NAME]].font.bold
    assert first[column[schema.PAPER_RECEIVED]].value == 9144
    assert first[column[schema.PAPER_RECEIVED]].number_format == "#,##0"
    assert first[column[schema.RECEIVED_DIFFERENCE]].value == -6388
    assert first[column[schema.PAPER_ON_TIME_RATE]].value == 0.99727
    assert first[column[schema.PAPER_ON_TIME_RATE]].number_format == "0.00%"
    assert first[column[schema.PERIOD_END]].value == dt.datetime(2019, 6, 28)
    assert first[column[schema.PERIOD_END]].number_format == "dd/mm/yyyy"
    names = [row[column[schema.UNIT_NAME]] for row in _values(sheet)[1:]]
    assert names == ["Cấp thành phố", "Thành phố Tây Ninh", "Cấp xã, phường", "Phường 1", "Xã <Bình Minh>"]


def test_mismatch_sheet_translates_codes_masks_phones_and_keeps_text_inert(
    tmp_path: Path, quarantine: pd.DataFrame, files: pd.DataFrame
) -> None:
    mismatches = mismatch_frame()
    mismatches.loc[0, schema.DETAIL] = "=HYPERLINK(\"http://x\")"
    book = openpyxl.load_workbook(write_xlsx(tmp_path / "r.xlsx", make_result(mismatches), quarantine, files))
    rows = _values(book[MISMATCH_SHEET])
    by_id = {row[0]: row for row in rows[1:]}
    assert by_id["m0004"] == [
        "m0004", "Sai lệch ngày", "TP", "Thành phố Tây Ninh", "000.17.22.H56-190109-0005",
        "so_tp_2019.xlsx!Quý 1!14", "motcua_tp.csv#58", "Ngày trả kết quả", "15/01/2019",
        "17/01/2019 14:30", "Lệch 2 ngày",
    ]
    assert by_id["m0003"][8:10] == ["Đúng hạn", "Quá hạn"]
    assert by_id["m0006"][8] == SCRIPT_NAME
    assert by_id["m0001"][10] == f"Liên hệ {MASKED_PHONE}"
    assert by_id["m0000"][10] == "=HYPERLINK(\"http://x\")"
    assert book[MISMATCH_SHEET]["K2"].data_type == "s"  # a string, not a formula
    everything = str(rows) + str(_values(book[QUARANTINE_SHEET]))
    assert PHONE not in everything
    assert set(labels.MISMATCH_TYPE_LABELS.values()) == {row[1] for row in rows[1:]}


def test_match_quarantine_and_files_sheets_show_labels_and_numbers(
    tmp_path: Path, result: ReconcileResult, quarantine: pd.DataFrame, files: pd.DataFrame
) -> None:
    book = openpyxl.load_workbook(write_xlsx(tmp_path / "r.xlsx", result, quarantine, files))
    assert _values(book[MATCH_SHEET])[1][-1] == "mã hồ sơ + người nộp + thủ tục + ngày nhận"
    assert _values(book[MATCH_SHEET])[2] == [
        "P1", "000.17.22.H56-190103-0002", "so_p1.xlsx!Sheet1!20", "motcua_p1.csv#30", "Gần đúng", 0.875,
        "người nộp + ngày nhận + giờ nhận",
    ]
    quarantined = _values(book[QUARANTINE_SHEET])[1]
    assert quarantined[:5] == ["Sổ giấy", "so_p1.xlsx!Sheet1!40", "so_p1.xlsx", "Sheet1", 40]
    assert quarantined[7] == "received_at: không đọc được ngày '32/13/2019'; dossier_code: trống"
    files_rows = _values(book[FILES_SHEET])
    assert [row[4] for row in files_rows[1:]] == ["Đã đọc", "Bỏ qua", "Lỗi"]
    assert files_rows[1][3] == 9144
    assert book[FILES_SHEET]["D2"].number_format == "#,##0"


def test_empty_inputs_still_write_every_sheet(tmp_path: Path) -> None:
    result = make_result(pd.DataFrame({c: pd.Series(dtype="str") for c in schema.MISMATCH_COLUMNS}))
    quarantine = pd.DataFrame({c: pd.Series(dtype="object") for c in schema.QUARANTINE_COLUMNS})
    files = pd.DataFrame({c: pd.Series(dtype="object") for c in schema.FILES_COLUMNS})
    book = openpyxl.load_workbook(write_xlsx(tmp_path / "r.xlsx", result, quarantine, files))
    assert book.sheetnames == list(SHEETS)
    assert _values(book[MISMATCH_SHEET]) == [list(labels.MISMATCH_HEADERS.values())]


def test_breakdown_sheet_translates_dimensions_and_keeps_numbers_with_formats(
    tmp_path: Path, result: ReconcileResult, quarantine: pd.DataFrame, files: pd.DataFrame
) -> None:
    book = openpyxl.load_workbook(write_xlsx(tmp_path / "r.xlsx", result, quarantine, files))
    sheet = book[BREAKDOWN_SHEET]
    headers = [cell.value for cell in sheet[1]]
    assert len(set(headers)) == len(headers)  # unique, so a filter can name them
    column = {name: headers.index(header) for name, header in labels.BREAKDOWN_HEADERS.items()}
    rows = list(sheet.iter_rows(min_row=2))
    # the breakdown's own order: the city's TN&MT total row is the third row of the fixture
    total = rows[2]
    assert [total[column[k]].value for k in (schema.DIMENSION, schema.DIMENSION_VALUE, schema.LEVEL,
                                             schema.UNIT_CODE, labels.UNIT_DISPLAY_NAME)] == [
        "Lĩnh vực", "Tài nguyên và Môi trường", "Cấp thành phố", "*", "Toàn cấp thành phố",
    ]
    assert total[column[schema.PAPER_RECEIVED]].value == 3000
    assert total[column[schema.PAPER_RECEIVED]].number_format == "#,##0"
    assert total[column[schema.RECEIVED_DIFFERENCE]].value == -2100
    assert total[column[schema.RECEIVED_DIFFERENCE]].number_format == "+#,##0;-#,##0;0"
    assert total[column[schema.SYNC_RATE]].value == pytest.approx(880 / 3000)
    assert total[column[schema.SYNC_RATE]].number_format == "0.00%"
    assert total[column[schema.MISSING_ELECTRONIC]].value == 2120
    assert rows[0][column[labels.UNIT_DISPLAY_NAME]].value == "Thành phố Tây Ninh"
    values = [(r[column[schema.DIMENSION]].value, r[column[schema.DIMENSION_VALUE]].value) for r in rows]
    assert ("Tháng", "01/2019") in values and ("Kênh tiếp nhận", "Zalo") in values
    assert ("Lĩnh vực", "(không rõ lĩnh vực)") in values
    unknown = rows[values.index(("Lĩnh vực", "(không rõ lĩnh vực)"))]
    assert unknown[column[schema.SYNC_RATE]].value is None  # undefined without paper, not 0
