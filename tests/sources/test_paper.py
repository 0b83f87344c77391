"""Reading Mẫu 06 paper ledgers into canonical records."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from doisoat import schema as c
from doisoat.errors import ConfigError
from doisoat.sources import load_office_registry, read_paper_ledgers
from tests.sources.builders import LedgerSheet, write_workbook

NA = pd.NA
T = pd.Timestamp

# Rows in Mẫu 06 order: STT, code, procedure, quantity, applicant, contact, agency, received, due,
# transferred, Trước hạn, Đúng hạn, Quá hạn, note.
ROWS: list[list[Any]] = [
    [1, "000.17.22.H56-190105-0001", "Đăng ký khai sinh", 1, "Nguyễn\u00a0Văn  An", "Khu phố 1, 0912345678",
     "UBND Phường 1", dt.datetime(2019, 1, 5, 8, 30), "05/01/2019", None, None, "05/01/2019", None, None],
    [2, "0012", "Chứng thực bản sao từ bản chính", "2", "Trần Thị Bình", "0987654321", "Phòng Tư pháp",
     "8 giờ 30, 07/01/2019", dt.datetime(2019, 1, 10), "08/01/2019", "09/01/2019", None, None, "Bổ sung"],
    [3, " 000.17.22.h56-190108-0003 ", "Xác nhận tình trạng hôn nhân", 1, "Lê Văn Cường", None,
     "UBND Phường 1", 43473.625, "11/01/2019", None, None, None, "15/01/2019", None],
    [4],  # a pre-numbered empty row: not a record
    [5, "000.17.22.H56-190109-0004", "Đăng ký khai tử", 1, "Phạm Thị Dung", "Ấp 2", "UBND Phường 1",
     "09/01/2019 14:05:30", "09/01/2019", None, None, None, None, None],
]


def _values(series: pd.Series) -> list[object]:
    """Values with NA as None."""
    return series.astype(object).where(series.notna(), None).tolist()


def _ledger(tmp_path: Path, name: str = "so-phuong-1.xlsx", **sheet: object) -> Path:
    return write_workbook(tmp_path / "paper" / name, {"T01-2019": LedgerSheet(rows=ROWS, **sheet)})  # type: ignore[arg-type]


def test_mau06_two_row_header_gives_exact_canonical_rows(tmp_path: Path) -> None:
    path = _ledger(tmp_path)
    result = read_paper_ledgers(tmp_path / "paper")
    records = result.records

    assert list(records.columns) == c.PAPER_COLUMNS
    expected = pd.DataFrame({
        c.REF: ["so-phuong-1.xlsx!T01-2019!10", "so-phuong-1.xlsx!T01-2019!11",
                "so-phuong-1.xlsx!T01-2019!12", "so-phuong-1.xlsx!T01-2019!14"],
        c.SOURCE_ROW: [10, 11, 12, 14],
        c.SEQ: ["1", "2", "3", "5"],
        c.DOSSIER_CODE_RAW: ["000.17.22.H56-190105-0001", "0012", " 000.17.22.h56-190108-0003 ",
                             "000.17.22.H56-190109-0004"],
        c.DOSSIER_CODE: ["000.17.22.H56-190105-0001", "0012", "000.17.22.H56-190108-0003",
                         "000.17.22.H56-190109-0004"],
        c.APPLICANT_NAME: ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung"],
        c.APPLICANT_CONTACT: ["Khu phố 1, 0912345678", "0987654321", None, "Ấp 2"],
        c.QUANTITY: pd.array([1, 2, 1, 1], dtype="Int64"),
        c.RECEIVED_AT: [T("2019-01-05 08:30"), T("2019-01-07 08:30"), T("2019-01-08 15:00"),
                        T("2019-01-09 14:05:30")],
        c.DUE_DATE: [T("2019-01-05"), T("2019-01-10"), T("2019-01-11"), T("2019-01-09")],
        c.TRANSFERRED_DATE: [pd.NaT, T("2019-01-08"), pd.NaT, pd.NaT],
        c.RETURNED_DATE: [T("2019-01-05"), T("2019-01-09"), T("2019-01-15"), pd.NaT],
        c.STATED_TIMELINESS: [c.ON_TIME, c.EARLY, c.LATE, None],
        c.RETURN_MARKS: pd.array([1, 1, 1, 0], dtype="Int64"),
        c.NOTE: [None, "Bổ sung", None, None],
        c.PARSE_ERRORS: [None, None, None, None],
    })
    for column in (c.RECEIVED_AT, c.DUE_DATE, c.TRANSFERRED_DATE, c.RETURNED_DATE):
        expected[column] = expected[column].astype("datetime64[us]")
    for column in expected.columns:
        if expected[column].dtype == object:
            expected[column] = expected[column].astype("str")
    pd.testing.assert_frame_equal(records[list(expected.columns)], expected)

    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert set(records[c.SOURCE_FILE]) == {"so-phuong-1.xlsx"}
    assert set(records[c.SOURCE_SHA256]) == {digest}
    assert set(records[c.SOURCE_SHEET]) == {"T01-2019"}
    assert set(records[c.UNIT_CODE]) == {"phuong-1"}
    assert set(records[c.UNIT_NAME]) == {"Phường 1"}
    assert set(records[c.LEVEL]) == {c.LEVEL_WARD}

    files = result.files
    assert files[["file", "sha256", "sheet", "rows_read", "status"]].to_dict("records") == [
        {"file": "so-phuong-1.xlsx", "sha256": digest, "sheet": "T01-2019", "rows_read": 4, "status": "read"}
    ]
    assert result.failed.empty


def test_raw_values_hold_every_cell_as_read(tmp_path: Path) -> None:
    _ledger(tmp_path)
    records = read_paper_ledgers(tmp_path / "paper").records
    first = json.loads(records[c.RAW_VALUES].iloc[0])
    assert first == {
        "STT": "1", "Mã hồ sơ": "000.17.22.H56-190105-0001", "Tên thủ tục hành chính": "Đăng ký khai sinh",
        "Số lượng hồ sơ (bộ)": "1", "Tên cá nhân, tổ chức": "Nguyễn\u00a0Văn  An",
        "Địa chỉ, số điện thoại": "Khu phố 1, 0912345678", "Cơ quan chủ trì giải quyết": "UBND Phường 1",
        "Nhận hồ sơ (giờ, ngày)": "05/01/2019 08:30:00", "Hẹn trả kết quả": "05/01/2019",
        "Chuyển hồ sơ đến cơ quan giải quyết": None, "Trước hạn": None, "Đúng hạn": "05/01/2019",
        "Quá hạn": None, "Ghi chú": None,
    }
    third = json.loads(records[c.RAW_VALUES].iloc[2])
    assert third["Nhận hồ sơ (giờ, ngày)"] == "43473.625"  # an Excel serial typed as a number
    last = json.loads(records[c.RAW_VALUES].iloc[3])  # after the pre-numbered empty row: its own cells
    assert (last["STT"], last["Mã hồ sơ"], last["Ghi chú"]) == ("5", "000.17.22.H56-190109-0004", None)


def test_shifted_header_and_reordered_columns_read_the_same(tmp_path: Path) -> None:
    headers = ["STT", "Số biên nhận", "Người nộp", "Tên TTHC", "Ngày nhận", "Ngày hẹn trả", "Trước hạn",
               "Đúng hạn", "Quá hạn", "Địa chỉ", "Số điện thoại", "Ghi chú"]
    rows = [
        [1, "000.17.22.H56-190105-0001", "Nguyễn Văn An", "Đăng ký khai sinh", "08:30 05/01/2019",
         "05/01/2019", None, "05/01/2019", None, "Khu phố 1", "0912345678", None],
        [2, "0012", "Trần Thị Bình", "Chứng thực bản sao", "07/01/2019 08:30", "10/01/2019", "09/01/2019",
         None, None, None, "0987654321", None],
    ]
    titles = ["UBND TỈNH TÂY NINH", "ỦY BAN NHÂN DÂN", "PHƯỜNG 1", "ỦY BAN NHÂN DÂN PHƯỜNG 1", "",
              "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SỔ THEO DÕI HỒ SƠ", "Năm 2019"]
    sheet = LedgerSheet(rows=rows, headers=headers, titles=titles, blank_rows_before_header=3,
                        numbering="plain")
    write_workbook(tmp_path / "paper" / "p1.xlsx", {"Sổ": sheet})
    records = read_paper_ledgers(tmp_path / "paper").records

    # 8 title rows + 3 blank rows, header on rows 12-13, numbering on 14, data from 15
    assert records[c.REF].tolist() == ["p1.xlsx!Sổ!15", "p1.xlsx!Sổ!16"]
    assert records[c.DOSSIER_CODE].tolist() == ["000.17.22.H56-190105-0001", "0012"]
    assert records[c.PROCEDURE_NAME].tolist() == ["Đăng ký khai sinh", "Chứng thực bản sao"]
    assert records[c.APPLICANT_NAME].tolist() == ["Nguyễn Văn An", "Trần Thị Bình"]
    assert records[c.APPLICANT_CONTACT].tolist() == ["Khu phố 1, 0912345678", "0987654321"]
    assert records[c.RECEIVED_AT].tolist() == [T("2019-01-05 08:30"), T("2019-01-07 08:30")]
    assert records[c.DUE_DATE].tolist() == [T("2019-01-05"), T("2019-01-10")]
    assert records[c.RETURNED_DATE].tolist() == [T("2019-01-05"), T("2019-01-09")]
    assert records[c.STATED_TIMELINESS].tolist() == [c.ON_TIME, c.EARLY]
    assert records[c.UNIT_CODE].unique().tolist() == ["phuong-1"]
    assert records[c.PARSE_ERRORS].isna().all()


def test_single_row_header_with_one_return_date_column(tmp_path: Path) -> None:
    headers = ["STT", "Mã hồ sơ", "Tên cá nhân, tổ chức", "Nhận hồ sơ", "Hẹn trả kết quả", "Trả kết quả",
               "Ngày nhận kết quả", "Ghi chú"]
    rows = [
        [1, "A-1", "Nguyễn Văn An", "05/01/2019", "07/01/2019", "07/01/2019", "06/01/2019", None],
        [2, "A-2", "Trần Thị Bình", "05/01/2019", "08/01/2019", None, None, "chưa trả"],
    ]
    sheet = LedgerSheet(rows=rows, headers=headers, two_row_header=False, numbering=None,
                        titles=["UBND THÀNH PHỐ TÂY NINH", "SỔ THEO DÕI HỒ SƠ"])
    write_workbook(tmp_path / "paper" / "tp.xlsx", {"Sheet1": sheet})
    records = read_paper_ledgers(tmp_path / "paper").records

    assert records[c.SOURCE_ROW].tolist() == [5, 6]
    assert records[c.RETURNED_DATE].tolist() == [T("2019-01-07"), pd.NaT]
    assert records[c.STATED_TIMELINESS].isna().all()
    assert records[c.RETURN_MARKS].tolist() == [1, 0]
    # "Ngày nhận kết quả" is not "Nhận hồ sơ": the received date comes from its own column
    assert records[c.RECEIVED_AT].tolist() == [T("2019-01-05"), T("2019-01-05")]
    assert records[c.UNIT_CODE].unique().tolist() == ["thanh-pho-tay-ninh"]
    assert records[c.LEVEL].unique().tolist() == [c.LEVEL_CITY]
    assert records[c.QUANTITY].isna().all()


def test_bad_cells_become_na_with_messages_and_rows_are_kept(tmp_path: Path) -> None:
    rows = [
        [1, "B-1", "Đăng ký khai sinh", "hai", "Nguyễn Văn An", None, None, "hôm qua", "31/02/2019", None,
         "05/01/2019", "06/01/2019", None, None],
        [2, "B-2", "Đăng ký khai sinh", 1, "Trần Thị Bình", None, None, "05/01/2019", "05/01/2019", None,
         None, None, "x", None],
        [3, "B-3", "Đăng ký khai sinh", 1, "Lê Văn Cường", None, None, "05/01/2019", "05/01/2019", None,
         None, "đã trả", None, None],
    ]
    _ledger_rows = LedgerSheet(rows=rows)
    write_workbook(tmp_path / "paper" / "bad.xlsx", {"T01": _ledger_rows})
    records = read_paper_ledgers(tmp_path / "paper").records

    assert len(records) == 3
    assert _values(records[c.PARSE_ERRORS]) == [
        "Số lượng hồ sơ (bộ): not a number 'hai'; Nhận hồ sơ (giờ, ngày): not a date 'hôm qua'; "
        "Hẹn trả kết quả: not a date '31/02/2019'; "
        "Trả kết quả: more than one of Trước hạn / Đúng hạn / Quá hạn filled; kept Trước hạn",
        None,
        "Đúng hạn: not a date 'đã trả'",
    ]
    assert records[c.QUANTITY].isna().tolist() == [True, False, False]
    assert records[c.RECEIVED_AT].isna().tolist() == [True, False, False]
    assert pd.isna(records[c.DUE_DATE].iloc[0])
    # two dates: the first is kept; a tick mark states the timeliness without a date
    assert records[c.RETURNED_DATE].tolist()[:2] == [T("2019-01-05"), pd.NaT]
    assert records[c.STATED_TIMELINESS].tolist() == [c.EARLY, c.LATE, c.ON_TIME]
    assert records[c.RETURN_MARKS].tolist() == [2, 1, 1]


def test_multi_sheet_workbook_skips_the_instructions_sheet(tmp_path: Path) -> None:
    write_workbook(tmp_path / "paper" / "multi.xlsx", {
        "Hướng dẫn": [["Hướng dẫn ghi sổ"], ["Ghi đầy đủ các cột"]],
        "T01-2019": LedgerSheet(rows=ROWS[:2]),
        "T02-2019": LedgerSheet(rows=ROWS[2:3]),
    })
    result = read_paper_ledgers(tmp_path / "paper")
    assert result.records[c.REF].tolist() == [
        "multi.xlsx!T01-2019!10", "multi.xlsx!T01-2019!11", "multi.xlsx!T02-2019!10"]
    files = result.files.set_index("sheet")
    assert files.loc["Hướng dẫn", "status"] == "skipped"
    assert "no ledger header" in files.loc["Hướng dẫn", "reason"]
    assert files.loc["T01-2019", "rows_read"] == 2
    assert files.loc["T02-2019", "status"] == "read"
    assert result.failed.empty


def test_workbook_without_ledger_sheet_and_broken_files_fail_without_stopping(tmp_path: Path) -> None:
    paper = tmp_path / "paper"
    write_workbook(paper / "a-guide-only.xlsx", {"Hướng dẫn": [["Hướng dẫn ghi sổ"]]})
    (paper / "b-corrupt.xlsx").write_bytes(b"PK\x03\x04" + b"\x00garbage" * 50)
    (paper / "c-empty.xlsx").write_bytes(b"")
    (paper / "d-text.xlsx").write_text("not, a, workbook\n", encoding="utf-8")
    _ledger(tmp_path, "e-good.xlsx")
    (paper / "~$e-good.xlsx").write_bytes(b"lock")  # Excel's lock file: ignored
    write_workbook(paper / "2019" / "02" / "f-nested.xlsx", {"T02": LedgerSheet(rows=ROWS[:1])})

    result = read_paper_ledgers(paper)
    failed = result.failed.set_index("file")["reason"]
    assert list(failed.index) == ["a-guide-only.xlsx", "b-corrupt.xlsx", "c-empty.xlsx", "d-text.xlsx"]
    assert "no ledger sheet" in failed["a-guide-only.xlsx"] and "Hướng dẫn" in failed["a-guide-only.xlsx"]
    assert failed["b-corrupt.xlsx"].startswith("file b-corrupt.xlsx: corrupt workbook")
    assert failed["c-empty.xlsx"] == "file c-empty.xlsx: empty file (0 bytes)"
    assert "not a spreadsheet" in failed["d-text.xlsx"]
    assert result.failed["sha256"].str.len().eq(64).all()
    # a file in a sub-folder is named by its path under the input folder
    assert sorted(result.records[c.SOURCE_FILE].unique()) == ["2019/02/f-nested.xlsx", "e-good.xlsx"]
    statuses = result.files.groupby("file")["status"].agg(set).to_dict()
    assert statuses == {"a-guide-only.xlsx": {"failed"}, "b-corrupt.xlsx": {"failed"},
                        "c-empty.xlsx": {"failed"}, "d-text.xlsx": {"failed"}, "e-good.xlsx": {"read"},
                        "2019/02/f-nested.xlsx": {"read"}}


def test_office_from_file_name_when_no_title(tmp_path: Path) -> None:
    sheet = LedgerSheet(rows=ROWS[:1], titles=["SỔ THEO DÕI HỒ SƠ", "Tháng 01 năm 2019"])
    write_workbook(tmp_path / "paper" / "So theo doi - Xa Tan Binh_2019.xlsx", {"S": sheet})
    records = read_paper_ledgers(tmp_path / "paper").records
    office = records[[c.UNIT_CODE, c.UNIT_NAME, c.LEVEL]].iloc[0].tolist()
    assert office == ["xa-tan-binh", "Xa Tan Binh", "ward"]


def test_office_resolved_through_a_registry(tmp_path: Path) -> None:
    registry_file = tmp_path / "offices.csv"
    registry_file.write_text(
        "code,name,aliases,level,parent\n"
        "000.01.22.H56,Phường 1,P.1|Phuong Mot,ward,TPTN\n"
        "TPTN,Thành phố Tây Ninh,TP Tây Ninh,city,\n", encoding="utf-8")
    registry = load_office_registry(registry_file)
    _ledger(tmp_path, "p1.xlsx")
    titles = ["UBND TỈNH TÂY NINH", "ỦY BAN NHÂN DÂN PHƯỜNG 9", "SỔ THEO DÕI HỒ SƠ"]
    write_workbook(tmp_path / "paper" / "p9.xlsx", {"S": LedgerSheet(rows=ROWS[:1], titles=titles)})

    records = read_paper_ledgers(tmp_path / "paper", registry).records.set_index(c.SOURCE_FILE)
    p1 = records.loc["p1.xlsx"]
    assert set(p1[c.UNIT_CODE]) == {"000.01.22.H56"} and set(p1[c.UNIT_NAME]) == {"Phường 1"}
    assert p1[c.PARSE_ERRORS].isna().all()
    p9 = records.loc[["p9.xlsx"]].iloc[0]
    assert (p9[c.UNIT_CODE], p9[c.UNIT_NAME], p9[c.LEVEL]) == ("phuong-9", "Phường 9", c.LEVEL_WARD)
    assert p9[c.PARSE_ERRORS] == "Tiêu đề sổ: not in the office registry 'ỦY BAN NHÂN DÂN PHƯỜNG 9'"


def test_missing_directory_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        read_paper_ledgers(tmp_path / "nope")


def test_empty_directory_gives_empty_frames_with_the_contract_columns(tmp_path: Path) -> None:
    result = read_paper_ledgers(tmp_path)
    assert list(result.records.columns) == c.PAPER_COLUMNS and result.records.empty
    assert str(result.records[c.RECEIVED_AT].dtype) == "datetime64[us]"
    assert str(result.records[c.QUANTITY].dtype) == "Int64"
    assert list(result.files.columns) == ["file", "sha256", "sheet", "rows_read", "status", "reason"]
    assert list(result.failed.columns) == ["file", "sha256", "reason"]


def _one_row(code: str, name: str) -> list[Any]:
    return [1, code, "Đăng ký khai sinh", 1, name, None, "UBND Phường 1", "05/01/2019 08:30", "05/01/2019",
            None, None, "05/01/2019", None, None]


def test_same_named_ledgers_in_sub_folders_keep_distinct_refs_and_reconcile(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Offices send files of one name in different folders: each keeps its own refs (the path under
    the input folder, "/" separators), nothing is quarantined as a duplicate ref, and every row is
    reconciled; a file at the top keeps its bare name."""
    from doisoat import pipeline
    from doisoat.reconcile.engine import reconcile
    from tests.sources.builders import EXPORT_HEADERS, write_csv

    paper = tmp_path / "paper"
    codes = {k: f"000.17.22.H56-190105-000{i}" for i, k in enumerate(["a", "b", ""], start=1)}
    names = {"a": "Nguyễn Văn An", "b": "Trần Thị Bình", "": "Lê Văn Cường"}
    for folder, code in codes.items():
        write_workbook(paper / folder / "T1.xlsx", {"S": LedgerSheet(rows=[_one_row(code, names[folder])])})
    exports = [["1", codes[k], "Đăng ký khai sinh", "Tư pháp", "UBND Phường 1", names[k],
                "05/01/2019 08:30:00", "05/01/2019", "05/01/2019", "Đã trả kết quả", "Đúng hạn", "Trực tiếp"]
               for k in codes]
    write_csv(tmp_path / "electronic" / "x.csv", EXPORT_HEADERS, exports)

    with caplog.at_level("WARNING", logger="doisoat.sources.discovery"):
        inputs = pipeline.read_inputs(paper, tmp_path / "electronic")
    records = inputs.paper.records.set_index(c.DOSSIER_CODE)
    assert records.loc[codes["a"], c.REF] == "a/T1.xlsx!S!10"
    assert records.loc[codes["b"], c.REF] == "b/T1.xlsx!S!10"
    assert records.loc[codes[""], c.REF] == "T1.xlsx!S!10"  # at the top: as before
    assert records.loc[codes["a"], c.SOURCE_FILE] == "a/T1.xlsx"
    assert sorted(inputs.paper.files["file"]) == ["T1.xlsx", "a/T1.xlsx", "b/T1.xlsx"]
    # an office taken from the file name would be the same for both: still worth a warning
    assert "T1.xlsx and b/T1.xlsx share a file name" in caplog.text

    checked = pipeline.validate_inputs(inputs)
    assert checked.quarantine.empty
    counts = pipeline.file_counts(inputs, checked).set_index("file")
    assert counts.loc[["T1.xlsx", "a/T1.xlsx", "b/T1.xlsx"], c.FILE_ROWS_LOADED].tolist() == [1, 1, 1]
    result = reconcile(inputs.paper.records, inputs.electronic.records, checked.quarantine,
                       pipeline.derive_period(inputs))
    assert result.mismatches.empty
    assert sorted(result.matches[c.PAPER_REF]) == ["T1.xlsx!S!10", "a/T1.xlsx!S!10", "b/T1.xlsx!S!10"]


