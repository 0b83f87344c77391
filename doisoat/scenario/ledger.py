"""The paper side as clerks keep it: one Mẫu số 06 workbook per office and month.

Layout (1-based rows): 1–2 the office block on the left (parent authority, then the office) and
the national motto on the right; 4 "SỔ THEO DÕI HỒ SƠ"; 5 "Tháng MM năm YYYY"; 7–8 a two-row
header of 14 columns A..N with "Trả kết quả" split into Trước hạn / Đúng hạn / Quá hạn; 9 the
column numbers "(1)".."(14)"; data from row 10 in order of receipt; then a blank row,
"Tổng cộng: <n> hồ sơ", a blank row and the signature block.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from doisoat import schema as c
from doisoat.scenario import columns as k
from doisoat.scenario.spec import OfficeSpec
from doisoat.scenario.text import format_count

FIRST_DATA_ROW: Final = 10  # 1-based
HEADER_TOP: Final = 7
HEADERS: Final = (
    "STT", "Mã hồ sơ", "Tên thủ tục hành chính", "Số lượng hồ sơ (bộ)", "Tên cá nhân, tổ chức",
    "Địa chỉ, số điện thoại", "Cơ quan chủ trì giải quyết", "Nhận hồ sơ (giờ, ngày)",
    "Hẹn trả kết quả", "Chuyển hồ sơ đến cơ quan giải quyết", "Trả kết quả", "", "", "Ghi chú",
)
RETURN_SUBHEADERS: Final = ("Trước hạn", "Đúng hạn", "Quá hạn")  # K8, L8, M8
WIDTHS: Final = (5, 24, 36, 9, 22, 36, 26, 16, 11, 13, 11, 11, 11, 16)
TITLE: Final = "SỔ THEO DÕI HỒ SƠ"
TOTAL_LABEL: Final = "Tổng cộng: {n} hồ sơ"
SIGNER: Final = "NGƯỜI LẬP SỔ"
SIGN_HINT: Final = "(Ký, ghi rõ họ tên)"
_LAST_COL: Final = len(HEADERS) - 1
_EXCEL_EPOCH: Final = np.datetime64("1899-12-30T00:00:00", "us")


def month_file(office: OfficeSpec, month: pd.Period) -> str:
    """"phuong-1_2019-03.xlsx"."""
    return f"{office.slug}_{month.year}-{month.month:02d}.xlsx"


def month_sheet(month: pd.Period) -> str:
    """"T03-2019"."""
    return f"T{month.month:02d}-{month.year}"


def layout_paper(dossiers: pd.DataFrame, office: OfficeSpec) -> pd.DataFrame:
    """The ledger rows (paper dossiers plus the duplicated rows) in file order, with the file,
    sheet and row number each lands on. A duplicated row follows its original."""
    base = dossiers[dossiers[k.ROLE] != k.ELECTRONIC_ONLY].assign(**{k.EXTRA: False})
    extra = dossiers[dossiers[k.FINDING] == c.DUPLICATE_PAPER].assign(**{k.EXTRA: True})
    rows = pd.concat([base, extra], ignore_index=True)
    rows = rows.sort_values([c.RECEIVED_AT, c.DOSSIER_CODE, k.EXTRA], kind="stable", ignore_index=True)
    rows[k.FILE] = rows[c.RECEIVED_AT].dt.strftime(f"{office.slug}_%Y-%m.xlsx")
    rows[k.SHEET] = rows[c.RECEIVED_AT].dt.strftime("T%m-%Y")
    rows[k.ROW] = rows.groupby(k.FILE, sort=False).cumcount() + FIRST_DATA_ROW
    return rows


def _serial(values: pd.Series) -> np.ndarray:
    """Excel serial day numbers (NaN when blank), computed as xlsxwriter does for datetimes."""
    delta = (values.to_numpy(dtype="datetime64[us]") - _EXCEL_EPOCH).astype("timedelta64[us]")
    us = delta.astype("int64").astype("float64")
    days = np.floor(us / 86_400e6)
    serial = days + (us - days * 86_400e6) / 1e6 / 86_400
    return np.where(values.isna().to_numpy(), np.nan, serial)


class _Formats:
    """The cheap formats a clerk's file has: bold titles, bordered table, date formats."""

    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        base: dict[str, Any] = {"font_name": "Times New Roman", "font_size": 12}
        cell = {**base, "border": 1, "valign": "vcenter"}
        self.block = wb.add_format({**base, "bold": True, "align": "center"})
        self.motto = wb.add_format({**base, "bold": True, "align": "center", "underline": 1})
        self.title = wb.add_format({**base, "bold": True, "align": "center", "font_size": 16})
        self.month = wb.add_format({**base, "italic": True, "align": "center"})
        self.header = wb.add_format({**cell, "bold": True, "align": "center", "text_wrap": True})
        self.number = wb.add_format({**cell, "italic": True, "align": "center"})
        self.text = wb.add_format(cell)
        self.center = wb.add_format({**cell, "align": "center"})
        self.datetime = wb.add_format({**cell, "align": "center", "num_format": "hh:mm dd/mm/yyyy"})
        self.date = wb.add_format({**cell, "align": "center", "num_format": "dd/mm/yyyy"})
        self.total = wb.add_format({**base, "bold": True})
        self.signer = wb.add_format({**base, "bold": True, "align": "center"})
        self.hint = wb.add_format({**base, "italic": True, "align": "center"})


