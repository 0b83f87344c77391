"""Header synonym tables, ledger layout detection and export profile choice."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from doisoat import schema as c
from doisoat.errors import ConfigError, LayoutError, Location
from doisoat.sources.headers import IGNORE
from doisoat.sources.ledger_layout import column_letter, locate_ledger
from doisoat.sources.profiles import (
    RETURNED_EARLY,
    choose_export_profile,
    ledger_profile,
    load_export_profile,
    shipped_export_profiles,
)

HERE = Location(file="t.xlsx", sheet="S")


@pytest.mark.parametrize(("header", "field"), [
    ("STT", c.SEQ),
    ("Mã hồ sơ", c.DOSSIER_CODE),
    ("Mã HS", c.DOSSIER_CODE),
    ("Số biên nhận", c.DOSSIER_CODE),
    ("Mã hồ sô", c.DOSSIER_CODE),  # a typo
    ("Tên TTHC", c.PROCEDURE_NAME),
    ("Số lượng hồ sơ (bộ)", c.QUANTITY),
    ("TÊN CÁ NHÂN, TỔ CHỨC", c.APPLICANT_NAME),
    ("Nhận hồ sơ\n(giờ, ngày)", c.RECEIVED_AT),
    ("Ngày nhận", c.RECEIVED_AT),
    ("Ngày nhận kết quả", IGNORE),  # starts like "Ngày nhận" but is another column
    ("Hẹn trả kết quả", c.DUE_DATE),
    ("Thời gian hẹn trả kết quả", c.DUE_DATE),  # contains "trả kết quả" too: the longer synonym wins
    ("Chuyển hồ sơ đến cơ quan giải quyết", c.TRANSFERRED_DATE),
    ("Trả kết quả", c.RETURNED_DATE),
    ("Trước hạn", RETURNED_EARLY),
    ("Ghi chú", c.NOTE),
    ("SỔ THEO DÕI HỒ SƠ", None),
    ("Nguyễn Văn An", None),
    ("(1)", None),
])
def test_header_synonyms(header: str, field: str | None) -> None:
    assert ledger_profile().headers.match(header) == field


def _columns(rows: list[list[str | None]]) -> list[pa.Array]:
    width = max(len(r) for r in rows)
    return [pa.array([(r[i] if i < len(r) else None) for r in rows], pa.string()) for i in range(width)]


def test_locate_ledger_finds_title_header_numbering_and_footer() -> None:
    rows: list[list[str | None]] = [
        ["UBND TỈNH TÂY NINH", None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
        ["UBND PHƯỜNG 2", None, None, None],
        ["STT", "Mã hồ sơ", "Ngày, tháng, năm", None, None],
        [None, None, "Nhận hồ sơ", "Trả kết quả", None],
        ["1", "2", "3", "4", None],
        ["1", "A-1", "05/01/2019", None, None],
        ["Cộng: 1 hồ sơ", None, None, None, None],
        [None, "Nguyễn Văn B", None, None, None],
    ]
    layout = locate_ledger(_columns(rows), ledger_profile(), HERE)
    assert layout.header_rows == (2, 3)
    assert (layout.first_data_row, layout.end_row) == (5, 6)
    assert layout.office_title == "UBND PHƯỜNG 2"
    assert [(col.header, col.field) for col in layout.columns] == [
        ("STT", c.SEQ), ("Mã hồ sơ", c.DOSSIER_CODE), ("Nhận hồ sơ", c.RECEIVED_AT),
        ("Trả kết quả", c.RETURNED_DATE)]


@pytest.mark.parametrize("footer", [
    [None, None, "TỔNG SỐ: 2"],
    ["Cộng (1)"],
    [None, None, None, "NGƯỜI LẬP SỔ"],  # the first non-empty cell counts, wherever it is
    ["  (Ký, ghi rõ họ tên)"],
    [None, "Tây Ninh, ngày 05 tháng 01 năm 2019"],
])
def test_each_footer_pattern_ends_the_data(footer: list[str | None]) -> None:
    rows: list[list[str | None]] = [
        ["STT", "Mã hồ sơ", "Nhận hồ sơ", "Trả kết quả"],
        ["1", "A-1", "05/01/2019", None],
        [None, "A-2", "05/01/2019", None],  # no STT: not a footer either
        footer,
        ["3", "A-3", "06/01/2019", None],
    ]
    layout = locate_ledger(_columns(rows), ledger_profile(), HERE)
    assert (layout.first_data_row, layout.end_row) == (1, 3)


def test_locate_ledger_without_header_is_a_layout_error() -> None:
    with pytest.raises(LayoutError, match="no ledger header found in the first 2 rows"):
        locate_ledger(_columns([["Hướng dẫn"], ["Ghi đủ các cột"]]), ledger_profile(), HERE)


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == ["A", "Z", "AA", "AB", "ZZ", "AAA"]


def test_choose_export_profile_and_closest_on_failure() -> None:
    default = shipped_export_profiles()
    headers = ["STT", "Mã hồ sơ", "Tên thủ tục", "Đơn vị tiếp nhận", "Ngày tiếp nhận", "Ngày hẹn trả",
               "Ngày có kết quả", "TRẠNG THÁI"]
    profile, row = choose_export_profile([(1, headers)], default, HERE)
    assert (profile.name, row) == ("default", 1)
    assert profile.locate(headers)[c.STATUS] == "TRẠNG THÁI"
    with pytest.raises(LayoutError, match=r"closest is 'default' \(default.yaml\), which lacks 'Trạng thái'"):
        choose_export_profile([(1, headers[:-1])], default, HERE)


def test_bad_profiles_are_config_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: electronic\ncolumns: {dossier_code: [Mã]}\nrequired: [status]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="required field"):
        load_export_profile(bad)
    bad.write_text("kind: electronic\ncolumns: {colour: [Màu]}\nrequired: []\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown column field"):
        load_export_profile(bad)
    bad.write_text("kind: electronic\ncolumns: {status: [TT]}\nrequired: [status]\n"
                   "vocabularies: {status: {values: {Xong: done}}}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="'done' not one of"):
        load_export_profile(bad)
    bad.write_text("kind: electronic\ncolumns: {status: [TT]}\nrequired: [status]\n"
                   "vocabularies: {status: {reference: channels}}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="cannot use reference 'channels'"):
        load_export_profile(bad)
    bad.write_text("kind: paper\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not an export profile"):
        load_export_profile(bad)


def test_a_sparse_first_data_row_is_not_taken_for_the_numbering_row() -> None:
    rows: list[list[str | None]] = [
        ["STT", "Mã hồ sơ", "Tên cá nhân, tổ chức", "Nhận hồ sơ", "Số lượng hồ sơ", "Ghi chú"],
        ["1", None, None, None, "1", None],
        ["2", "A-2", "Trần Thị Bình", "05/01/2019", "1", None],
    ]
    layout = locate_ledger(_columns(rows), ledger_profile(), HERE)
    assert (layout.first_data_row, layout.end_row) == (1, 3)


def test_a_row_of_column_numbers_needs_three_increasing_cells() -> None:
    # a first record holding only an STT "1" and a quantity "2" must stay a record, never be
    # skipped as the numbering row under the header
    from doisoat.sources.ledger_layout import _is_numbering

    assert _is_numbering(["(1)", "(2)", "(3)", None], 4)
    assert _is_numbering(["1", "2", "3", "4", "5", "6"], 6)
    assert not _is_numbering(["1", None, None, "2"], 4)
    assert not _is_numbering(["(1)", "(3)", "(2)", "(4)"], 4)
    assert not _is_numbering(["1", "2", "3", None, None, None, None, None], 8)  # under half the columns
