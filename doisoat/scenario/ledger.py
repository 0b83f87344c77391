"""The paper side as clerks keep it: by default one Mẫu số 06 workbook per office and month.

Default layout (1-based rows): 1–2 the office block on the left (parent authority, then the
office) and the national motto on the right; 4 "SỔ THEO DÕI HỒ SƠ"; 5 "Tháng MM năm YYYY"; 7–8 a
two-row header of 14 columns A..N with "Trả kết quả" split into Trước hạn / Đúng hạn / Quá hạn;
9 the column numbers "(1)".."(14)"; data from row 10 in order of receipt; then a blank row,
"Tổng cộng: <n> hồ sơ", a blank row and the signature block.

A `LedgerStyle` describes the local variants of messy scenarios (messy.py): CSV, legacy .xls
(BIFF8, xls.py) or a macro-enabled .xlsm (macro.py) instead of xlsx, NFD or legacy-font text, the
header shifted down, columns reordered, a one-row header, no numbering row, dates as bare Excel
serial numbers or as typed text, one "Trả kết quả" column, extra columns; a `LedgerFile` may hold
several months (one sheet each) and a "Hướng dẫn" sheet. """

from __future__ import annotations

import csv
import datetime as dt
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, cast

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from doisoat import schema as c
from doisoat.scenario import columns as k
from doisoat.scenario.macro import as_macro_workbook
from doisoat.scenario.order import laid_out
from doisoat.scenario.spec import OfficeSpec
from doisoat.scenario.text import arrow_to_str, format_count, format_stamps
from doisoat.scenario.xls import write_xls

FIRST_DATA_ROW: Final = 10  # 1-based
HEADER_TOP: Final = 7
TITLE: Final = "SỔ THEO DÕI HỒ SƠ"
TOTAL_LABEL: Final = "Tổng cộng: {n} hồ sơ"
SIGNER: Final = "NGƯỜI LẬP SỔ"
SIGN_HINT: Final = "(Ký, ghi rõ họ tên)"
_EXCEL_EPOCH: Final = np.datetime64("1899-12-30T00:00:00", "us")


GUIDE_SHEET: Final = "Hướng dẫn"
GUIDE_LINES: Final = (
    "HƯỚNG DẪN SỬ DỤNG SỔ",
    "Mỗi tháng ghi vào một trang tính riêng, đặt tên theo tháng.",
    "Ghi đầy đủ thông tin theo Mẫu số 06 ban hành kèm Thông tư 01/2018/TT-VPCP.",
    "Cuối tháng cộng sổ, người lập sổ ký và ghi rõ họ tên.",
)
BOOK_NUMBER: Final = "Quyển số: {n:02d}/{year}"
# column key → (header, width); the return columns are "early", "on_time", "late" or "returned"
COLUMN_HEADERS: Final[dict[str, tuple[str, int]]] = {
    "stt": ("STT", 5), "code": ("Mã hồ sơ", 24), "procedure": ("Tên thủ tục hành chính", 36),
    "quantity": ("Số lượng hồ sơ (bộ)", 9), "applicant": ("Tên cá nhân, tổ chức", 22),
    "contact": ("Địa chỉ, số điện thoại", 36), "agency": ("Cơ quan chủ trì giải quyết", 26),
    "received": ("Nhận hồ sơ (giờ, ngày)", 16), "due": ("Hẹn trả kết quả", 11),
    "transferred": ("Chuyển hồ sơ đến cơ quan giải quyết", 13), "early": ("Trước hạn", 11),
    "on_time": ("Đúng hạn", 11), "late": ("Quá hạn", 11), "returned": ("Trả kết quả", 11),
    "method": ("Phương thức nhận kết quả", 14), "signature": ("Ký nhận", 14), "note": ("Ghi chú", 16),
}
# the three sub-columns as a one-row header writes them
ONE_ROW_RETURNS: Final = {"early": "Trả trước hạn", "on_time": "Trả đúng hạn", "late": "Trả quá hạn"}
_SPLIT: Final = ("early", "on_time", "late")
_DEFAULT_ORDER: Final = ("stt", "code", "procedure", "quantity", "applicant", "contact", "agency",
                         "received", "due", "transferred")
