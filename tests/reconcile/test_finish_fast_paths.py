"""The fast paths after linking (day numbers, Arrow ids and takes, per-office counts) give exactly
what the plain pandas forms give."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from doisoat import schema as c
from doisoat.reconcile import aggregates
from doisoat.reconcile import mismatches as mm
from doisoat.reconcile.calendar import calendar_for_years
from doisoat.reconcile.compare import _name_keys_of_both, _swapped
from doisoat.reconcile.engine import _matches, _taken
from doisoat.reconcile.evidence import swap_day_month
from doisoat.reconcile.keys import CODE_KEY, name_keys
from doisoat.reconcile.matching import E_IDX, LINK_COLUMNS, P_IDX
from doisoat.reconcile.workdays import NO_DAY, day_numbers, days_between, workday_numbers, working_day_lags

_TIMES = st.one_of(st.none(), st.datetimes(dt.datetime(2018, 12, 20), dt.datetime(2019, 2, 10)))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_TIMES, _TIMES), min_size=1, max_size=25))
def test_working_day_lags_by_day_numbers_equal_the_calendar(pairs: list[tuple[object, object]]) -> None:
    """Dates with times of day and missing dates: the lags are the calendar's own."""
    cal = calendar_for_years(2018, 2019)
    start = pd.Series([a for a, _ in pairs], dtype="datetime64[us]")
    end = pd.Series([b for _, b in pairs], dtype="datetime64[us]")
    want = cal.working_days_between(start, end)
    pd.testing.assert_series_equal(days_between(cal, start, end), want)
    got = working_day_lags(cal, day_numbers(start), day_numbers(end), -7)
    assert got.tolist() == want.fillna(-7).tolist()
    assert (day_numbers(start) == NO_DAY).tolist() == start.isna().tolist()


def test_a_day_outside_the_calendar_raises_as_the_calendar_does() -> None:
    cal = calendar_for_years(2018, 2019)
    start = pd.Series(pd.to_datetime(["2019-01-02", "2030-05-04", "2031-01-01"]))
    end = pd.Series(pd.to_datetime(["2019-01-03", "2019-01-03", "2029-01-01"]))
    with pytest.raises(ValueError) as want:
        cal.working_days_between(start, end)
    with pytest.raises(ValueError) as got:
        days_between(cal, start, end)
    assert str(got.value) == str(want.value)


def test_workday_numbers_leave_a_time_after_the_calendars_last_midnight_outside() -> None:
    """The plain form compared each date (time of day included) with the calendar's ends."""
    cal = calendar_for_years(2018, 2019)
    last, first = pd.Timestamp(cal.last), pd.Timestamp(cal.first)
    days = pd.Series([last, last + pd.Timedelta(hours=9), first + pd.Timedelta(hours=9), pd.NaT])
    inside = ((days >= first) & (days <= last)).to_numpy()
    want = np.full(len(days), -1)
    want[inside] = cal.working_days_between(
        pd.Series(first, index=days.index)[inside], days[inside]
    ).to_numpy()
    assert workday_numbers(cal, days).tolist() == want.tolist()


@settings(max_examples=40, deadline=None)
@given(st.lists(_TIMES, min_size=1, max_size=25))
def test_swaps_per_distinct_value_equal_the_swap_per_row(values: list[dt.datetime | None]) -> None:
    days = pd.Series(values, dtype="datetime64[us]")
    want = swap_day_month(days).to_numpy(dtype="datetime64[us]")
    assert np.array_equal(_swapped(days.to_numpy()), want, equal_nan=True)


_NAMES = st.one_of(
    st.none(), st.sampled_from(["Nguyễn Văn An", "nguyen van  an", "Trần Thị Tuấn", "", "Lê B"])
)


