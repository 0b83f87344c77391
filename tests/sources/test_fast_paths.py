"""The fast paths of the readers give exactly what the plain Arrow kernels give."""

from __future__ import annotations

import datetime as dt
import gc
import json
import threading
from pathlib import Path
from unittest import mock

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from doisoat.errors import Location, UnreadableFileError
from doisoat.sources import cells as cells_module
from doisoat.sources import workbook
from doisoat.sources.canonical import constant
from doisoat.sources.cells import render_column, render_rows
from doisoat.sources.dates import parse_datetimes
from doisoat.sources.jsonrows import json_objects
from doisoat.sources.text import (
    blank_to_null,
    clean_columns,
    clean_text,
    fold_text,
    key_many,
    match_key,
    per_distinct,
    shared_encodings,
    take_text,
)
from doisoat.sources.timeformat import strftime
from doisoat.sources.workbook import open_workbook
from tests.sources.builders import write_workbook


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
    names = ['Tên "TTHC"', "Ghi chú", "Trạng thái", "Mã"]
    columns = [
        pa.array([["Đăng ký", 'a"b\\c', None][i % 3] for i in range(3_000)], pa.string()),
        pa.nulls(3_000, pa.string()),  # an empty column
        pa.array([["Đã trả", "", "x\ny"][i % 3] for i in range(3_000)], pa.string()),
        pa.array([f"H56-{i}" for i in range(3_000)], pa.string()),
    ]
    rows = json_objects(names, columns, 3_000).to_pylist()
    expected = [json.dumps(dict(zip(names, (c[i].as_py() for c in columns), strict=True)), ensure_ascii=False,
                           separators=(",", ":")) for i in range(3_000)]
    assert rows == expected


def test_json_objects_of_empty_columns_only() -> None:
    empty = pa.nulls(2, pa.string())
    assert json_objects(["A", "B"], [empty, empty], 2).to_pylist() == ['{"A":null,"B":null}'] * 2
    assert json_objects([], [], 2).to_pylist() == ["{}", "{}"]
    assert json_objects(["A"], [pa.array([], pa.string())], 0).to_pylist() == []


@pytest.mark.parametrize("numbers", [[1.0, 2.0, 912345678.0], [1.0, -0.0, 3.0], [1.5, 2.0], [1e10, 7.0],
                                     [-3.0, 1e9], [123456789012.0, 0.25], [2.0**53, 1.0],
                                     [float("nan"), 4.0]])
def test_numbers_render_whole_as_integers_else_as_arrow_prints_them(numbers: list[float]) -> None:
    cells = np.array(["STT", *numbers], dtype=object)
    arrow = pc.cast(pa.array(numbers, pa.float64(), from_pandas=True), pa.string()).to_pylist()
    expected = [str(int(n)) if n == n and n == int(n) and abs(n) < 2.0**53 else a
                for n, a in zip(numbers, arrow, strict=True)]
    assert render_column(cells).to_pylist() == ["STT", *expected]


def test_an_id_typed_as_a_number_keeps_its_digits() -> None:
    cells = np.array(["CCCD", 79203001234.0, 1.5], dtype=object)
    assert render_column(cells).to_pylist() == ["CCCD", "79203001234", "1.5"]


def test_key_many_matches_match_key() -> None:
    texts = ["Số lượng hồ sơ (bộ)", "Phường 01", "  ", "Mã HS"]
    assert key_many(texts) == [k or "" for k in match_key(texts).to_pylist()]