_REORDERED: Final = ("stt", "received", "code", "applicant", "contact", "procedure", "quantity", "due",
                     "agency", "transferred")
_DATE_KEYS: Final = ("received", "due", "transferred", "early", "on_time", "late", "returned")
TEXT_DATE_FORMS: Final = ("%-d/%-m/%y", "%d-%m-%Y", "%d.%m.%Y")  # dates typed as text, by row


@dataclass(frozen=True)
class LedgerStyle:
    """How one ledger file is laid out and typed (the default is the form as the skeleton writes it)."""

    fmt: str = "xlsx"  # "xlsx", "xlsm" (macro-enabled), "xls" (BIFF8: no merges, no formats) or "csv"
    text: str = "unicode"  # "unicode", "nfd", "tcvn3" or "vni"
    title_rows: int = 0  # extra rows above the header ("Quyển số …"): the header shifted down
    reordered: bool = False  # columns in another order
    one_row_header: bool = False  # no merged "Trả kết quả" group row
    numbering: bool = True  # the "(1)", "(2)"… row under the header
    dates: str = "cells"  # "cells" (Excel dates), "serial" (bare serial numbers) or "text"
    single_return: bool = False  # one "Trả kết quả" date column instead of three
    extra_columns: bool = False  # "Phương thức nhận kết quả", "Ký nhận"

    @property
    def first_data_row(self) -> int:
        """1-based row of the first data row."""
        return HEADER_TOP + self.title_rows + (1 if self.one_row_header else 2) + int(self.numbering)

    def columns(self) -> tuple[str, ...]:
        """The columns in sheet order."""
        returns = ("returned",) if self.single_return else _SPLIT
        extra = ("method", "signature") if self.extra_columns else ()
        return (*(_REORDERED if self.reordered else _DEFAULT_ORDER), *returns, *extra, "note")

    def variations(self) -> list[str]:
        """Names of what differs from the default layout (as recorded in manifest.yaml)."""
        out = []
        if self.fmt != "xlsx":
            out.append(f"{self.fmt}_ledger")
        if self.text != "unicode":
            out.append(f"{self.text}_text")
        flags = ((self.title_rows > 0, "shifted_header"), (self.reordered, "reordered_columns"),
                 (self.one_row_header, "one_row_header"), (not self.numbering, "no_numbering_row"),
                 (self.single_return, "single_return_column"), (self.extra_columns, "extra_columns"))
        for flag, name in flags:
            if flag:
                out.append(name)
        if self.dates != "cells":
            out.append(f"{self.dates}_dates")
        return out


@dataclass(frozen=True)
class LedgerFile:
    """One ledger file: its name, the months it holds (one sheet each), its style."""

    name: str
    months: tuple[pd.Period, ...]
    style: LedgerStyle = field(default_factory=LedgerStyle)
    guide: bool = False  # a "Hướng dẫn" sheet (not a ledger) first

    def sheet(self, month: pd.Period) -> str:
        """Sheet of `month`: "T03-2019"; "" for a CSV, which has no sheet (refs "<file>#<row>")."""
        return "" if self.style.fmt == "csv" else month_sheet(month)


def month_file(office: OfficeSpec, month: pd.Period, suffix: str = ".xlsx") -> str:
    """"phuong-1_2019-03.xlsx"."""
    return f"{office.slug}_{month.year}-{month.month:02d}{suffix}"


def month_sheet(month: pd.Period) -> str:
    """"T03-2019"."""
    return f"T{month.month:02d}-{month.year}"


def months_of(period: tuple[dt.date, dt.date]) -> list[pd.Period]:
    """The months of the period."""
    return list(pd.period_range(period[0], period[1], freq="M"))