@settings(max_examples=40, deadline=None)
@given(st.lists(_NAMES, max_size=12), st.lists(_NAMES, max_size=12))
def test_name_keys_of_both_sides_at_once_equal_each_sides_keys(
    a: list[str | None], b: list[str | None]
) -> None:
    left, right = pd.Series(a, dtype="string"), pd.Series(b, dtype="string", index=np.arange(len(b)) + 5)
    got_a, got_b = _name_keys_of_both(left, right)
    for got, side in ((got_a, left), (got_b, right.reset_index(drop=True))):
        want = name_keys(side)
        for field in ("folded", "key", "given"):
            pd.testing.assert_series_equal(getattr(got, field), getattr(want, field))


_REFS = st.one_of(st.none(), st.sampled_from(["a", "b", "c", "d", "e"]))


@settings(max_examples=60, deadline=None)
@given(st.lists(_REFS, max_size=15), st.lists(_REFS, max_size=15))
def test_first_positions_hashing_the_wanted_refs_equal_the_first_row(
    refs: list[str | None], wanted: list[str | None]
) -> None:
    """The first row holding each wanted ref, -1 when none; a missing ref finds a missing one."""
    first: dict[str | None, int] = {}
    for row, ref in enumerate(refs):
        first.setdefault(ref, row)
    want = [first.get(ref, -1) for ref in wanted]
    got = aggregates._first_positions(pd.Series(refs, dtype="str"), pd.Series(wanted, dtype="string"))
    assert got.tolist() == want


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.one_of(st.none(), st.datetimes(dt.datetime(1968, 11, 1), dt.datetime(2020, 2, 1))), max_size=20
    )
)
def test_month_codes_by_one_cast_equal_each_rows_year_and_month(values: list[dt.datetime | None]) -> None:
    received = pd.Series(values, dtype="datetime64[us]")
    codes, labels = aggregates._month_codes(received)
    got = [labels[k] for k in codes]
    want = [None if pd.isna(v) else f"{v.year:04d}-{v.month:02d}" for v in received]
    assert got == want
    assert len(set(labels.tolist())) == len(labels)


@given(st.lists(st.integers(0, 2**64 - 1), max_size=20))
def test_hex_ids_equal_python_formatting(hashes: list[int]) -> None:
    got = mm._hex_ids(np.asarray(hashes, dtype="uint64"))
    assert list(got) == ["M" + format(h, "016x") for h in hashes]


_VALUES = st.one_of(st.none(), st.sampled_from(["H56", "X 1", "đ", ""]))


@settings(max_examples=40, deadline=None)
@given(st.lists(_VALUES, min_size=1, max_size=12), st.sampled_from(["str", "string", "category", "object"]))
def test_findings_keep_their_values_as_the_per_row_conversion(values: list[str | None], dtype: str) -> None:
    """`build` and `identity_of` convert Arrow strings and categories without Python strings."""
    s = pd.Series(values, dtype="string").astype(dtype)
    s.index = s.index + 3
    got = mm.build("t", pd.Series(["i"] * len(s)), unit_code=s, paper_ref=s, detail=s)
    for col in (c.UNIT_CODE, c.PAPER_REF, c.DETAIL):
        pd.testing.assert_series_equal(got[col], pd.Series(s.to_numpy(), dtype="string"), check_names=False)
    plain = lambda v: pd.Series(v.to_numpy(), dtype="string")  # noqa: E731
    want = (plain(s) + "|" + plain(s)).fillna("ref|" + plain(s))
    pd.testing.assert_series_equal(mm.identity_of(s, s, s), want)


