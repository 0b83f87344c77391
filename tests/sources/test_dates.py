"""Day-first date parsing of text cells."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from doisoat.sources.dates import parse_datetimes, to_dates

CASES = [
    ("05/01/2019 08:30:00", dt.datetime(2019, 1, 5, 8, 30)),
    ("05/01/2019 08:30", dt.datetime(2019, 1, 5, 8, 30)),
    ("05/01/2019", dt.datetime(2019, 1, 5)),
    ("08:30 05/01/2019", dt.datetime(2019, 1, 5, 8, 30)),
    ("8 giờ 30, 05/01/2019", dt.datetime(2019, 1, 5, 8, 30)),
    ("8h30 ngày 5/1/2019", dt.datetime(2019, 1, 5, 8, 30)),
    ("5/1/2019 8:30", dt.datetime(2019, 1, 5, 8, 30)),
    ("05-01-2019", dt.datetime(2019, 1, 5)),
    ("05.01.2019", dt.datetime(2019, 1, 5)),
    ("05/01/19", dt.datetime(2019, 1, 5)),
    ("01/03/2019", dt.datetime(2019, 3, 1)),  # day first, always
    ("1/3/2019", dt.datetime(2019, 3, 1)),
    ("03/03/2019 00:00:00", dt.datetime(2019, 3, 3)),
    ("29/02/2020", dt.datetime(2020, 2, 29)),
    ("2019-01-05", dt.datetime(2019, 1, 5)),
    ("2019-01-05 07:05:00", dt.datetime(2019, 1, 5, 7, 5)),
    ("43470.5", dt.datetime(2019, 1, 5, 12)),  # an Excel serial number
    (" 05/01/2019\u00a0", dt.datetime(2019, 1, 5)),
    ("31/02/2019", None),  # impossible: Arrow alone would roll it over to 03/03
    ("29/02/2019 10:00:00", None),
    ("32/01/2019", None),
    ("05/13/2019", None),
    ("05/01/2019 25:00", None),
    ("hôm qua", None),
    ("", None),
    (None, None),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_parse_one(text: str | None, expected: dt.datetime | None) -> None:
    assert parse_datetimes(pa.array([text], pa.string())).to_pylist() == [expected]


def test_parse_many_repeated_values_once_per_distinct_value() -> None:
    texts = [t for t, _ in CASES] * 200  # enough rows for the per-distinct path
    expected = [e for _, e in CASES] * 200
    assert parse_datetimes(pa.array(texts, pa.string())).to_pylist() == expected


def test_profile_formats_are_tried_first() -> None:
    parsed = parse_datetimes(pa.array(["2019.01.05 07h", "05/01/2019"]), formats=["%Y.%m.%d %Hh"])
    assert parsed.to_pylist() == [dt.datetime(2019, 1, 5, 7), dt.datetime(2019, 1, 5)]


def test_to_dates_truncates_to_midnight() -> None:
    parsed = parse_datetimes(pa.array(["05/01/2019 08:30:00", None]))
    assert to_dates(parsed).to_pylist() == [dt.datetime(2019, 1, 5), None]


def test_a_column_mixing_every_form_parses_each_cell_as_alone() -> None:
    texts = [text for text, _ in CASES]
    assert parse_datetimes(pa.array(texts, pa.string())).to_pylist() == [e for _, e in CASES]


@pytest.mark.parametrize("texts", [
    ["x", "43470.5", "✓"],  # tick marks beside a serial number
    ["x", "2019-01-05", "đã trả"],  # an ISO date beside words
    ["43470", "43471"],  # serial numbers only
    ["5/1/19", "x", "X"],  # text dates, tick marks: nothing starts the other parsers
])
def test_lenient_parsers_run_only_where_a_cell_may_need_them(texts: list[str]) -> None:
    expected = [parse_datetimes(pa.array([t], pa.string())).to_pylist()[0] for t in texts]
    assert parse_datetimes(pa.array(texts, pa.string())).to_pylist() == expected
    assert expected.count(None) == sum(not t[0].isdigit() for t in texts)