def default_files(office: OfficeSpec, period: tuple[dt.date, dt.date]) -> list[LedgerFile]:
    """One default workbook per month."""
    return [LedgerFile(month_file(office, m), (m,)) for m in months_of(period)]


def layout_paper(
    dossiers: pd.DataFrame, office: OfficeSpec, files: list[LedgerFile] | None = None
) -> pd.DataFrame:
    """The ledger rows (paper dossiers plus the duplicated rows) in file order, with the file,
    sheet and row number each lands on. A duplicated row follows its original."""
    rows = laid_out(dossiers, (dossiers[k.ROLE] != k.ELECTRONIC_ONLY).to_numpy(),
                    (dossiers[k.FINDING] == c.DUPLICATE_PAPER).to_numpy(dtype=bool, na_value=False),
                    c.RECEIVED_AT)
    month = arrow_to_str(format_stamps(rows[c.RECEIVED_AT], "%Y-%m"), rows.index)
    if files is None:
        rows[k.FILE] = office.slug + "_" + month + ".xlsx"
        rows[k.SHEET] = "T" + month.str.slice(5, 7) + "-" + month.str.slice(0, 4)
        rows[k.ROW] = rows.groupby(k.FILE, sort=False).cumcount() + FIRST_DATA_ROW
        return rows
    where = {
        f"{m.year}-{m.month:02d}": (f.name, f.sheet(m), f.style.first_data_row)
        for f in files for m in f.months
    }
    rows[k.FILE] = month.map({key: v[0] for key, v in where.items()}).astype("str")
    rows[k.SHEET] = month.map({key: v[1] for key, v in where.items()}).astype("str")
    first = month.map({key: v[2] for key, v in where.items()}).astype("int64")
    rows[k.ROW] = rows.groupby([k.FILE, k.SHEET], sort=False).cumcount() + first
    return rows


def _serial(values: pd.Series) -> np.ndarray:
    """Excel serial day numbers (NaN when blank), computed as xlsxwriter does for datetimes."""
    delta = (values.to_numpy(dtype="datetime64[us]") - _EXCEL_EPOCH).astype("timedelta64[us]")
    us = delta.astype("int64").astype("float64")
    days = np.floor(us / 86_400e6)
    serial = days + (us - days * 86_400e6) / 1e6 / 86_400
    return np.where(values.isna().to_numpy(), np.nan, serial)


_CLOCK_VI: Final = pa.array([f"{h} giờ {m:02d}" for h in range(24) for m in range(60)], pa.string())


def _text_dates(values: pd.Series, key: str) -> list[str | None]:
    """Dates typed as text, the form varying by row: receipts "8 giờ 30, 05/01/2019" or
    "05/01/2019 08:30"; other dates "5/1/19", "05-01-2019" or "05.01.2019"."""
    n = len(values)
    if key == "received":
        plain = format_stamps(values, "%d/%m/%Y", "hm")
        minute = (values - values.dt.normalize()).dt.total_seconds().fillna(0).to_numpy() // 60
        spoken = pc.binary_join_element_wise(
            pc.take(_CLOCK_VI, pa.array(minute.astype(np.int64))), ", ", format_stamps(values, "%d/%m/%Y"),
            "")
        text = pc.if_else(pa.array(np.arange(n) % 2 == 0), spoken, plain)
    else:
        forms = [format_stamps(values, f) for f in TEXT_DATE_FORMS]
        pick = np.arange(n) % len(forms)
        text = forms[0]
        for i in range(1, len(forms)):
            text = pc.if_else(pa.array(pick == i), forms[i], text)
    return [None if v is None else str(v) for v in text.to_pylist()]