@settings(max_examples=40, deadline=None)
@given(st.lists(_VALUES, min_size=1, max_size=12), st.sampled_from(["str", "category"]))
def test_taken_categories_equal_the_per_row_objects(values: list[str | None], dtype: str) -> None:
    """(`str` values all missing are taken as `str`, not objects: the Arrow path's known exception.)"""
    assume(dtype == "category" or any(v is not None for v in values))
    s = pd.Series(values, dtype="str").astype(dtype)
    rows = np.arange(len(s))[::-1]
    got = pd.DataFrame({"v": _taken(s, rows)})
    pd.testing.assert_frame_equal(got, pd.DataFrame({"v": s.to_numpy()[rows]}))


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_matches_sorted_by_their_order_equal_the_sorted_frame(data: st.DataObject) -> None:
    """The matches taken once in the paper refs' order are the frame built and then sorted."""
    n = data.draw(st.integers(1, 12))
    refs = data.draw(st.lists(st.text("abc", min_size=1, max_size=3), min_size=n, max_size=n, unique=True))
    codes = data.draw(st.lists(st.one_of(st.none(), st.sampled_from(["K1", "K2"])), min_size=n, max_size=n))
    units = data.draw(st.lists(st.one_of(st.none(), st.sampled_from(["U1", "U2"])), min_size=n, max_size=n))
    p_valid = pd.DataFrame(
        {
            c.REF: pd.Series(refs, dtype="str"),
            c.UNIT_CODE: pd.Series(units, dtype="str").astype("category"),
            CODE_KEY: pd.Series(codes, dtype="string"),
        }
    )
    e_valid = p_valid.assign(**{c.REF: pd.Series([r + "e" for r in refs], dtype="str")})
    pi = np.asarray(data.draw(st.permutations(range(n))))
    ei = np.asarray(data.draw(st.permutations(range(n))))
    links = pd.DataFrame(
        {
            P_IDX: pi,
            E_IDX: ei,
            c.METHOD: pd.Series(["fuzzy"] * n, dtype="str"),
            c.SCORE: np.linspace(0, 1, n),
            "code_points": np.arange(n, dtype="float64"),
            "agreed": pd.Series(["code"] * n, dtype="string"),
        }
    )
    p_rows, e_rows = np.arange(n) * 2, np.arange(n) * 3
    got, (got_p, got_e) = _matches(p_valid, e_valid, links, p_rows, e_rows)
    e_code = e_valid[CODE_KEY].take(ei).reset_index(drop=True)
    p_code = p_valid[CODE_KEY].take(pi).reset_index(drop=True)
    plain = pd.DataFrame(
        {
            c.PAPER_REF: p_valid[c.REF].to_numpy()[pi],
            c.ELECTRONIC_REF: e_valid[c.REF].to_numpy()[ei],
            c.METHOD: links[c.METHOD].to_numpy(),
            c.SCORE: links[c.SCORE].to_numpy(),
            c.UNIT_CODE: p_valid[c.UNIT_CODE].to_numpy()[pi],
            c.DOSSIER_CODE: e_code.fillna(p_code),
            **{col: links[col].to_numpy() for col in links.columns if col not in LINK_COLUMNS},
        }
    )
    order = plain.sort_values([c.PAPER_REF]).index.to_numpy()
    pd.testing.assert_frame_equal(got, plain.sort_values([c.PAPER_REF], ignore_index=True))
    assert got_p.tolist() == p_rows[pi[order]].tolist()
    assert got_e.tolist() == e_rows[ei[order]].tolist()


_OFFICES = st.one_of(st.none(), st.sampled_from(["H1", "H2", "H3"]))


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(_OFFICES, st.sampled_from(["n1", "n2"])), max_size=10),
    st.lists(st.tuples(_OFFICES, st.sampled_from(["n3", "n4"])), max_size=10),
)
def test_offices_from_each_sides_first_rows_equal_the_concatenated_rows(
    paper: list[tuple[str | None, str]], electronic: list[tuple[str | None, str]]
) -> None:
    def frame(rows: list[tuple[str | None, str]]) -> pd.DataFrame:
        return pd.DataFrame(
            {
                c.UNIT_CODE: pd.Series([u for u, _ in rows], dtype="str"),
                c.UNIT_NAME: pd.Series([n for _, n in rows], dtype="str"),
                c.LEVEL: pd.Series([c.LEVEL_WARD] * len(rows), dtype="str"),
            }
        )

    p, e = frame(paper), frame(electronic)
    both = pd.concat([p, e], ignore_index=True)
    want = both.dropna(subset=[c.UNIT_CODE]).drop_duplicates(c.UNIT_CODE).reset_index(drop=True)
    pd.testing.assert_frame_equal(aggregates.offices_of(p, e), want)
