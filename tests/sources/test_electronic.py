"""Reading software exports (CSV, xlsx) through export profiles."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest

from doisoat import schema as c
from doisoat.sources import electronic, load_office_registry, read_electronic_exports, read_paper_ledgers
from tests.sources.builders import EXPORT_HEADERS, LedgerSheet, write_csv, write_workbook

T = pd.Timestamp

ROWS = [
    ["1", "000.17.22.H56-190105-0001", "Đăng ký khai sinh", "Tư pháp", "UBND Phường 1", "Nguyễn Văn An",
     "05/01/2019 08:30:00", "05/01/2019", "05/01/2019 16:00:00", "Đã trả kết quả", "Đúng hạn", "Trực tiếp"],
    ["2", "0012", "Chứng thực bản sao từ bản chính", "Chứng thực", "UBND thành phố Tây Ninh",
     "Trần\u00a0Thị  Bình", "07/01/2019 08:30", "10/01/2019", "", "4", "", "Trực tuyến"],
    ["3", " 000.17.22.h56-190108-0003", "Xác nhận tình trạng hôn nhân", "Tư pháp", "ỦY BAN NHÂN DÂN PHƯỜNG 1",
     "Lê Văn Cường", "08/01/2019", "11/01/2019", "15/01/2019", "đã xử lý xong", "Quá hạn",
     "Bưu chính công ích"],
    ["4", "000.17.22.H56-190109-0004", "Đăng ký khai tử", "Tư pháp", "UBND Phường 1", "Phạm Thị Dung",
     "31/02/2019 09:00:00", "09/01/2019", "", "Chờ duyệt", "Sớm", "Fax"],
    ["", "", "", "", "", "", "", "", "", "", "", ""],  # a blank line at the end of the export
]


def _values(series: pd.Series) -> list[object]:
    return series.astype(object).where(series.notna(), None).tolist()


def test_default_profile_csv_with_bom_gives_exact_canonical_rows(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "exports" / "mot-cua_2019.csv", EXPORT_HEADERS, ROWS)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    result = read_electronic_exports(tmp_path / "exports")
    records = result.records

    assert list(records.columns) == c.ELECTRONIC_COLUMNS
    assert _values(records[c.REF]) == [f"mot-cua_2019.csv#{r}" for r in (2, 3, 4, 5)]
    assert records[c.SOURCE_ROW].tolist() == [2, 3, 4, 5]
    assert records[c.SOURCE_SHEET].isna().all()
    assert set(records[c.SOURCE_SHA256]) == {hashlib.sha256(path.read_bytes()).hexdigest()}
    assert _values(records[c.DOSSIER_CODE_RAW]) == [
        "000.17.22.H56-190105-0001", "0012", " 000.17.22.h56-190108-0003", "000.17.22.H56-190109-0004"]
    assert _values(records[c.DOSSIER_CODE]) == [
        "000.17.22.H56-190105-0001", "0012", "000.17.22.H56-190108-0003", "000.17.22.H56-190109-0004"]
    assert _values(records[c.APPLICANT_NAME]) == [
        "Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung"]
    assert _values(records[c.FIELD]) == ["Tư pháp", "Chứng thực", "Tư pháp", "Tư pháp"]
    assert records[c.RECEIVED_AT].tolist() == [T("2019-01-05 08:30"), T("2019-01-07 08:30"), T("2019-01-08"),
                                              pd.NaT]
    assert records[c.DUE_DATE].tolist() == [
        T("2019-01-05"), T("2019-01-10"), T("2019-01-11"), T("2019-01-09")]
    assert records[c.RETURNED_DATE].tolist() == [T("2019-01-05"), pd.NaT, T("2019-01-15"), pd.NaT]
    assert str(records[c.RECEIVED_AT].dtype) == "datetime64[us]"
    assert _values(records[c.STATUS]) == ["returned", "processing", "resolved", None]
    assert _values(records[c.STATUS_RAW]) == ["Đã trả kết quả", "4", "đã xử lý xong", "Chờ duyệt"]
    assert _values(records[c.STATED_TIMELINESS]) == [c.ON_TIME, None, c.LATE, None]
    assert _values(records[c.CHANNEL]) == ["direct", "online", "post", None]
    assert _values(records[c.OFFICE_RAW]) == ["UBND Phường 1", "UBND thành phố Tây Ninh",
                                              "ỦY BAN NHÂN DÂN PHƯỜNG 1", "UBND Phường 1"]
    assert _values(records[c.UNIT_CODE]) == ["phuong-1", "thanh-pho-tay-ninh", "phuong-1", "phuong-1"]
    assert _values(records[c.LEVEL]) == [c.LEVEL_WARD, c.LEVEL_CITY, c.LEVEL_WARD, c.LEVEL_WARD]
    assert _values(records[c.PARSE_ERRORS]) == [
        None, None, None,
        "Ngày tiếp nhận: not a date '31/02/2019 09:00:00'; Trạng thái: unknown value 'Chờ duyệt'; "
        "Tiến độ: unknown value 'Sớm'; Hình thức nộp: unknown value 'Fax'",
    ]
    raw = json.loads(records[c.RAW_VALUES].iloc[1])
    assert raw == dict(zip(EXPORT_HEADERS, [v or None for v in ROWS[1]], strict=True))
    assert result.files[["file", "rows_read", "status"]].to_dict("records") == [
        {"file": "mot-cua_2019.csv", "rows_read": 4, "status": "read"}]
    assert result.files["sheet"].isna().all() and result.failed.empty


def test_plain_utf8_semicolon_csv_without_timeliness_column_computes_it(tmp_path: Path) -> None:
    keep = [h for h in EXPORT_HEADERS if h != "Tiến độ"]
    rows = [[v for h, v in zip(EXPORT_HEADERS, r, strict=True) if h != "Tiến độ"] for r in ROWS[:3]]
    rows.append(["9", "X-9", "Đăng ký khai sinh", "Tư pháp", "UBND Phường 1", "A", "01/01/2019", "05/01/2019",
                 "03/01/2019", "10", "Zalo"])
    write_csv(tmp_path / "e" / "plain.csv", keep, rows, bom=False, delimiter=";")
    records = read_electronic_exports(tmp_path / "e").records
    assert _values(records[c.STATED_TIMELINESS]) == [c.ON_TIME, None, c.LATE, c.EARLY]
    assert _values(records[c.CHANNEL]) == ["direct", "online", "post", "zalo"]
    assert records[c.PARSE_ERRORS].isna().all()


def test_unknown_header_fails_naming_the_closest_profile(tmp_path: Path) -> None:
    write_csv(tmp_path / "e" / "other.csv", ["Mã hồ sơ", "Ngày nộp", "Đơn vị"], [["A", "01/01/2019", "X"]])
    write_csv(tmp_path / "e" / "ok.csv", EXPORT_HEADERS, ROWS[:1])
    result = read_electronic_exports(tmp_path / "e")
    assert result.records[c.SOURCE_FILE].tolist() == ["ok.csv"]
    assert result.failed["file"].tolist() == ["other.csv"]
    reason = result.failed["reason"].iloc[0]
    assert reason.startswith("file other.csv, row 1: header matches no export profile; closest is 'default'")
    assert "'Tên thủ tục', 'Đơn vị tiếp nhận', 'Ngày tiếp nhận', 'Ngày hẹn trả'" in reason
    assert result.files.set_index("file").loc["other.csv", "status"] == "failed"


def test_unreadable_csvs_are_recorded_as_failed(tmp_path: Path) -> None:
    folder = tmp_path / "e"
    folder.mkdir()
    (folder / "empty.csv").write_bytes(b"")
    (folder / "ragged.csv").write_text(",".join(EXPORT_HEADERS) + "\n1,2,3\n", encoding="utf-8")
    result = read_electronic_exports(folder)
    reasons = result.failed.set_index("file")["reason"].to_dict()
    assert reasons["empty.csv"] == "file empty.csv: empty file (0 bytes)"
    assert reasons["ragged.csv"].startswith("file ragged.csv: cannot parse the CSV")
    assert result.records.empty


def test_xlsx_export_with_a_title_row(tmp_path: Path) -> None:
    rows = [["DANH SÁCH HỒ SƠ"], [], EXPORT_HEADERS, *ROWS[:2]]
    write_workbook(tmp_path / "e" / "export.xlsx", {"Hồ sơ": rows, "Ghi chú": [["xuất từ phần mềm"]]})
    result = read_electronic_exports(tmp_path / "e")
    records = result.records
    assert _values(records[c.REF]) == ["export.xlsx!Hồ sơ#4", "export.xlsx!Hồ sơ#5"]
    assert _values(records[c.SOURCE_SHEET]) == ["Hồ sơ", "Hồ sơ"]
    assert _values(records[c.DOSSIER_CODE]) == ["000.17.22.H56-190105-0001", "0012"]
    assert records[c.RECEIVED_AT].tolist() == [T("2019-01-05 08:30"), T("2019-01-07 08:30")]
    files = result.files.set_index("sheet")
    assert files.loc["Hồ sơ", "rows_read"] == 2 and files.loc["Ghi chú", "status"] == "skipped"


def test_vendor_profile_given_as_a_yaml_file(tmp_path: Path) -> None:
    profile = tmp_path / "vendor.yaml"
    profile.write_text("""