def _date_cells(values: pd.Series, key: str, style: LedgerStyle) -> list[Any]:
    """The cells of one date column: serial numbers (floats) or text."""
    if style.dates == "text":
        return _text_dates(values, key)
    if style.fmt == "csv" and style.dates == "cells":  # what Excel saves: the displayed text
        shown = format_stamps(values, "%d/%m/%Y", "hm" if key == "received" else "")
        return list(shown.to_pylist())
    return [None if v != v else v for v in _serial(values).tolist()]


def _column_cells(rows: pd.DataFrame, style: LedgerStyle) -> dict[str, list[Any]]:
    """Cell values of every column of `style` for the sheet's rows."""
    def text(col: str) -> list[Any]:
        return rows[col].astype("object").where(rows[col].notna(), None).tolist()

    returned = rows[k.MARK_EARLY].fillna(rows[k.MARK_ON_TIME]).fillna(rows[k.MARK_LATE])
    dates = {"received": rows[k.W_RECEIVED], "due": rows[c.DUE_DATE],
             "transferred": rows[c.TRANSFERRED_DATE], "early": rows[k.MARK_EARLY],
             "on_time": rows[k.MARK_ON_TIME], "late": rows[k.MARK_LATE],
             "returned": returned}
    by_post = (rows[c.NOTE] == "Trả qua bưu điện").to_numpy()
    has_return = returned.notna().to_numpy()
    method = pd.Series(np.where(by_post, "Bưu điện", "Trực tiếp"), dtype=object).where(has_return, None)
    signature = rows[c.APPLICANT_NAME].astype(object).where(has_return & ~by_post, None)
    cells: dict[str, list[Any]] = {
        "stt": list(range(1, len(rows) + 1)), "code": text(k.W_CODE), "procedure": text(c.PROCEDURE_NAME),
        "quantity": rows[c.QUANTITY].tolist(), "applicant": text(c.APPLICANT_NAME),
        "contact": text(c.APPLICANT_CONTACT), "agency": text(c.HANDLING_AGENCY), "note": text(c.NOTE),
        "method": method.tolist(), "signature": signature.tolist(),
    }
    for key in style.columns():
        if key in _DATE_KEYS:
            cells[key] = _date_cells(dates[key], key, style)
    return cells


def text_encoder(style: LedgerStyle) -> Callable[[str], str]:
    """How the file's text is typed: Unicode (NFC), decomposed (NFD) or a legacy font encoding."""
    if style.text == "nfd":
        return lambda s: unicodedata.normalize("NFD", s)
    if style.text in ("tcvn3", "vni"):
        from doisoat.sources.legacy import encode

        legacy = cast(Any, style.text)
        return lambda s: encode(s, legacy)
    return lambda s: s


class _Formats:
    """The cheap formats a clerk's file has: bold titles, bordered table, date formats."""

    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        base: dict[str, Any] = {"font_name": "Times New Roman", "font_size": 12}
        cell = {**base, "border": 1, "valign": "vcenter"}
        self.block = wb.add_format({**base, "bold": True, "align": "center"})
        self.motto = wb.add_format({**base, "bold": True, "align": "center", "underline": 1})
        self.title = wb.add_format({**base, "bold": True, "align": "center", "font_size": 16})
        self.month = wb.add_format({**base, "italic": True, "align": "center"})
        self.plain = wb.add_format(base)
        self.header = wb.add_format({**cell, "bold": True, "align": "center", "text_wrap": True})
        self.number = wb.add_format({**cell, "italic": True, "align": "center"})
        self.text = wb.add_format(cell)
        self.center = wb.add_format({**cell, "align": "center"})
        self.datetime = wb.add_format({**cell, "align": "center", "num_format": "hh:mm dd/mm/yyyy"})
        self.date = wb.add_format({**cell, "align": "center", "num_format": "dd/mm/yyyy"})
        self.total = wb.add_format({**base, "bold": True})
        self.signer = wb.add_format({**base, "bold": True, "align": "center"})
        self.hint = wb.add_format({**base, "italic": True, "align": "center"})


