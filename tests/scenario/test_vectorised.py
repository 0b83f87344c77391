"""The vectorised helpers of the generator give what the plain pandas formulations give."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa

from doisoat import schema as c
from doisoat.scenario import columns as k
from doisoat.scenario.noise import _swapped_receipts
from doisoat.scenario.order import laid_out
from doisoat.scenario.people import FEMALE_MIDDLE, MALE_MIDDLE, SURNAMES, draw_names
from doisoat.scenario.text import int_text, per_distinct, strip_diacritics, take_text


def test_int_text_matches_astype_str() -> None:
    values = pd.Series([0, 7, 10, 123456, -3], index=[4, 5, 6, 7, 8])
    pd.testing.assert_series_equal(int_text(values), values.astype("str"))
    pd.testing.assert_series_equal(int_text(values.abs(), 4), values.abs().astype("str").str.zfill(4))


def test_take_text_nulls_negative_positions() -> None:
    out = take_text(pa.array(["a", "b"]), np.array([1, -1, 0]), pd.Index([10, 11, 12]))
    assert out.dtype == "str"
    assert out.index.tolist() == [10, 11, 12]
    assert out.iloc[0] == "b" and pd.isna(out.iloc[1]) and out.iloc[2] == "a"


def test_per_distinct_matches_element_wise() -> None:
    names = ["Nguyễn Văn Đạt", "Lê Thị Hoa", None, "Nguyễn Văn Đạt"]
    values = pd.Series(names, index=[3, 1, 2, 0], dtype="str")
    pd.testing.assert_series_equal(per_distinct(values, strip_diacritics), strip_diacritics(values))


def test_laid_out_matches_concat_and_stable_sort() -> None:
    rng = np.random.default_rng(5)
    n = 500
    day = np.datetime64("2019-03-01T08:00", "us") + rng.integers(0, 40, n).astype("timedelta64[h]")
    df = pd.DataFrame({
        c.DOSSIER_CODE: pd.Series(rng.integers(0, 60, n)).map(lambda i: f"X-{i:03d}").astype("str"),
        c.RECEIVED_AT: pd.Series(day, dtype="datetime64[us]"),
        "payload": pd.Series(np.arange(n)).astype("str"),
    })
    base, extra = rng.random(n) < 0.9, rng.random(n) < 0.1
    expected = pd.concat(
        [df[base].assign(**{k.EXTRA: False}), df[extra].assign(**{k.EXTRA: True})], ignore_index=True
    ).sort_values([c.RECEIVED_AT, c.DOSSIER_CODE, k.EXTRA], kind="stable", ignore_index=True)
    pd.testing.assert_frame_equal(laid_out(df, base, extra, c.RECEIVED_AT), expected)


def test_swapped_receipts_match_calendar_construction() -> None:
    rng = np.random.default_rng(9)
    minutes = rng.integers(0, 800 * 1440, 5000)
    received = pd.Series(np.datetime64("2018-10-01", "us") + minutes.astype("timedelta64[m]"))
    swapped, ok = _swapped_receipts(received, dt.date(2019, 1, 1))
    day, month, year = received.dt.day, received.dt.month, received.dt.year
    assert ok.any() and not ok.all()
    for i in np.flatnonzero(ok)[:200]:  # a sample checked against the calendar, row by row
        want = pd.Timestamp(year=int(year[i]), month=int(day[i]), day=int(month[i])) + (
            received[i] - received[i].normalize())
        assert swapped[i] == want
    assert (swapped[ok] >= pd.Timestamp("2019-01-01")).all()
    assert ((day < month) | ~ok).all()


def test_draw_names_shape() -> None:
    names = draw_names(np.random.default_rng(3), 20_000)
    parts = names.str.split(" ", n=1, expand=True)
    assert set(parts[0]) <= set(SURNAMES)
    rest = parts[1].str.rsplit(" ", n=1, expand=True)
    assert set(rest[0]) <= set(FEMALE_MIDDLE) | set(MALE_MIDDLE)
    assert not (rest[0] == rest[1]).any()  # never "Minh Minh"
    again = draw_names(np.random.default_rng(3), 20_000)
    pd.testing.assert_series_equal(names, again)