@pytest.mark.parametrize("n", [2_000, 20])  # pandas converts a long column, Arrow a short one
def test_datetime_cells_convert_as_arrow_converts_them(n: int) -> None:
    rng = np.random.default_rng(13)
    cells = [dt.datetime(1970, 1, 1) + dt.timedelta(seconds=int(s), microseconds=int(u))
             for s, u in zip(rng.integers(-3_000_000_000, 4_000_000_000, n),
                             rng.integers(0, 1_000_000, n), strict=True)]
    cells += [dt.datetime(1000, 1, 1, 0, 0, 0, 5), dt.datetime(9999, 12, 31, 23, 59, 59, 999_999),
              pd.Timestamp("2019-01-05 08:30:00.5")]
    arrow = pc.cast(pa.array(cells, pa.timestamp("us")), pa.timestamp("s"), safe=False)
    texts, stamps = render_rows([[c] for c in cells])
    assert pc.cast(stamps[0], pa.timestamp("s")).equals(arrow)
    assert texts[0].equals(cells_module.format_day_first(arrow))


def test_typed_date_cells_give_what_parsing_their_text_gives() -> None:
    rng = np.random.default_rng(11)
    base = dt.datetime(2019, 1, 1)
    cells: list[object] = [base + dt.timedelta(seconds=int(s), microseconds=int(u))
                           for s, u in zip(rng.integers(-4_000_000_000, 4_000_000_000, 2_000),
                                           rng.integers(0, 1_000_000, 2_000), strict=True)]
    cells += [dt.date(2019, 1, d) for d in range(1, 4)] + [dt.datetime(1850, 3, 2), dt.datetime(2250, 1, 1)]
    cells += ["05/01/2019", "31/02/2019", "8 giờ 30, 05/01/2019", None, 3.0]
    texts, stamps = render_rows([[c] for c in cells])
    assert list(stamps) == [0]  # only the column holding date cells has instants
    assert parse_datetimes(texts[0], typed=stamps[0]).equals(parse_datetimes(texts[0]))


def test_a_column_mixing_cell_types_renders_each_cell_as_it_renders_alone() -> None:
    """Date, datetime and Timestamp cells are converted together (and apart when pandas refuses a
    mix, e.g. time zones); text, numbers and times of day on their own: the result is per cell."""
    tz = dt.timezone(dt.timedelta(hours=7))
    cells: list[object] = [
        "Ngày", dt.date(2019, 1, 6), dt.datetime(2019, 1, 5, 9, 0, 5, 7), None, 2.0, True,
        pd.Timestamp("2019-01-05 08:30:00.5"), dt.time(8, 30), dt.datetime(2019, 1, 5, 8, 30, tzinfo=tz),
        dt.datetime(1, 1, 1, 0, 0, 1), dt.date(9999, 12, 31), "", 7,
    ]
    texts, stamps = render_rows([[c] for c in cells])
    alone = [render_rows([[c]]) for c in cells]
    assert texts[0].to_pylist() == [a.texts[0][0].as_py() if a.texts else None for a in alone]
    assert stamps[0].to_pylist() == [a.stamps[0][0].as_py() if 0 in a.stamps else None for a in alone]
    for dates in ([c for c in cells if isinstance(c, dt.date)], cells[1:3]):  # only date cells
        texts, stamps = render_rows([[c] for c in dates])
        assert texts[0].to_pylist() == [render_rows([[c]]).texts[0][0].as_py() for c in dates]


def test_render_rows_renders_each_column_and_pads_short_rows() -> None:
    rows: list[list[object]] = [["Mã", "Ngày"], ["B-1", dt.datetime(2019, 1, 5, 8, 30)], ["B-2"], []]
    texts, stamps = render_rows(rows)
    assert [t.to_pylist() for t in texts] == [
        ["Mã", "B-1", "B-2", None], ["Ngày", "05/01/2019 08:30:00", None, None]]
    assert stamps[1].to_pylist() == [None, dt.datetime(2019, 1, 5, 8, 30), None, None]
    assert render_rows([]) == ([], {})