class _Sheet:
    """A sheet being written: to an xlsxwriter worksheet, or to a text grid (CSV)."""

    def __init__(self, ws: Worksheet | None, formats: _Formats | None, enc: Callable[[str], str]) -> None:
        self.ws, self.f, self.enc = ws, formats, enc
        self.grid: dict[tuple[int, int], Any] = {}  # text (typed) or numbers

    def text(
        self, r: int, col: int, value: str, fmt: str, to_col: int | None = None, to_row: int | None = None
    ) -> None:
        value = self.enc(value)
        if self.ws is None:
            self.grid[(r, col)] = value
            return
        style = getattr(self.f, fmt)
        if to_col is not None and (to_col != col or (to_row or r) != r):
            self.ws.merge_range(r, col, to_row if to_row is not None else r, to_col, value, style)
        else:
            self.ws.write_string(r, col, value, style)

    def value(self, r: int, col: int, value: Any, fmt: str) -> None:
        if self.ws is None:
            if value is not None:
                self.grid[(r, col)] = self.enc(value) if isinstance(value, str) else value
            return
        style = getattr(self.f, fmt)
        if value is None:
            self.ws.write_blank(r, col, None, style)
        elif isinstance(value, str):
            self.ws.write_string(r, col, self.enc(value), style)
        else:
            self.ws.write_number(r, col, value, style)


def _number_text(value: float | int) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _write_sheet(sh: _Sheet, rows: pd.DataFrame, office: OfficeSpec, month: pd.Period, style: LedgerStyle,
                 clerk: str) -> None:
    keys = style.columns()
    last = len(keys) - 1
    sh.text(0, 0, office.parent_authority, "block", 4)
    sh.text(0, 8, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "block", last)
    sh.text(1, 0, office.title_name, "block", 4)
    sh.text(1, 8, "Độc lập - Tự do - Hạnh phúc", "motto", last)
    sh.text(3, 0, TITLE, "title", last)
    sh.text(4, 0, f"Tháng {month.month:02d} năm {month.year}", "month", last)
    if style.title_rows:
        sh.text(5, 0, BOOK_NUMBER.format(n=1, year=month.year), "plain")
    top = HEADER_TOP - 1 + style.title_rows
    sub = top if style.one_row_header else top + 1
    for col, key in enumerate(keys):
        header = COLUMN_HEADERS[key][0]
        if key in _SPLIT:
            if style.one_row_header:
                sh.text(top, col, ONE_ROW_RETURNS[key], "header")
            else:
                sh.text(sub, col, header, "header")
                if key == "early":
                    sh.text(top, col, "Trả kết quả", "header", col + 2)
        else:
            sh.text(top, col, header, "header", col, sub)
    first = sub + 1
    if style.numbering:
        for col in range(len(keys)):
            sh.text(first, col, f"({col + 1})", "number")
        first += 1
    cells = _column_cells(rows, style)
    formats = {key: ("datetime" if key == "received" else "date") if key in _DATE_KEYS else "text"
               for key in keys}
    formats.update(stt="center", quantity="center")
    if style.dates != "cells":
        formats.update({key: "center" for key in keys if key in _DATE_KEYS})
    for col, key in enumerate(keys):  # a loop per cell is inherent to writing cells (clerk-sized files)
        fmt = formats[key]
        for i, value in enumerate(cells[key]):
            sh.value(first + i, col, value, fmt)
    r = first + len(rows) + 1  # one blank row after the data
    sh.text(r, 0, TOTAL_LABEL.format(n=format_count(len(rows))), "total")
    sign = max(last - 3, 5)
    sh.text(r + 2, sign, SIGNER, "signer", last)
    sh.text(r + 3, sign, SIGN_HINT, "hint", last)
    sh.text(r + 7, sign, clerk, "signer", last)
    if sh.ws is not None:
        sh.ws.set_row(top, 30)
        if sub != top:
            sh.ws.set_row(sub, 30)
        for col, key in enumerate(keys):
            sh.ws.set_column(col, col, COLUMN_HEADERS[key][1])
        sh.ws.set_landscape()
        sh.ws.set_paper(9)  # A4
        sh.ws.repeat_rows(top, first - 1)
        sh.ws.fit_to_pages(1, 0)


