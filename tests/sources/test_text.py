"""Text repair, folding, comparison keys, JSON rows and cell rendering."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata

import pandas as pd
import pyarrow as pa

from doisoat.sources.cells import render_column
from doisoat.sources.jsonrows import json_objects
from doisoat.sources.text import clean_text, fold_text, match_key, slug


def test_clean_text_normalises_spaces_and_unicode_form() -> None:
    nfd = unicodedata.normalize("NFD", "Đăng ký khai sinh")
    values = ["Nguyễn\u00a0Văn  An", " x ", nfd, "a\tb\nc", "a\u200bb", "Trần – Thị", "", "  \u00a0", None]
    cleaned = clean_text(values).to_pylist()
    assert cleaned == [
        "Nguyễn Văn An", "x", "Đăng ký khai sinh", "a b c", "ab", "Trần – Thị", None, None, None]
    assert cleaned[2] == unicodedata.normalize("NFC", nfd)


def test_clean_text_on_a_long_repetitive_column_matches_the_short_path() -> None:
    values = ["Nguyễn\u00a0Văn  An", "  Tư pháp", "ok"] * 2000
    assert clean_text(values).to_pylist() == ["Nguyễn Văn An", "Tư pháp", "ok"] * 2000


def test_fold_and_keys_ignore_case_diacritics_punctuation_and_leading_zeros() -> None:
    assert fold_text(["ỦY BAN NHÂN DÂN", "Uỷ ban nhân dân", "ĐỊA CHỈ"]).to_pylist() == [
        "uy ban nhan dan", "uy ban nhan dan", "dia chi"]
    assert match_key(["Số lượng hồ sơ (bộ)", "Tên cá nhân,  tổ chức", "Phường 01", "---"]).to_pylist() == [
        "so luong ho so", "ten ca nhan to chuc", "phuong 1", None]
    assert slug("Thành phố Tây Ninh") == "thanh-pho-tay-ninh"


def test_json_objects_round_trip_with_escapes_and_nulls() -> None:
    a = pa.array(['x"y\\z/', None, "a\nb\x01c"])
    b = pa.array(["Đăng ký", "", "c"])
    rows = json_objects(['Mã "hồ" sơ', "Tên"], [a, b], 3).to_pylist()
    assert [json.loads(r) for r in rows] == [
        {'Mã "hồ" sơ': 'x"y\\z/', "Tên": "Đăng ký"},
        {'Mã "hồ" sơ': None, "Tên": ""},
        {'Mã "hồ" sơ': "a\nb\x01c", "Tên": "c"},
    ]
    assert rows[0] == '{"Mã \\"hồ\\" sơ":"x\\"y\\\\z/","Tên":"Đăng ký"}'  # not ASCII-escaped, "/" kept


def test_render_column_shows_cells_as_a_user_sees_them() -> None:
    cells = pd.Series(["", 1.0, 1.5, dt.datetime(2019, 1, 5, 8, 30), dt.datetime(2019, 1, 5),
                       dt.date(2019, 1, 6),
                       "0912", True, dt.time(8, 30), None, float("nan"), 912345678.0, 3], dtype=object)
    assert render_column(cells).to_pylist() == [
        None, "1", "1.5", "05/01/2019 08:30:00", "05/01/2019", "06/01/2019", "0912", "TRUE", "08:30:00",
        None, None, "912345678", "3"]