kind: electronic
name: vendor-x
header_row: 2
columns:
  dossier_code: [MaHoSo]
  procedure_name: [TenTTHC]
  office_raw: [TenDonVi]
  received_at: [NgayTiepNhan]
  due_date: [NgayHenTra]
  returned_date: [NgayTra]
  status: [TrangThaiHoSo]
  channel: [KenhThucHien]
required: [dossier_code, received_at, status]
vocabularies:
  status: {reference: statuses}
  channel: {reference: channels}
""", encoding="utf-8")
    folder = tmp_path / "e"
    folder.mkdir()
    (folder / "x.csv").write_text(
        "Báo cáo hồ sơ\nMaHoSo,TenTTHC,TenDonVi,NgayTiepNhan,NgayHenTra,NgayTra,TrangThaiHoSo,KenhThucHien\n"
        "H-1,Đăng ký kết hôn,P.1,2019-01-05 07:45:00,2019-01-05,2019-01-04,10,2\n", encoding="utf-8")
    records = read_electronic_exports(folder, profile=profile).records
    row = records.iloc[0]
    assert (row[c.REF], row[c.SOURCE_ROW], row[c.DOSSIER_CODE]) == ("x.csv#3", 3, "H-1")
    assert (row[c.RECEIVED_AT], row[c.DUE_DATE], row[c.RETURNED_DATE]) == (
        T("2019-01-05 07:45"), T("2019-01-05"), T("2019-01-04"))
    assert (row[c.STATUS], row[c.CHANNEL], row[c.STATED_TIMELINESS]) == ("returned", "online", c.EARLY)
    assert (row[c.UNIT_CODE], row[c.UNIT_NAME]) == ("phuong-1", "Phường 1")
    assert pd.isna(row[c.FIELD]) and pd.isna(row[c.PARSE_ERRORS])


def test_both_sides_resolve_to_the_same_offices(tmp_path: Path) -> None:
    write_workbook(tmp_path / "paper" / "ledger.xlsx", {"S": LedgerSheet(rows=[
        [1, "000.17.22.H56-190105-0001", "Đăng ký khai sinh", 1, "Nguyễn Văn An", None, None, "05/01/2019",
         "05/01/2019", None, None, "05/01/2019", None, None]])})
    write_csv(tmp_path / "e" / "export.csv", EXPORT_HEADERS, ROWS[:2])
    paper = read_paper_ledgers(tmp_path / "paper").records
    exported = read_electronic_exports(tmp_path / "e").records
    assert paper[c.UNIT_CODE].iloc[0] == exported[c.UNIT_CODE].iloc[0] == "phuong-1"
    assert paper[c.UNIT_NAME].iloc[0] == exported[c.UNIT_NAME].iloc[0] == "Phường 1"

    registry_file = tmp_path / "offices.yaml"
    registry_file.write_text("""