def _grid_rows(sh: _Sheet) -> list[list[Any]]:
    """The grid as rows, every row as wide as the widest (None where nothing was written)."""
    n_rows = max(r for r, _ in sh.grid) + 1
    n_cols = max(col for _, col in sh.grid) + 1
    return [[sh.grid.get((r, col)) for col in range(n_cols)] for r in range(n_rows)]  # clerk-sized


def _write_csv(path: Path, sh: _Sheet) -> None:
    """The grid as Excel's "CSV UTF-8" saves it: BOM, commas, CRLF, numbers as Excel shows them."""
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        for row in _grid_rows(sh):  # per row of a clerk-sized file
            writer.writerow(["" if v is None else v if isinstance(v, str) else _number_text(v) for v in row])


def _write_xls(path: Path, book: LedgerFile, by_sheet: Mapping[Any, pd.DataFrame], empty: pd.DataFrame,
               office: OfficeSpec, clerk: str, enc: Callable[[str], str]) -> None:
    """A legacy .xls workbook: the same cells as the .xlsx (dates as serial numbers), without
    merges or formats, as an old Excel 97-2003 template holds them."""
    sheets: dict[str, list[list[Any]]] = {}
    if book.guide:
        sheets[GUIDE_SHEET] = [[enc(line)] for line in GUIDE_LINES]
    for month in book.months:
        name = book.sheet(month)
        sheet = _Sheet(None, None, enc)
        _write_sheet(sheet, by_sheet.get((book.name, name), empty), office, month, book.style, clerk)
        sheets[name] = _grid_rows(sheet)
    write_xls(path, sheets)


def write_ledgers(
    rows: pd.DataFrame, office: OfficeSpec, period: tuple[dt.date, dt.date], folder: Path,
    clerk: str, files: list[LedgerFile] | None = None,
) -> list[Path]:
    """Write the office's ledger files (months without dossiers get an empty ledger sheet)."""
    folder.mkdir(parents=True, exist_ok=True)
    files = files if files is not None else default_files(office, period)
    by_sheet = {key: group for key, group in rows.groupby([k.FILE, k.SHEET], sort=False)}
    written = []
    for book in files:  # per file
        path = folder / book.name
        enc = text_encoder(book.style)
        if book.style.fmt == "csv":
            (month,) = book.months
            sheet = _Sheet(None, None, enc)
            _write_sheet(sheet, by_sheet.get((book.name, book.sheet(month)), rows.iloc[:0]), office, month,
                         book.style, clerk)
            _write_csv(path, sheet)
            written.append(path)
            continue
        if book.style.fmt == "xls":
            _write_xls(path, book, by_sheet, rows.iloc[:0], office, clerk, enc)
            written.append(path)
            continue
        wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
        stamp = dt.datetime.combine(period[1], dt.time(17, 0))
        title = f"{TITLE} {book.sheet(book.months[0])}"
        wb.set_properties({"title": title, "author": clerk, "created": stamp})
        f = _Formats(wb)
        if book.guide:
            guide = wb.add_worksheet(GUIDE_SHEET)
            for r, line in enumerate(GUIDE_LINES):
                guide.write_string(r, 0, enc(line), f.total if r == 0 else f.plain)
        for month in book.months:
            name = book.sheet(month)
            ws = wb.add_worksheet(name)
            group = by_sheet.get((book.name, name), rows.iloc[:0])
            _write_sheet(_Sheet(ws, f, enc), group, office, month, book.style, clerk)
        wb.close()
        if book.style.fmt == "xlsm":
            as_macro_workbook(path)
        written.append(path)
    return written
