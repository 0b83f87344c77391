"""Small, messy input files written by code: Mẫu 06 ledgers (openpyxl) and software exports (CSV)."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

# The 14 columns of form Mẫu số 06, "Trả kết quả" split in three (as in the Tây Ninh ledgers).
MAU06_HEADERS = [
    "STT", "Mã hồ sơ", "Tên thủ tục hành chính", "Số lượng hồ sơ (bộ)", "Tên cá nhân, tổ chức",
    "Địa chỉ, số điện thoại", "Cơ quan chủ trì giải quyết", "Nhận hồ sơ\n(giờ, ngày)", "Hẹn trả kết quả",
    "Chuyển hồ sơ đến cơ quan giải quyết", "Trước hạn", "Đúng hạn", "Quá hạn", "Ghi chú",
]
RETURN_SUBHEADERS = ("Trước hạn", "Đúng hạn", "Quá hạn")
TITLES = ["UBND TỈNH TÂY NINH", "ỦY BAN NHÂN DÂN PHƯỜNG 1", "", "SỔ THEO DÕI HỒ SƠ", "Tháng 01 năm 2019"]
FOOTER = [[], ["Tổng cộng: 1.234 hồ sơ"], [], ["", "", "", "", "NGƯỜI LẬP SỔ"],
          ["", "", "", "", "(Ký, ghi rõ họ tên)"], [], ["", "", "", "", "Nguyễn Thị Lập"]]


@dataclass
class LedgerSheet:
    """One Mẫu 06 sheet. `rows` hold values in `headers` order (the three return sub-columns as
    three values). `two_row_header` merges "Trả kết quả" over the sub-columns."""

    rows: list[list[Any]]
    headers: list[str] = field(default_factory=lambda: list(MAU06_HEADERS))
    titles: list[str] = field(default_factory=lambda: list(TITLES))
    blank_rows_before_header: int = 1
    two_row_header: bool = True
    numbering: str | None = "parenthesised"  # "parenthesised", "plain" or None
    footer: list[list[Any]] = field(default_factory=lambda: [list(r) for r in FOOTER])


def _write_sheet(ws: Worksheet, spec: LedgerSheet) -> None:
    row = 1
    for title in spec.titles:
        if title:
            ws.cell(row, 1, title)
        row += 1
    row += spec.blank_rows_before_header
    header_row = row
    split = [i for i, h in enumerate(spec.headers) if h in RETURN_SUBHEADERS]
    if spec.two_row_header:
        for i, text in enumerate(spec.headers):
            col = i + 1
            if i in split:
                ws.cell(header_row + 1, col, text)
            else:
                ws.cell(header_row, col, text)
                ws.merge_cells(start_row=header_row, end_row=header_row + 1, start_column=col, end_column=col)
        if split:
            ws.cell(header_row, split[0] + 1, "Trả kết quả")
            ws.merge_cells(start_row=header_row, end_row=header_row, start_column=split[0] + 1,
                           end_column=split[-1] + 1)
        row = header_row + 2
    else:
        for i, text in enumerate(spec.headers):
            ws.cell(header_row, i + 1, text)
        row = header_row + 1
    if spec.numbering:
        for i in range(len(spec.headers)):
            ws.cell(row, i + 1, f"({i + 1})" if spec.numbering == "parenthesised" else i + 1)
        row += 1
    for values in spec.rows:
        for i, value in enumerate(values):
            if value is not None:
                ws.cell(row, i + 1, value)
        row += 1
    for values in spec.footer:
        for i, value in enumerate(values):
            if value:
                ws.cell(row, i + 1, value)
        row += 1


def write_workbook(path: Path, sheets: dict[str, LedgerSheet | Sequence[Sequence[Any]]]) -> Path:
    """A workbook with one sheet per entry: a LedgerSheet, or plain rows of values."""
    path.parent.mkdir(parents=True, exist_ok=True)
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, spec in sheets.items():
        ws = book.create_sheet(name)
        if isinstance(spec, LedgerSheet):
            _write_sheet(ws, spec)
        else:
            for values in spec:
                ws.append(list(values))
    book.save(path)
    return path


EXPORT_HEADERS = ["STT", "Mã hồ sơ", "Tên thủ tục", "Lĩnh vực", "Đơn vị tiếp nhận", "Người nộp",
                  "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày có kết quả", "Trạng thái", "Tiến độ",
                  "Hình thức nộp"]


_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def cp1258_text(text: str) -> str:
    """Text as Windows-1258 stores Vietnamese: base letters (ă, ơ, ư…) precomposed, tone marks
    as separate combining characters."""
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(p for p in parts if p in _TONE_MARKS)
        base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in _TONE_MARKS))
        out.append(base + tones)
    return "".join(out)


def write_csv(path: Path, headers: Sequence[str], rows: Sequence[Sequence[Any]], *, bom: bool = True,
              delimiter: str = ",", encoding: str = "utf-8", above: Sequence[Sequence[Any]] = ()) -> Path:
    """A CSV export (UTF-8 with BOM by default, like Excel's "CSV UTF-8"); cp1258 is written the way
    Windows stores Vietnamese (combining tone marks). `above` are the lines above the header (a
    ledger saved as CSV keeps its title lines there)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerows(above)
    writer.writerow(headers)
    writer.writerows(rows)
    text = buffer.getvalue()
    if encoding == "cp1258":
        text = cp1258_text(text)
    path.write_bytes(text.encode("utf-8-sig" if bom and encoding == "utf-8" else encoding))
    return path