offices:
  - {code: "000.01.22.H56", name: "Phường 1", aliases: ["UBND P.1"], level: ward}
  - {code: "TPTN", name: "Thành phố Tây Ninh", level: city}
""", encoding="utf-8")
    registry = load_office_registry(registry_file)
    paper = read_paper_ledgers(tmp_path / "paper", registry).records
    exported = read_electronic_exports(tmp_path / "e", registry).records
    assert paper[c.UNIT_CODE].tolist() == ["000.01.22.H56"]
    assert exported[c.UNIT_CODE].tolist() == ["000.01.22.H56", "TPTN"]
    assert exported[c.UNIT_NAME].tolist() == ["Phường 1", "Thành phố Tây Ninh"]
    assert exported[c.PARSE_ERRORS].isna().all()


def test_row_numbers_continue_across_csv_blocks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(electronic, "CSV_BLOCK_SIZE", 4096)  # many small blocks
    n = 3_000
    rows = [[str(i), f"H-{i:05d}", "Đăng ký khai sinh", "Tư pháp", "UBND Phường 1", "A",
             f"{1 + i % 28:02d}/02/2019 08:00:00", "28/02/2019", "", "Đang xử lý", "", "Trực tiếp"]
            for i in range(n)]
    rows[1500][6] = "30/02/2019"
    write_csv(tmp_path / "e" / "big.csv", EXPORT_HEADERS, rows)
    records = read_electronic_exports(tmp_path / "e").records
    assert len(records) == n
    assert records[c.SOURCE_ROW].tolist() == list(range(2, n + 2))
    assert records[c.DOSSIER_CODE].iloc[2999] == "H-02999"
    assert records[c.REF].is_unique
    bad = records[records[c.PARSE_ERRORS].notna()]
    assert bad[c.SOURCE_ROW].tolist() == [1502]
    assert bad[c.PARSE_ERRORS].iloc[0] == "Ngày tiếp nhận: not a date '30/02/2019'"


def test_same_named_exports_in_sub_folders_keep_distinct_refs_and_reconcile(tmp_path: Path) -> None:
    """Exports of one name in different folders (one per office, say) keep their own refs (the path
    under the input folder, "/" separators): no row is quarantined as a duplicate ref, each is
    reconciled, and a failed file is named by its path too."""
    from doisoat import pipeline
    from doisoat.reconcile.engine import reconcile

    codes = {k: f"000.17.22.H56-190105-000{i}" for i, k in enumerate("abc", start=1)}
    names = {"a": "Nguyễn Văn An", "b": "Trần Thị Bình", "c": "Lê Văn Cường"}

    def export_row(k: str) -> list[str]:
        return ["1", codes[k], "Đăng ký khai sinh", "Tư pháp", "UBND Phường 1", names[k],
                "05/01/2019 08:30:00", "05/01/2019", "05/01/2019", "Đã trả kết quả", "Đúng hạn", "Trực tiếp"]

    e = tmp_path / "e"
    write_csv(e / "a" / "x.csv", EXPORT_HEADERS, [export_row("a")])
    write_csv(e / "b" / "x.csv", EXPORT_HEADERS, [export_row("b")])
    write_workbook(e / "c" / "d" / "x.xlsx", {"Hồ sơ": [EXPORT_HEADERS, export_row("c")]})
    (e / "b" / "broken.xlsx").write_bytes(b"")
    write_workbook(tmp_path / "paper" / "ledger.xlsx", {"S": LedgerSheet(rows=[
        [i + 1, codes[k], "Đăng ký khai sinh", 1, names[k], None, "UBND Phường 1", "05/01/2019 08:30",
         "05/01/2019", None, None, "05/01/2019", None, None] for i, k in enumerate(codes)])})

    inputs = pipeline.read_inputs(tmp_path / "paper", e)
    records = inputs.electronic.records.set_index(c.DOSSIER_CODE)
    assert records.loc[codes["a"], c.REF] == "a/x.csv#2"
    assert records.loc[codes["a"], c.SOURCE_FILE] == "a/x.csv"
    assert records.loc[codes["b"], c.REF] == "b/x.csv#2"
    assert records.loc[codes["c"], c.REF] == "c/d/x.xlsx!Hồ sơ#2"
    assert inputs.electronic.failed["file"].tolist() == ["b/broken.xlsx"]
    read = inputs.electronic.files[inputs.electronic.files["status"] == "read"]
    assert sorted(read["file"]) == ["a/x.csv", "b/x.csv", "c/d/x.xlsx"]

    checked = pipeline.validate_inputs(inputs)
    assert checked.quarantine.empty
    result = reconcile(inputs.paper.records, inputs.electronic.records, checked.quarantine,
                       pipeline.derive_period(inputs))
    assert result.mismatches.empty
    assert sorted(result.matches[c.ELECTRONIC_REF]) == ["a/x.csv#2", "b/x.csv#2", "c/d/x.xlsx!Hồ sơ#2"]


def test_a_failed_export_in_a_sub_folder_is_named_by_its_path_in_its_reason(tmp_path: Path) -> None:
    folder = tmp_path / "electronic" / "phuong-1"
    folder.mkdir(parents=True)
    (folder / "export.xlsx").write_bytes(b"PK\x03\x04 half a zip")
    (folder / "export.csv").write_bytes(b"")
    result = read_electronic_exports(tmp_path / "electronic")
    reasons = dict(zip(result.failed["file"], result.failed["reason"], strict=True))
    assert sorted(reasons) == ["phuong-1/export.csv", "phuong-1/export.xlsx"]
    for name, reason in reasons.items():
        assert reason.startswith(f"file {name}: "), reason
