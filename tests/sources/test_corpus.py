"""The messy-file corpus: each file, built by code, shows one real-world variation of what offices
send (legacy encodings, NFD, .xls, CSV ledgers, shifted / merged / numbered headers, footers, serial
and text dates, a second vendor's export, UTF-16 and Windows-1258 CSVs, broken files), and each has
its exact expected rows."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from msoffcrypto.format.ooxml import OOXMLFile

from doisoat import schema as c
from doisoat.scenario.macro import as_macro_workbook, is_macro_workbook
from doisoat.scenario.xls import write_xls
from doisoat.sources import legacy, read_electronic_exports, read_paper_ledgers
from tests.sources.builders import (
    EXPORT_HEADERS,
    MAU06_HEADERS,
    TITLES,
    LedgerSheet,
    write_csv,
    write_workbook,
)
from tests.sources.ods_writer import write_ods

T = pd.Timestamp

# --- paper ------------------------------------------------------------------------------------

# The three dossiers every paper variation holds, as canonical values.
PAPER_EXPECTED = [
    {c.DOSSIER_CODE: "000.17.22.H56-190105-0001", c.PROCEDURE_NAME: "Đăng ký khai sinh",
     c.APPLICANT_NAME: "Nguyễn Văn An", c.APPLICANT_CONTACT: "0912345678",
     c.RECEIVED_AT: T("2019-01-05 08:30"), c.DUE_DATE: T("2019-01-05"), c.RETURNED_DATE: T("2019-01-05"),
     c.STATED_TIMELINESS: c.ON_TIME},
    {c.DOSSIER_CODE: "000.17.22.H56-190107-0002", c.PROCEDURE_NAME: "Chứng thực bản sao từ bản chính",
     c.APPLICANT_NAME: "Trần Thị Bình", c.APPLICANT_CONTACT: "0987654321",
     c.RECEIVED_AT: T("2019-01-07 14:00"), c.DUE_DATE: T("2019-01-10"), c.RETURNED_DATE: T("2019-01-09"),
     c.STATED_TIMELINESS: c.EARLY},
    {c.DOSSIER_CODE: "000.17.22.H56-190108-0003", c.PROCEDURE_NAME: "Xác nhận tình trạng hôn nhân",
     c.APPLICANT_NAME: "Lê Hoàng Cường", c.APPLICANT_CONTACT: "0276123456",
     c.RECEIVED_AT: T("2019-01-08 09:15"), c.DUE_DATE: T("2019-01-11"), c.RETURNED_DATE: T("2019-01-15"),
     c.STATED_TIMELINESS: c.LATE},
]
# Lineage (sheet, row, sha256), the office the title states and the quantity are checked too.
LINEAGE = [c.SOURCE_SHEET, c.SOURCE_ROW, c.SOURCE_SHA256]
OFFICE = {c.UNIT_CODE: "phuong-1", c.UNIT_NAME: "Phường 1", c.LEVEL: c.LEVEL_WARD}
PAPER_CHECKED = [c.REF, *LINEAGE, *OFFICE, c.QUANTITY, *PAPER_EXPECTED[0], c.PARSE_ERRORS]


def mau06_rows(dates: Callable[[dt.datetime], Any] = lambda d: d, code: Callable[[str], str] = str,
               ) -> list[list[Any]]:
    """The three dossiers in Mẫu 06 column order; `dates` renders each date cell."""
    rows = []
    returns = {c.EARLY: 0, c.ON_TIME: 1, c.LATE: 2}
    for i, e in enumerate(PAPER_EXPECTED):
        marks: list[Any] = [None, None, None]
        marks[returns[e[c.STATED_TIMELINESS]]] = dates(e[c.RETURNED_DATE].to_pydatetime())
        rows.append([i + 1, code(e[c.DOSSIER_CODE]), e[c.PROCEDURE_NAME], 1, e[c.APPLICANT_NAME],
                     e[c.APPLICANT_CONTACT], "UBND Phường 1", dates(e[c.RECEIVED_AT].to_pydatetime()),
                     dates(e[c.DUE_DATE].to_pydatetime()), None, *marks, None])
    return rows


def encoded(value: Any, encoding: legacy.Encoding) -> Any:
    return legacy.encode(value, encoding) if isinstance(value, str) else value


def legacy_sheet(encoding: legacy.Encoding) -> LedgerSheet:
    """A ledger typed with legacy fonts: titles, headers and cells all in TCVN3 or VNI."""
    rows = [[encoded(v, encoding) for v in row] for row in mau06_rows(lambda d: d.strftime("%d/%m/%Y %H:%M"))]
    return LedgerSheet(rows=rows, headers=[encoded(h, encoding) for h in MAU06_HEADERS],
                       titles=[encoded(t, encoding) for t in TITLES], two_row_header=False)


def nfd(value: Any) -> Any:
    return unicodedata.normalize("NFD", f"\u00a0 {value}  ") if isinstance(value, str) else value


def lineage(refs: list[str]) -> dict[str, list[Any]]:
    """Sheet and row stated by each ref: "<file>!<sheet>!<row>", or "<file>#<row>" (CSV, no sheet)."""
    sheets: list[str | None] = []
    rows: list[int] = []
    for ref in refs:
        if "#" in ref:
            sheets.append(None)
            rows.append(int(ref.rsplit("#", 1)[1]))
        else:
            _, sheet, row = ref.rsplit("!", 2)
            sheets.append(sheet)
            rows.append(int(row))
    return {c.SOURCE_SHEET: sheets, c.SOURCE_ROW: rows}


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def expected_paper(refs: list[str], errors: list[str | None] | None = None,
                   overrides: dict[str, list[Any]] | None = None) -> pd.DataFrame:
    """The three dossiers under `refs`: lineage from the refs, the office the titles state
    ("ỦY BAN NHÂN DÂN PHƯỜNG 1"), one dossier each; the sha256 is added once the file exists."""
    frame = pd.DataFrame(PAPER_EXPECTED)
    frame.insert(0, c.REF, refs)
    for column, values in lineage(refs).items():
        frame[column] = values
    for column, value in OFFICE.items():
        frame[column] = value
    frame[c.QUANTITY] = 1
    frame[c.PARSE_ERRORS] = errors or [None] * len(refs)
    for column, values in (overrides or {}).items():
        frame[column] = values
    return frame


def _paper_files(folder: Path) -> dict[str, pd.DataFrame]:
    """Write the paper corpus into `folder`; file name → the exact rows expected from it."""
    expected: dict[str, pd.DataFrame] = {}

    # 1. TCVN3 (.VnTime fonts): headers, titles and text cells read back as Latin-1 gibberish.
    write_workbook(folder / "tcvn3.xlsx", {"T1": legacy_sheet("tcvn3")})
    expected["tcvn3.xlsx"] = expected_paper([f"tcvn3.xlsx!T1!{r}" for r in (9, 10, 11)])

    # 2. VNI-Windows fonts.
    write_workbook(folder / "vni.xlsx", {"T1": legacy_sheet("vni")})
    expected["vni.xlsx"] = expected_paper([f"vni.xlsx!T1!{r}" for r in (9, 10, 11)])

    # 3. Decomposed Unicode (NFD), non-breaking and doubled spaces everywhere, lower-case codes.
    rows = [[nfd(v) for v in row] for row in mau06_rows(code=str.lower)]
    write_workbook(folder / "nfd.xlsx", {"T1": LedgerSheet(rows=rows)})
    expected["nfd.xlsx"] = expected_paper([f"nfd.xlsx!T1!{r}" for r in (10, 11, 12)])

    # 4. Legacy .xls, one header row, dates as Excel serial numbers (plain number cells).
    def serial(d: dt.datetime) -> float:
        return (d - dt.datetime(1899, 12, 30)).total_seconds() / 86_400

    xls_rows = [["ỦY BAN NHÂN DÂN PHƯỜNG 1"], ["SỔ THEO DÕI HỒ SƠ"], MAU06_HEADERS, *mau06_rows(serial)]
    write_xls(folder / "legacy.xls", {"Sheet1": xls_rows})
    expected["legacy.xls"] = expected_paper([f"legacy.xls!Sheet1!{r}" for r in (4, 5, 6)])

    # 5. One sheet per month plus sheets that are not ledgers (skipped and logged).
    rows = mau06_rows()
    write_workbook(folder / "multisheet.xlsx", {
        "Hướng dẫn": [["Cách ghi sổ"], ["Ghi đầy đủ các cột"]], "T1": LedgerSheet(rows=rows[:2]),
        "T2": LedgerSheet(rows=rows[2:]), "Biểu đồ": [],
    })
    expected["multisheet.xlsx"] = expected_paper(
        ["multisheet.xlsx!T1!10", "multisheet.xlsx!T1!11", "multisheet.xlsx!T2!10"])

    # 6. Header far down and shifted right (two empty columns), plain numbering row, no titles.
    shifted = [[None, None, *r] for r in mau06_rows()]
    sheet = LedgerSheet(rows=shifted, headers=["", "", *MAU06_HEADERS], titles=[""] * 8,
                        blank_rows_before_header=3, numbering="plain")
    write_workbook(folder / "shifted.xlsx", {"Sổ": sheet})
    expected["shifted.xlsx"] = expected_paper(  # no title: the office is looked up by file name
        [f"shifted.xlsx!Sổ!{r}" for r in (15, 16, 17)],
        overrides={c.UNIT_CODE: ["shifted"] * 3, c.UNIT_NAME: ["Shifted"] * 3, c.LEVEL: [None] * 3})

    # 7. Local variant: abbreviated headers in another order, one "Trả kết quả" date column,
    #    extra columns "Phương thức nhận kết quả" and "Ký nhận" (timeliness then not stated).
    headers = ["Số TT", "Ngày nhận", "Mã HS", "Tên TTHC", "Họ tên người nộp", "SĐT", "Hẹn trả",
               "Trả kết quả", "Phương thức nhận kết quả", "Ký nhận"]
    variant = [[i + 1, e[c.RECEIVED_AT].strftime("%d/%m/%Y %H:%M"), e[c.DOSSIER_CODE], e[c.PROCEDURE_NAME],
                e[c.APPLICANT_NAME], e[c.APPLICANT_CONTACT], e[c.DUE_DATE].strftime("%d/%m/%Y"),
                e[c.RETURNED_DATE].strftime("%d/%m/%Y"), "Trực tiếp", "đã ký"]
               for i, e in enumerate(PAPER_EXPECTED)]
    write_workbook(folder / "variant.xlsx", {"Sheet1": [["UBND PHƯỜNG 1"], headers, *variant]})
    expected["variant.xlsx"] = expected_paper([f"variant.xlsx!Sheet1!{r}" for r in (3, 4, 5)],
                                              overrides={c.STATED_TIMELINESS: [None] * 3,
                                                         c.QUANTITY: [None] * 3})  # no such column

    # 8. Footer: totals, blank rows, signature block, and scribbles below it (all ignored).
    footer: list[list[Any]] = [[], ["Tổng cộng: 3 hồ sơ"], [], [None, None, None, None, "NGƯỜI LẬP SỔ"],
              [None, None, None, None, "(Ký, ghi rõ họ tên)"], [], ["99", "000.99"]]
    write_workbook(folder / "footer.xlsx", {"T1": LedgerSheet(rows=mau06_rows(), footer=footer)})
    expected["footer.xlsx"] = expected_paper([f"footer.xlsx!T1!{r}" for r in (10, 11, 12)])

    # 9. Dates typed as text in every form offices use, and one impossible date (an error, kept).
    rows = mau06_rows()
    rows[0][7:9] = ["8 giờ 30, 05/01/2019", "5/1/19"]
    rows[0][11] = "05.01.2019"
    rows[1][7:9] = ["07/01/2019 14:00:00", "10-01-2019"]
    rows[1][10] = "09/01/2019"
    rows[2][7:9] = ["08/01/2019 09:15", "31/02/2019"]
    rows[2][12] = "15/01/2019"
    write_workbook(folder / "textdates.xlsx", {"T1": LedgerSheet(rows=rows)})
    expected["textdates.xlsx"] = expected_paper(
        [f"textdates.xlsx!T1!{r}" for r in (10, 11, 12)],
        errors=[None, None, "Hẹn trả kết quả: not a date '31/02/2019'"],
        overrides={c.DUE_DATE: [T("2019-01-05"), T("2019-01-10"), pd.NaT]})

    # 10. A ledger saved as CSV (UTF-8 with BOM): title lines above the header, the numbered row
    #     "(1)".."(14)" under it, data, a totals footer.
    titles = [["ỦY BAN NHÂN DÂN PHƯỜNG 1"], ["SỔ THEO DÕI HỒ SƠ"], []]
    numbered = [f"({i + 1})" for i in range(len(MAU06_HEADERS))]
    csv_rows = [numbered, *mau06_rows(lambda d: d.strftime("%d/%m/%Y %H:%M")), [], ["Tổng cộng: 3"]]
    write_csv(folder / "ledger.csv", MAU06_HEADERS, csv_rows, above=titles)
    expected["ledger.csv"] = expected_paper([f"ledger.csv#{r}" for r in (6, 7, 8)])

    # 11. A macro-enabled workbook (.xlsm): the ledger template with macros. An .xlsx body whose
    #     package declares the macro-enabled main part (no VBA project can be built by code).
    write_workbook(folder / "macro.xlsm", {"T1": LedgerSheet(rows=mau06_rows())})
    as_macro_workbook(folder / "macro.xlsm")
    expected["macro.xlsm"] = expected_paper([f"macro.xlsm!T1!{r}" for r in (10, 11, 12)])

    # 12. An OpenDocument spreadsheet (.ods) saved by LibreOffice Calc: real date cells, one-row
    #     header, no numbering row.
    ods_rows = [["UBND PHƯỜNG 1"], ["SỔ THEO DÕI HỒ SƠ"], MAU06_HEADERS, *mau06_rows()]
    write_ods(folder / "calc.ods", {"Sổ 2019": ods_rows})
    expected["calc.ods"] = expected_paper([f"calc.ods!Sổ 2019!{r}" for r in (4, 5, 6)])

    for name, frame in expected.items():
        frame[c.SOURCE_SHA256] = sha256_file(folder / name)
    return expected


@pytest.fixture(scope="module")
def paper_folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, pd.DataFrame]]:
    folder = tmp_path_factory.mktemp("paper")
    expected = _paper_files(folder)
    _broken_files(folder)
    return folder, expected


@pytest.fixture(scope="module")
def paper(paper_folder: tuple[Path, dict[str, pd.DataFrame]]) -> tuple[Any, dict[str, pd.DataFrame]]:
    folder, expected = paper_folder
    return read_paper_ledgers(folder), expected


def _frame(records: pd.DataFrame, file_name: str, columns: list[str]) -> pd.DataFrame:
    rows = records[records[c.SOURCE_FILE] == file_name][columns].reset_index(drop=True)
    return rows.astype(object).where(rows.notna(), None)


def _expected(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype(object).where(frame.notna(), None)


PAPER_FILES = ["tcvn3.xlsx", "vni.xlsx", "nfd.xlsx", "legacy.xls", "multisheet.xlsx", "shifted.xlsx",
               "variant.xlsx", "footer.xlsx", "textdates.xlsx", "ledger.csv", "macro.xlsm", "calc.ods"]


@pytest.mark.parametrize("file_name", PAPER_FILES)
def test_paper_corpus_file_gives_its_exact_rows(paper: tuple[Any, dict[str, pd.DataFrame]],
                                                file_name: str) -> None:
    result, expected = paper
    got = _frame(result.records, file_name, PAPER_CHECKED)
    pd.testing.assert_frame_equal(got, _expected(expected[file_name][PAPER_CHECKED]))
    files = result.files[result.files["file"] == file_name]
    assert set(files["status"]) <= {"read", "skipped"} and files["sha256"].eq(
        expected[file_name][c.SOURCE_SHA256].iloc[0]).all()


def test_the_xlsm_fixture_is_a_macro_enabled_package(paper_folder: tuple[Path, Any]) -> None:
    folder, _ = paper_folder
    assert is_macro_workbook(folder / "macro.xlsm")
    assert not is_macro_workbook(folder / "nfd.xlsx")


def test_the_csv_ledger_has_its_titles_above_the_header(paper_folder: tuple[Path, Any]) -> None:
    folder, _ = paper_folder
    with (folder / "ledger.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["ỦY BAN NHÂN DÂN PHƯỜNG 1"] and rows[2] == [] and rows[3] == MAU06_HEADERS
    assert rows[4][:2] == ["(1)", "(2)"] and rows[5][1] == PAPER_EXPECTED[0][c.DOSSIER_CODE]


def test_raw_values_keep_legacy_text_as_read(paper: tuple[Any, dict[str, pd.DataFrame]]) -> None:
    result, _ = paper
    row = result.records[result.records[c.SOURCE_FILE] == "tcvn3.xlsx"].iloc[0]
    assert legacy.encode("Đăng ký khai sinh", "tcvn3") in row[c.RAW_VALUES]  # as typed
    assert "Tên thủ tục hành chính" in row[c.RAW_VALUES]  # header repaired
    nfd_row = result.records[result.records[c.SOURCE_FILE] == "nfd.xlsx"].iloc[0]
    assert nfd_row[c.DOSSIER_CODE_RAW] == nfd("000.17.22.h56-190105-0001")


def test_non_ledger_sheets_are_skipped_and_logged(paper: tuple[Any, dict[str, pd.DataFrame]]) -> None:
    result, _ = paper
    files = result.files[result.files["file"] == "multisheet.xlsx"]
    status = dict(zip(files["sheet"], files["status"], strict=True))
    assert status == {"Hướng dẫn": "skipped", "T1": "read", "T2": "read", "Biểu đồ": "skipped"}
    reasons = dict(zip(files["sheet"], files["reason"], strict=True))
    assert reasons["Hướng dẫn"].startswith("no ledger header found in the first 2 rows")


# --- broken files -------------------------------------------------------------------------------

def _valid_workbook_bytes() -> bytes:
    buffer = io.BytesIO()
    book = openpyxl.Workbook()
    book.active.append(MAU06_HEADERS)
    book.save(buffer)
    return buffer.getvalue()


def _broken_files(folder: Path) -> None:
    data = _valid_workbook_bytes()
    (folder / "corrupt.xlsx").write_bytes(data[: len(data) // 2])
    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt("matkhau", encrypted)
    (folder / "encrypted.xlsx").write_bytes(encrypted.getvalue())
    (folder / "empty.xlsx").write_bytes(b"")
    (folder / "notes.xlsx").write_text("Ghi chú: gửi bổ sung sau\n", encoding="utf-8")
    (folder / "scan.xls").write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 4)
    (folder / "renamed.csv").write_bytes(data)


BROKEN = {
    "corrupt.xlsx": "file corrupt.xlsx: corrupt workbook (damaged zip archive",
    "encrypted.xlsx": "file encrypted.xlsx: password-protected (encrypted) workbook",
    "empty.xlsx": "file empty.xlsx: empty file (0 bytes)",
    "notes.xlsx": "file notes.xlsx: not a spreadsheet: the file is text, not a workbook",
    "scan.xls": "file scan.xls: not a spreadsheet: the file is a PDF document",
    "renamed.csv": "file renamed.csv: not a CSV text file: it is a zip archive (an .xlsx workbook?)",
}


@pytest.mark.parametrize("file_name", sorted(BROKEN))
def test_unreadable_files_are_failed_inputs_with_a_reason(paper: tuple[Any, dict[str, pd.DataFrame]],
                                                          file_name: str) -> None:
    result, _ = paper
    reasons = dict(zip(result.failed["file"], result.failed["reason"], strict=True))
    assert reasons[file_name].startswith(BROKEN[file_name])
    assert set(reasons) == set(BROKEN)  # every other file was read
    assert not (result.records[c.SOURCE_FILE] == file_name).any()


# --- electronic -----------------------------------------------------------------------------------

ELECTRONIC_EXPECTED = [
    {**PAPER_EXPECTED[0], c.STATUS: "returned", c.CHANNEL: "direct"},
    {**PAPER_EXPECTED[1], c.STATUS: "returned", c.CHANNEL: "online"},
    {**PAPER_EXPECTED[2], c.STATUS: "processing", c.CHANNEL: "post"},
]
for _row in ELECTRONIC_EXPECTED:
    del _row[c.APPLICANT_CONTACT]
ELECTRONIC_CHECKED = [c.REF, *LINEAGE, *OFFICE, c.OFFICE_RAW, c.FIELD, *ELECTRONIC_EXPECTED[0],
                      c.PARSE_ERRORS]
DEFAULT_WORDS = {c.ON_TIME: "Đúng hạn", c.EARLY: "Trước hạn", c.LATE: "Quá hạn",
                 "returned": "Đã trả kết quả", "processing": "Đang xử lý",
                 "direct": "Trực tiếp", "online": "Trực tuyến", "post": "Bưu chính công ích"}


def default_export_rows() -> list[list[Any]]:
    rows = []
    for i, e in enumerate(ELECTRONIC_EXPECTED):
        rows.append([i + 1, e[c.DOSSIER_CODE], e[c.PROCEDURE_NAME], "Tư pháp", "UBND Phường 1",
                     e[c.APPLICANT_NAME], e[c.RECEIVED_AT].strftime("%d/%m/%Y %H:%M:%S"),
                     e[c.DUE_DATE].strftime("%d/%m/%Y"), e[c.RETURNED_DATE].strftime("%d/%m/%Y"),
                     DEFAULT_WORDS[e[c.STATUS]], DEFAULT_WORDS[e[c.STATED_TIMELINESS]],
                     DEFAULT_WORDS[e[c.CHANNEL]]])
    return rows


VENDOR_B_HEADERS = ["MaHoSo", "TenTTHC", "TenLinhVuc", "TenDonVi", "ChuHoSo", "NgayTiepNhan", "NgayHenTra",
                    "NgayKetThucXuLy", "TrangThaiHoSo", "TienDo", "KenhThucHien"]


def vendor_b_rows() -> list[list[Any]]:
    statuses = ["DTKQ", "10", "Processing"]  # abbreviation, numeric code, English word
    timeliness = {c.ON_TIME: "On time", c.EARLY: "TH", c.LATE: "Overdue"}
    channels = {"direct": "1", "online": "Online", "post": "BCCI"}
    return [[e[c.DOSSIER_CODE], e[c.PROCEDURE_NAME], "Tư pháp", "UBND Phường 1", e[c.APPLICANT_NAME],
             e[c.RECEIVED_AT].strftime("%Y-%m-%dT%H:%M:%S"), e[c.DUE_DATE].strftime("%Y-%m-%d"),
             e[c.RETURNED_DATE].strftime("%Y-%m-%d"), statuses[i], timeliness[e[c.STATED_TIMELINESS]],
             channels[e[c.CHANNEL]]] for i, e in enumerate(ELECTRONIC_EXPECTED)]


def expected_electronic(refs: list[str]) -> pd.DataFrame:
    """The three dossiers under `refs` (spreadsheet refs "<file>!<sheet>#<row>"), received by the
    office every export row names ("UBND Phường 1", field "Tư pháp")."""
    frame = pd.DataFrame(ELECTRONIC_EXPECTED)
    frame.insert(0, c.REF, refs)
    sheets = [r.split("!", 1)[1].split("#")[0] if "!" in r else None for r in refs]
    frame[c.SOURCE_SHEET] = sheets
    frame[c.SOURCE_ROW] = [int(r.rsplit("#", 1)[1]) for r in refs]
    for column, value in OFFICE.items():
        frame[column] = value
    frame[c.OFFICE_RAW] = "UBND Phường 1"
    frame[c.FIELD] = "Tư pháp"
    frame[c.PARSE_ERRORS] = None
    return frame


def _electronic_files(folder: Path) -> dict[str, pd.DataFrame]:
    expected: dict[str, pd.DataFrame] = {}
    rows = default_export_rows()
    csv_refs = [f"#{r}" for r in (2, 3, 4)]

    write_csv(folder / "utf8.csv", EXPORT_HEADERS, rows, bom=False, delimiter=";")  # no BOM, ";"
    write_csv(folder / "utf16.csv", EXPORT_HEADERS, rows, encoding="utf-16", delimiter="\t")  # "Unicode text"
    write_csv(folder / "cp1258.csv", EXPORT_HEADERS, rows, encoding="cp1258")  # Windows-1258
    legacy_rows = [[encoded(v, "tcvn3") for v in row] for row in rows]  # TCVN3 bytes
    write_csv(folder / "tcvn3.csv", [encoded(h, "tcvn3") for h in EXPORT_HEADERS], legacy_rows,
              encoding="latin-1")
    write_csv(folder / "vendor_b.csv", VENDOR_B_HEADERS, vendor_b_rows())
    for name in ("utf8.csv", "utf16.csv", "cp1258.csv", "tcvn3.csv", "vendor_b.csv"):
        expected[name] = expected_electronic([name + ref for ref in csv_refs])
    sheet = [["BÁO CÁO HỒ SƠ"], VENDOR_B_HEADERS, *vendor_b_rows()]
    write_workbook(folder / "vendor_b.xlsx", {"Data": sheet})
    expected["vendor_b.xlsx"] = expected_electronic([f"vendor_b.xlsx!Data#{r}" for r in (3, 4, 5)])
    for name, frame in expected.items():
        frame[c.SOURCE_SHA256] = sha256_file(folder / name)
    return expected


@pytest.fixture(scope="module")
def electronic_folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, pd.DataFrame]]:
    folder = tmp_path_factory.mktemp("electronic")
    return folder, _electronic_files(folder)


@pytest.fixture(scope="module")
def electronic(
    electronic_folder: tuple[Path, dict[str, pd.DataFrame]],
) -> tuple[Any, dict[str, pd.DataFrame]]:
    folder, expected = electronic_folder
    return read_electronic_exports(folder), expected


ELECTRONIC_FILES = ["utf8.csv", "utf16.csv", "cp1258.csv", "tcvn3.csv", "vendor_b.csv", "vendor_b.xlsx"]


@pytest.mark.parametrize("file_name", ELECTRONIC_FILES)
def test_electronic_corpus_file_gives_its_exact_rows(electronic: tuple[Any, dict[str, pd.DataFrame]],
                                                     file_name: str) -> None:
    result, expected = electronic
    assert result.failed.empty, result.failed.to_dict("records")
    got = _frame(result.records, file_name, ELECTRONIC_CHECKED)
    pd.testing.assert_frame_equal(got, _expected(expected[file_name][ELECTRONIC_CHECKED]))


def test_the_corpus_has_at_least_fifteen_messy_files(paper_folder: tuple[Path, Any],
                                                     electronic_folder: tuple[Path, Any]) -> None:
    """Counted on disk: distinct files written, each one listed with what it must give."""
    written = {side: {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
               for side, (folder, _) in (("paper", paper_folder), ("electronic", electronic_folder))}
    assert written["paper"] == set(PAPER_FILES) | set(BROKEN)
    assert written["electronic"] == set(ELECTRONIC_FILES)
    contents = {sha256_file(folder / name) for side, (folder, _) in
                (("paper", paper_folder), ("electronic", electronic_folder)) for name in written[side]}
    assert len(contents) == sum(len(names) for names in written.values())  # no two files alike
    assert len(contents) >= 15