def test_reading_cells_pauses_the_collector_and_restores_its_state(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "a.xlsx", {"S": [["x", 1], ["y", 2]]})
    book = open_workbook(path)
    try:
        seen = []
        real = workbook.render_blocks  # renders the rows while they exist as Python lists
        here = Location(file="a.xlsx")
        for enabled in (True, False):
            (gc.enable if enabled else gc.disable)()
            with mock.patch.object(workbook, "render_blocks",
                                   lambda *a, **k: seen.append(gc.isenabled()) or real(*a, **k)):
                cells = workbook.render_sheet(workbook.parse_sheet(book, "S", here))
                assert cells.texts[0].to_pylist() == ["x", "y"]
            assert gc.isenabled() == enabled
        assert seen == [False, False]
    finally:
        gc.enable()
        book.close()


def _same_rendering(got: cells_module.RenderedRows, expected: cells_module.RenderedRows) -> None:
    assert len(got.texts) == len(expected.texts)
    for a, b in zip(got.texts, expected.texts, strict=True):
        assert a.equals(b), (a, b)
    assert got.stamps.keys() == expected.stamps.keys()
    for j, stamps in expected.stamps.items():
        assert got.stamps[j].equals(stamps)


def test_rendering_in_blocks_gives_what_rendering_all_rows_gives() -> None:
    rows: list[list[object]] = [
        ["STT", "Mã", "Ngày", "Ghi chú"], [1.0, "B-1", dt.datetime(2019, 1, 5, 8, 30), ""],
        [2.0, "B-2", "06/01/2019", True], [3.0, "", dt.date(2019, 1, 7), ""], [4.5, "B-4", "", 7],
        ["5", "B-5", dt.datetime(2019, 1, 9), ""], [6.0, "B-6", dt.datetime(2019, 1, 9, 7), None],
    ]
    whole = render_rows(rows)
    for size in (1, 2, 3, 7):
        blocks = [rows[i: i + size] for i in range(0, len(rows), size)]
        _same_rendering(cells_module.render_blocks(blocks), whole)
    ragged = [["a", "b", "c"], ["d"], [], ["e", 1.0]]  # short rows, a block narrower than the grid
    _same_rendering(cells_module.render_blocks([ragged[:2], ragged[2:3], ragged[3:]]), render_rows(ragged))
    assert cells_module.render_blocks([]) == ([], {})
    shifted = cells_module.render_blocks([rows[:3], rows[3:]], leading_columns=2)
    _same_rendering(shifted, render_rows([["", "", *row] for row in rows]))


@pytest.mark.parametrize("block_rows", [2, 3, 1_000])
def test_a_sheet_renders_as_its_to_python_grid_renders(tmp_path: Path, block_rows: int) -> None:
    """Blocks of `iter_rows` (which leaves out the empty columns left of the data) give exactly what
    `to_python(skip_empty_area=False)` rendered at once gives."""
    rows: list[list[object]] = [[], [], [None, None, "Mã", "Ngày", "SL"]]
    rows += [[None, None, f"B-{i}", dt.datetime(2019, 1, 1 + i % 28, 8, i % 60), float(i)] for i in range(9)]
    rows += [[None, None, "", "05/02/2019", "2 bộ"], [None, None, None, None, None, "Tổng"]]
    path = write_workbook(tmp_path / "shifted.xlsx", {"S": rows, "Empty": []})
    book = open_workbook(path)
    try:
        with mock.patch.object(workbook, "BLOCK_ROWS", block_rows):
            for name in ("S", "Empty"):
                sheet = book.get_sheet_by_name(name)
                _same_rendering(workbook.render_sheet(sheet),
                                render_rows(sheet.to_python(skip_empty_area=False)))
        assert book.get_sheet_by_name("S").start == (2, 2)  # the case above is really shifted
    finally:
        book.close()


