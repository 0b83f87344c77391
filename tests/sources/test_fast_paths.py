"""The fast paths of the readers give exactly what the plain Arrow kernels give."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from doisoat.sources.canonical import constant
from doisoat.sources.cells import render_column
from doisoat.sources.jsonrows import json_objects
from doisoat.sources.text import clean_text, fold_text, key_many, match_key, per_distinct, shared_encodings
from doisoat.sources.timeformat import strftime


@pytest.mark.parametrize("fmt", ["%d/%m/%Y %H:%M:%S", "%d/%m/%Y", "%Y-%m-%d", "%d-%m-%y",
                                 "ngày %d tháng %m năm %Y", "%d%%%m", "%H:%M", "%b %d"])
def test_strftime_matches_arrow(fmt: str) -> None:
    rng = np.random.default_rng(3)
    seconds = rng.integers(-2_000_000_000, 4_000_000_000, 5_000)
    stamps = pa.array(seconds, pa.timestamp("s"), mask=rng.random(5_000) < 0.1)
    assert strftime(stamps, fmt).equals(pc.strftime(stamps, format=fmt))


def test_strftime_years_outside_four_digits_fall_back_to_arrow() -> None:
    stamps = pa.array([dt.datetime(999, 5, 1), dt.datetime(2019, 1, 5, 8, 30)], pa.timestamp("s"))
    assert strftime(stamps, "%d/%m/%Y").equals(pc.strftime(stamps, format="%d/%m/%Y"))


def test_rendered_dates_and_datetimes_match_strftime() -> None:
    rng = np.random.default_rng(5)
    base = dt.datetime(2019, 1, 1)
    cells = [base + dt.timedelta(minutes=int(m)) for m in rng.integers(0, 2_000_000, 3_000)]
    cells += [base + dt.timedelta(days=int(d)) for d in rng.integers(0, 3_000, 500)]  # midnights
    expected = [c.strftime("%d/%m/%Y") if c.time() == dt.time() else c.strftime("%d/%m/%Y %H:%M:%S")
                for c in cells]
    rendered = render_column(np.array([*cells, None, "x"], dtype=object)).to_pylist()
    assert rendered == [*expected, None, "x"]


def test_constant_column() -> None:
    assert constant("Phường 1", 3).to_pylist() == ["Phường 1"] * 3
    assert constant(None, 2).to_pylist() == [None, None]
    assert constant("", 2).to_pylist() == ["", ""]
    assert constant("x", 0).to_pylist() == []


def test_shared_encodings_give_the_same_results() -> None:
    words = ["  Đăng  ký\u00a0khai sinh ", "Chứng thực", None, "", "Ho\u0300a"]
    values = pa.array([words[i % len(words)] for i in range(5_000)], pa.string())
    plain = (clean_text(values), fold_text(values), per_distinct(pc.utf8_upper, values))
    with shared_encodings():
        cleaned = clean_text(values)
        shared = (cleaned, fold_text(values), per_distinct(pc.utf8_upper, values))
        assert clean_text(values) is cleaned  # remembered within the block
    for a, b in zip(plain, shared, strict=True):
        assert a.equals(b)


def test_json_objects_of_repeating_columns_match_json_dumps() -> None:
    names = ['Tên "TTHC"', "Trạng thái", "Mã"]
    columns = [
        pa.array([["Đăng ký", 'a"b\\c', None][i % 3] for i in range(3_000)], pa.string()),
        pa.array([["Đã trả", "", "x\ny"][i % 3] for i in range(3_000)], pa.string()),
        pa.array([f"H56-{i}" for i in range(3_000)], pa.string()),
    ]
    rows = json_objects(names, columns, 3_000).to_pylist()
    expected = [json.dumps(dict(zip(names, (c[i].as_py() for c in columns), strict=True)), ensure_ascii=False,
                           separators=(",", ":")) for i in range(3_000)]
    assert rows == expected


def test_key_many_matches_match_key() -> None:
    texts = ["Số lượng hồ sơ (bộ)", "Phường 01", "  ", "Mã HS"]
    assert key_many(texts) == [k or "" for k in match_key(texts).to_pylist()]