def _write_head(ws: Worksheet, f: _Formats, office: OfficeSpec, month: pd.Period) -> None:
    ws.merge_range(0, 0, 0, 4, office.parent_authority, f.block)
    ws.merge_range(0, 8, 0, _LAST_COL, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", f.block)
    ws.merge_range(1, 0, 1, 4, office.title_name, f.block)
    ws.merge_range(1, 8, 1, _LAST_COL, "Độc lập - Tự do - Hạnh phúc", f.motto)
    ws.merge_range(3, 0, 3, _LAST_COL, TITLE, f.title)
    ws.merge_range(4, 0, 4, _LAST_COL, f"Tháng {month.month:02d} năm {month.year}", f.month)
    top = HEADER_TOP - 1
    for col, text in enumerate(HEADERS):
        if 10 <= col <= 12:
            continue
        ws.merge_range(top, col, top + 1, col, text, f.header)
    ws.merge_range(top, 10, top, 12, HEADERS[10], f.header)
    for col, text in zip(range(10, 13), RETURN_SUBHEADERS, strict=True):
        ws.write_string(top + 1, col, text, f.header)
    for col in range(len(HEADERS)):
        ws.write_string(top + 2, col, f"({col + 1})", f.number)
    ws.set_row(top, 30)
    ws.set_row(top + 1, 30)
    for col, width in enumerate(WIDTHS):
        ws.set_column(col, col, width)


def _write_rows(ws: Worksheet, f: _Formats, rows: pd.DataFrame) -> None:
    """Data rows; a loop per row is inherent to writing cells (files stay at clerk size)."""
    texts = [
        rows[col].astype("object").where(rows[col].notna(), None).tolist()
        for col in (c.DOSSIER_CODE, c.PROCEDURE_NAME, c.APPLICANT_NAME, c.APPLICANT_CONTACT,
                    c.HANDLING_AGENCY, c.NOTE)
    ]
    dates = [
        _serial(rows[col]).tolist()
        for col in (c.RECEIVED_AT, c.DUE_DATE, c.TRANSFERRED_DATE, k.MARK_EARLY, k.MARK_ON_TIME,
                    k.MARK_LATE)
    ]
    date_cols = (7, 8, 9, 10, 11, 12)
    formats = (f.datetime, f.date, f.date, f.date, f.date, f.date)
    stt = range(1, len(rows) + 1)
    for i, (seq, qty, code, proc, name, contact, agency, note, *serials) in enumerate(
        zip(stt, rows[c.QUANTITY].tolist(), *texts, *dates, strict=True)
    ):
        r = FIRST_DATA_ROW - 1 + i
        ws.write_number(r, 0, seq, f.center)
        ws.write_string(r, 1, code, f.text)
        ws.write_string(r, 2, proc, f.text)
        ws.write_number(r, 3, qty, f.center)
        ws.write_string(r, 4, name, f.text)
        ws.write_string(r, 5, contact, f.text)
        ws.write_string(r, 6, agency, f.text)
        for col, value, fmt in zip(date_cols, serials, formats, strict=True):
            if value == value:  # not NaN
                ws.write_number(r, col, value, fmt)
            else:
                ws.write_blank(r, col, None, fmt)
        if note is None:
            ws.write_blank(r, 13, None, f.text)
        else:
            ws.write_string(r, 13, note, f.text)


def _write_foot(ws: Worksheet, f: _Formats, n: int, clerk: str) -> None:
    r = FIRST_DATA_ROW - 1 + n + 1  # one blank row after the data
    ws.write_string(r, 0, TOTAL_LABEL.format(n=format_count(n)), f.total)
    ws.merge_range(r + 2, 10, r + 2, _LAST_COL, SIGNER, f.signer)
    ws.merge_range(r + 3, 10, r + 3, _LAST_COL, SIGN_HINT, f.hint)
    ws.merge_range(r + 7, 10, r + 7, _LAST_COL, clerk, f.signer)


def write_ledgers(
    rows: pd.DataFrame, office: OfficeSpec, period: tuple[dt.date, dt.date], folder: Path,
    clerk: str,
) -> list[Path]:
    """One workbook per month of the period (months without dossiers get an empty ledger)."""
    folder.mkdir(parents=True, exist_ok=True)
    months = pd.period_range(period[0], period[1], freq="M")
    by_file = {name: group for name, group in rows.groupby(k.FILE, sort=False)}
    written = []
    for month in months:  # per file
        name = month_file(office, month)
        group = by_file.get(name, rows.iloc[:0])
        path = folder / name
        wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
        stamp = dt.datetime.combine(period[1], dt.time(17, 0))
        wb.set_properties({"title": f"{TITLE} {month_sheet(month)}", "author": clerk, "created": stamp})
        ws = wb.add_worksheet(month_sheet(month))
        f = _Formats(wb)
        _write_head(ws, f, office, month)
        _write_rows(ws, f, group)
        _write_foot(ws, f, len(group), clerk)
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.repeat_rows(HEADER_TOP - 1, HEADER_TOP + 1)
        ws.fit_to_pages(1, 0)
        wb.close()
        written.append(path)
    return written