def test_worksheets_are_parsed_ahead_in_order_and_failures_stay_per_sheet(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "m.xlsx", {"A": [["a", 1]], "B": [["b", 2]], "C": [["c", 3]]})
    book = open_workbook(path)
    real = book.get_sheet_by_name
    calls: list[str] = []
    threads: list[bool] = []  # parsed on the calling (main) thread?

    class Book:  # the workbook, with sheet B failing to parse
        sheets_metadata = book.sheets_metadata

        @staticmethod
        def get_sheet_by_name(name: str) -> object:
            calls.append(name)
            threads.append(threading.current_thread() is threading.main_thread())
            if name == "B":
                raise ValueError("damaged part")
            return real(name)

    try:
        read: list[object] = []
        with workbook.worksheets(Book, "m.xlsx") as sheets:  # type: ignore[arg-type]
            for sheet in sheets:
                assert sheet.location == Location(file="m.xlsx", sheet=sheet.name)
                try:
                    read.append(sheet.cells().texts[0].to_pylist())
                except UnreadableFileError as exc:
                    read.append(exc.message)
        assert read == [["a"], "sheet cannot be read: damaged part", ["c"]]
        assert calls == ["A", "B", "C"]
        assert threads == [True, False, False]  # the first here, each next one ahead on the second thread
        calls.clear()
        with workbook.worksheets(book, "m.xlsx") as sheets:
            for sheet in sheets:
                assert sheet.cells().texts[0].to_pylist() == ["a"]
                break  # leaving early: at most the sheet ahead is parsed, and the book can be closed
        assert book.get_sheet_by_name("C").to_python() == [["c", 3]]
    finally:
        book.close()


def test_clean_text_of_clean_text_is_the_same_array() -> None:
    values = pa.array([["Đăng ký khai sinh", "Chứng thực", None][i % 3] for i in range(5_000)], pa.string())
    assert blank_to_null(values) is values
    assert clean_text(values) is values  # repeating column: cleaned per distinct value, nothing to take
    assert blank_to_null(pa.array(["a", "", None])).to_pylist() == ["a", None, None]
    assert blank_to_null(pa.array(["", "a", ""])[1:]).to_pylist() == ["a", None]


@pytest.mark.parametrize("words", [
    ["STT", "Tổng Cộng", None, "12"],  # ASCII and Vietnamese
    ["1", "2", "ABC", None],  # ASCII only: lower-casing only
    ["Đ", "đ\u0300", "Ærø ½", "\u0e01\u0e31"],  # đ, no mark below U+0300, a Thai nonspacing mark
])
def test_fold_text_skips_only_the_steps_that_change_nothing(words: list[str | None]) -> None:
    values = pa.array(words, pa.string())
    cleaned = clean_text(values)
    plain = pc.replace_substring(pc.replace_substring_regex(
        pc.utf8_normalize(pc.utf8_lower(cleaned), "NFD"), r"\p{Mn}", ""), "đ", "d")
    assert fold_text(values).equals(plain)


def _messy_column(n: int, seed: int) -> pa.Array:
    rng = np.random.default_rng(seed)
    words = ["  Đăng  ký ", "\u00a0Chứng thực", "", None, "a\tb", "Nguye\u0303n", "x\u200by", "plain"]
    return pa.array([words[i] for i in rng.integers(0, len(words), n)], pa.string())


def test_clean_columns_cleans_each_column_as_clean_text_does() -> None:
    columns = [_messy_column(n, seed) for seed, n in enumerate((0, 1, 7, 300, 9_000, 40))]
    with shared_encodings():
        cleaned = clean_columns(columns)
        assert all(clean_text(c) is r for c, r in zip(columns, cleaned, strict=True))  # remembered
    for column, result in zip(columns, cleaned, strict=True):
        assert result.to_pylist() == clean_text(column).to_pylist()


def test_taken_rows_carry_their_cleaned_text() -> None:
    column = _messy_column(500, 3)
    rows = pa.array([4, 0, 499, 17, 17], pa.uint64())
    with shared_encodings():
        cleaned = clean_text(column)
        taken = take_text(column, rows)
        assert taken.equals(pc.take(column, rows))
        assert clean_text(taken).equals(pc.take(cleaned, rows))
    assert clean_text(taken).to_pylist() == pc.take(cleaned, rows).to_pylist()