def test_csv_ledger_in_a_sub_folder_is_named_by_its_path(tmp_path: Path) -> None:
    from tests.sources.builders import MAU06_HEADERS, write_csv

    rows = [["" if v is None else str(v) for v in _one_row("000.17.22.H56-190105-0001", "Nguyễn Văn An")]]
    for folder in ("x", "y"):
        write_csv(tmp_path / "paper" / folder / "so.csv", MAU06_HEADERS, rows)
    result = read_paper_ledgers(tmp_path / "paper")
    assert sorted(result.records[c.REF]) == ["x/so.csv#2", "y/so.csv#2"]
    assert sorted(result.files["file"]) == ["x/so.csv", "y/so.csv"]


def test_a_failed_file_in_a_sub_folder_is_named_by_its_path_in_its_reason(tmp_path: Path) -> None:
    # the reason and the files log name the same file, whatever module found the fault
    for folder in ("x", "y"):
        (tmp_path / "paper" / folder).mkdir(parents=True)
        (tmp_path / "paper" / folder / "so.xlsx").write_bytes(b"PK\x03\x04 half a zip")
    (tmp_path / "paper" / "x" / "empty.csv").write_bytes(b"\n\n")
    result = read_paper_ledgers(tmp_path / "paper")
    reasons = dict(zip(result.failed["file"], result.failed["reason"], strict=True))
    assert sorted(reasons) == ["x/empty.csv", "x/so.xlsx", "y/so.xlsx"]
    for name, reason in reasons.items():
        assert reason.startswith(f"file {name}: "), reason
