"""The per-distinct-value and Arrow fast paths give exactly what the plain pandas forms give."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from doisoat import schema as c
from doisoat.reconcile.calendar import calendar_for_years
from doisoat.reconcile.codes import code_parts, shared_codes
from doisoat.reconcile.compare import _same_procedure, per_distinct_pair, same_person
from doisoat.reconcile.config import ReconcileConfig
from doisoat.reconcile.engine import _lineage_order
from doisoat.reconcile.evidence import (
    FIELDS,
    ScoredNamePairs,
    _rank_within,
    agreed_bits,
    agreed_text,
    applicant_points,
    applicant_points_per_pair,
    features,
    ref_hashes,
    score_pairs,
    swap_day_month,
    text_array,
)
from doisoat.reconcile.keys import (
    _lenient,
    basic_code,
    fold_text,
    given_name,
    name_key,
    name_keys,
    normalise_code,
    per_unique,
)
from doisoat.reconcile.matching import FIRST_IDX, _scored_in_halves, _sorted_unique, find_duplicates
from doisoat.reconcile.names import shared_names
from doisoat.reconcile.procedures import expand, procedure_key, resolve
from doisoat.reconcile.workdays import days_between, workday_numbers
from doisoat.reference import procedures
from tests import factories as f

_CODE_CHARS = st.sampled_from(list("0123456789.-HOIL x"))


def _reference_parts(code: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    parts = code.str.extract(r"^(.*?)(\d+)$")
    text = parts[0].astype("string")
    hashed = pd.util.hash_pandas_object(text.fillna(""), index=False).to_numpy().view("int64")
    prefix = np.where(text.isna().to_numpy(), -1, hashed)
    return prefix, pd.to_numeric(parts[1], errors="coerce").astype("float64").to_numpy()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(_CODE_CHARS, max_size=12)), min_size=1, max_size=30))
def test_code_parts_match_the_regex_extract(values: list[str | None]) -> None:
    code = pd.Series(values, dtype="string")
    prefix, number = code_parts(code)
    ref_prefix, ref_number = _reference_parts(code)
    assert prefix.tolist() == ref_prefix.tolist()
    assert np.array_equal(number, ref_number, equal_nan=True)


def test_code_parts_of_a_standard_code() -> None:
    prefix, number = code_parts(pd.Series(["000.01.22.H56-190102-0009", "000.01.22.H56-190102-0010", "HS"]))
    assert prefix[0] == prefix[1] != -1 and prefix[2] == -1
    assert number[:2].tolist() == [9.0, 10.0] and np.isnan(number[2])


def test_name_keys_equal_the_single_keys() -> None:
    names = pd.Series(
        ["Nguyễn Văn  An", "an nguyen van", None, "", "Lê Thị Mai", "Nguyễn Văn An"], dtype="string"
    )
    keys = name_keys(names)
    pd.testing.assert_series_equal(keys.folded, fold_text(names))
    pd.testing.assert_series_equal(keys.key, name_key(names))
    pd.testing.assert_series_equal(keys.given, given_name(names))
    assert keys.key[0] == keys.key[1] == "an nguyen van"


def test_text_array_puts_empty_strings_for_missing() -> None:
    assert text_array(pd.Series(["a", None, "b", "a"], dtype="string")).tolist() == ["a", "", "b", "a"]


def test_working_days_per_distinct_date_equal_the_calendar() -> None:
    cal = calendar_for_years(2018, 2019)
    rng = np.random.default_rng(3)
    days = pd.Series(pd.to_datetime("2019-01-01") + pd.to_timedelta(rng.integers(0, 200, 500), unit="D"))
    later = days + pd.to_timedelta(rng.integers(-5, 10, 500), unit="D")
    days[::7] = pd.NaT
    later[::11] = pd.NaT
    pd.testing.assert_series_equal(days_between(cal, days, later), cal.working_days_between(days, later))
    first = pd.Series(pd.Timestamp(cal.first), index=days.index)
    expected = cal.working_days_between(first, days).fillna(-1).to_numpy("int64")
    assert workday_numbers(cal, days).tolist() == expected.tolist()
    outside = pd.Series([pd.Timestamp(dt.date(1990, 1, 1)), pd.NaT])
    assert workday_numbers(cal, outside).tolist() == [-1, -1]


_STANDARD_CODE = st.from_regex(
    r"[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}-[0-9]{6}-[0-9]{4}", fullmatch=True
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.none(), _STANDARD_CODE, st.text(st.sampled_from(list("0123456789.-HOILhol x_/")), max_size=24)
        ),
        min_size=1,
        max_size=30,
    )
)
@example(
    [
        "000.17.22.H56-210531-0001",
        "0O0.17.22.H56-210531-0001",
        "000.17.22.h56-210531-0001",
        "000.17.22.H56-21O531-000I",
        "000.17.22.H56_210531-0001",
        " 000.17.22.H56-210531-0001",
        "000.17.22.H56--210531-0001",
        "000.17.22.H56-210531-0001.",
    ]
)
def test_codes_in_the_standard_form_skip_the_string_passes(values: list[str | None]) -> None:
    """Skipping the normalisation of codes already in the standard form changes no key."""
    codes = pd.Series(values, dtype="string")
    pd.testing.assert_series_equal(normalise_code(codes), per_unique(codes, _lenient))
    pd.testing.assert_series_equal(
        basic_code(codes),
        per_unique(
            codes,
            lambda s: (
                s.str.upper().str.replace(r"\s+", "", regex=True).str.replace("[–—‐−_/]", "-", regex=True)
            ).replace("", pd.NA),
        ),
    )


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.sampled_from(["b.xlsx", "a.xlsx", "Á.csv"])),
            st.one_of(st.none(), st.sampled_from(["Sheet2", "Sheet1"])),
            st.integers(1, 4),
            st.text("xyz", min_size=1, max_size=3),
        ),
        max_size=25,
    )
)
def test_lineage_order_equals_the_sort(rows: list[tuple[str | None, str | None, int, str]]) -> None:
    """Ledger order by integer codes is the sort over the lineage strings (missing last, ties on
    file, sheet and row broken by the ref)."""
    lineage = [c.SOURCE_FILE, c.SOURCE_SHEET, c.SOURCE_ROW, c.REF]
    key = pd.DataFrame(rows, columns=lineage).astype({c.SOURCE_ROW: "int64"})
    want = key.sort_values(lineage, na_position="last", kind="stable").index.to_numpy()
    assert _lineage_order(key, lineage).tolist() == want.tolist()


_NAMES = st.one_of(
    st.none(),
    st.sampled_from(
        ["Nguyễn Văn An", "nguyen van an", "Nguyễn Văn Bình", "Trần Thị Tuấn", "Tần Thị Tuấn", ""]
    ),
)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(_NAMES, _NAMES), min_size=1, max_size=20))
def test_tests_per_distinct_pair_equal_the_tests_per_row(pairs: list[tuple[str | None, str | None]]) -> None:
    """Comparing each distinct (paper, electronic) value pair once gives the row-by-row answers."""
    a = pd.Series([x for x, _ in pairs], dtype="string")
    b = pd.Series([y for _, y in reversed(pairs)], dtype="string")
    a_rows = np.arange(len(a))[::-1]
    b_rows = np.arange(len(b))
    config = ReconcileConfig()
    want = same_person(a.take(a_rows).reset_index(drop=True), b, config)
    got = per_distinct_pair(lambda x, y: same_person(x, y, config), a, a_rows, b, b_rows)
    assert got.tolist() == want.tolist()
    # categorical columns (the engine's working copies), unused categories included
    a_cat = a.astype(pd.CategoricalDtype(["Zzz", *a.dropna().unique()[::-1]]))
    got_cat = per_distinct_pair(
        lambda x, y: same_person(x, y, config), a_cat, a_rows, b.astype("category"), b_rows
    )
    assert got_cat.tolist() == want.tolist()
    want_proc = _same_procedure(a.take(a_rows).reset_index(drop=True), b, 80.0)
    assert (
        per_distinct_pair(lambda x, y: _same_procedure(x, y, 80.0), a, a_rows, b, b_rows).tolist()
        == want_proc.tolist()
    )


@given(st.lists(st.integers(-5, 2**40), max_size=40))
def test_sorted_unique_is_np_unique(values: list[int]) -> None:
    keys = np.asarray(values, dtype="int64")
    assert _sorted_unique(keys).tolist() == np.unique(keys).tolist()


@given(st.lists(st.lists(st.sampled_from([-2.0, 0.0, 0.5, 6.0]), min_size=7, max_size=7), max_size=20))
def test_agreed_fields_name_every_field_with_positive_points(rows: list[list[float]]) -> None:
    points = pd.DataFrame(rows, columns=[f"{name}_points" for name in FIELDS], dtype="float64")
    want = ["+".join(name for name, v in zip(FIELDS, row, strict=True) if v > 0) for row in rows]
    bits = agreed_bits(points)
    assert bits.dtype == np.uint8
    assert agreed_text(bits).astype("str").tolist() == want


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(-1, 2),
            st.one_of(st.none(), st.sampled_from(["B-2", "A-1", "A-10", "Á"])),
            st.one_of(st.none(), st.integers(0, 3)),
        ),
        max_size=25,
    )
)
def test_rank_within_office_equals_the_sorted_group_count(
    rows: list[tuple[int, str | None, int | None]],
) -> None:
    frame = pd.DataFrame(
        {
            "o": np.asarray([r[0] for r in rows], dtype="int64"),
            "code": pd.Series([r[1] for r in rows], dtype="str"),
            "at": pd.to_datetime([None if r[2] is None else f"2019-01-0{r[2] + 1}" for r in rows]),
            "pos": range(len(rows)),
        }
    )
    want = (
        frame.sort_values(["code", "at", "pos"], na_position="last", kind="stable")
        .groupby(["o"], dropna=False, sort=False)
        .cumcount()
        .sort_index()
        .to_numpy()
    )
    assert _rank_within(frame["o"].to_numpy(), [frame["code"], frame["at"]]).tolist() == want.tolist()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.sampled_from(["U1", "U2"])),
            st.one_of(st.none(), st.sampled_from(["000.01.22.H56-190102-0001", "000.01.22.H56-190102-0002"])),
        ),
        max_size=25,
    )
)
def test_repeated_codes_are_the_group_by_first_rows(rows: list[tuple[str | None, str | None]]) -> None:
    """Each repeated (office, code) row points at its group's first row, as a group-by says."""
    records = pd.DataFrame(rows, columns=[c.UNIT_CODE, c.DOSSIER_CODE], dtype="str").assign(
        **{c.APPLICANT_NAME: pd.Series(["Lê Thị Mai"] * len(rows), dtype="str")}
    )
    k = (
        records[[c.UNIT_CODE, c.DOSSIER_CODE]]
        .assign(pos=np.arange(len(rows)))
        .dropna(subset=[c.DOSSIER_CODE])
    )
    first = k.groupby([c.UNIT_CODE, c.DOSSIER_CODE], sort=False, dropna=False)["pos"].transform("min")
    later = k["pos"] != first
    dups = find_duplicates(records)
    assert dups["idx"].tolist() == k["pos"][later].tolist()
    assert dups[FIRST_IDX].tolist() == first[later].tolist()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.dates(dt.date(2018, 12, 25), dt.date(2019, 2, 5))), max_size=25))
def test_day_month_swap_per_distinct_date_equals_the_swap_per_row(days: list[dt.date | None]) -> None:
    series = pd.Series(pd.to_datetime(days), index=np.arange(len(days)) * 2, dtype="datetime64[us]")
    want = [
        None if d is None or d.day > 12 or d.day == d.month else pd.Timestamp(d.year, d.day, d.month)
        for d in days
    ]
    got = swap_day_month(series)
    assert got.index.equals(series.index) and got.dtype == "datetime64[us]"
    assert [None if pd.isna(v) else v for v in got.tolist()] == want


_PROCEDURES = st.one_of(
    st.none(),
    st.sampled_from(["ĐK khai sinh", "Đăng ký khai sinh", "Cấp GCN QSDĐ", "xyz abc", "", "CT bản sao"]),
)


@settings(max_examples=40, deadline=None)
@given(st.lists(_PROCEDURES, max_size=20), st.booleans())
def test_procedure_keys_per_distinct_name_equal_the_keys_per_row(
    names: list[str | None], categorical: bool
) -> None:
    """The integer procedure key, worked out per distinct name (or category), is the per-row one."""
    series = pd.Series(names, dtype="category" if categorical else "str")
    ref = resolve(series).to_numpy()
    codes, _ = pd.factorize(expand(series), use_na_sentinel=True)
    offset = len(procedures())
    want = np.where(ref >= 0, ref, np.where(codes >= 0, codes + offset, -1))
    assert procedure_key(series).tolist() == want.tolist()


_APPLICANTS = st.sampled_from(
    [
        "Nguyễn Văn An",
        "an nguyen van",
        "Nguyễn Văn Bình",
        "Nguyen Van Anh",
        "Lê Thị Mai",
        "Le Thi Mai",
        "",
        None,
    ]
)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(_APPLICANTS, min_size=1, max_size=8),
    st.lists(_APPLICANTS, min_size=1, max_size=8),
    st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7)), max_size=40),
)
def test_applicant_points_per_distinct_pair_equal_every_pair_scored(
    paper_names: list[str | None], electronic_names: list[str | None], pairs: list[tuple[int, int]]
) -> None:
    cal = calendar_for_years(2019, 2019)
    paper = f.paper(*({c.APPLICANT_NAME: n} for n in paper_names))
    electronic = f.electronic(*({c.APPLICANT_NAME: n} for n in electronic_names))
    offices = pd.Index(["000.01.22.H56"])
    p_codes, e_codes = shared_codes(paper[c.DOSSIER_CODE], electronic[c.DOSSIER_CODE])
    p_names, e_names = shared_names(paper[c.APPLICANT_NAME], electronic[c.APPLICANT_NAME])
    fp = features(paper, offices, cal, [c.RECEIVED_AT], p_codes, p_names)
    fe = features(electronic, offices, cal, [c.RECEIVED_AT], e_codes, e_names)
    pi = np.asarray([a % len(paper_names) for a, _ in pairs], dtype="int64")
    ei = np.asarray([b % len(electronic_names) for _, b in pairs], dtype="int64")
    config = ReconcileConfig()
    points, compared = applicant_points(fp, fe, pi, ei, config)
    plain_points, plain_compared = applicant_points_per_pair(fp, fe, pi, ei, config)
    assert points.tolist() == plain_points.tolist()
    assert compared.tolist() == plain_compared.tolist()
    # in two batches, the second taking the pairs of names the first scored
    scored, half = ScoredNamePairs(), len(pi) // 2
    first = applicant_points(fp, fe, pi[:half], ei[:half], config, scored)
    second = applicant_points(fp, fe, pi[half:], ei[half:], config, scored)
    assert np.concatenate([first[0], second[0]]).tolist() == plain_points.tolist()
    assert np.concatenate([first[1], second[1]]).tolist() == plain_compared.tolist()
    # every field scored in two halves on two threads (the exact pass) equals one call
    whole = score_pairs(fp, fe, pi, ei, config)
    halves = _scored_in_halves(fp, fe, pi, ei, config, ScoredNamePairs())
    pd.testing.assert_frame_equal(halves, whole, check_exact=True)


@settings(max_examples=30, deadline=None)
@given(st.lists(_APPLICANTS, min_size=1, max_size=10), st.data())
def test_features_from_distinct_names_equal_the_per_row_forms(
    names: list[str | None], data: st.DataObject
) -> None:
    """Texts, presence and numbers of the names made per distinct name equal those made per row;
    refs hashed for some rows equal the whole column's hashes there."""
    codes = ["000.01.22.H56-190102-0009", None, "H56 19"]
    paper = f.paper(*({c.APPLICANT_NAME: n, c.DOSSIER_CODE: codes[i % 3]} for i, n in enumerate(names)))
    cal, (codes,) = calendar_for_years(2019, 2019), shared_codes(paper[c.DOSSIER_CODE])
    (names_,) = shared_names(paper[c.APPLICANT_NAME])
    fp = features(paper, pd.Index(["000.01.22.H56"]), cal, [c.RECEIVED_AT], codes, names_)
    keys = name_keys(paper[c.APPLICANT_NAME])
    assert fp.texts["name"].tolist() == text_array(keys.key).tolist()
    assert fp.texts["given"].tolist() == text_array(keys.given).tolist()
    assert fp.texts["folded_name"].tolist() == text_array(keys.folded).tolist()
    assert fp.has_name.tolist() == keys.key.notna().tolist()
    assert fp.texts["code"].tolist() == text_array(normalise_code(paper[c.DOSSIER_CODE])).tolist()
    folded = keys.folded.fillna("\0").tolist()
    same = [[fp.name_id[i] == fp.name_id[j] for j in range(len(names))] for i in range(len(names))]
    assert same == [[folded[i] == folded[j] for j in range(len(names))] for i in range(len(names))]
    assert ((fp.name_id < 0) == keys.folded.isna().to_numpy()).all()
    rows = np.asarray(sorted(data.draw(st.sets(st.integers(0, len(names) - 1)))), dtype="int64")
    full = pd.util.hash_pandas_object(paper[c.REF].astype("string"), index=False).to_numpy().view("int64")
    hashed = ref_hashes(paper[c.REF], rows)
    assert hashed[rows].tolist() == full[rows].tolist()
    assert not np.delete(hashed, rows).any()


def test_breakdown_from_the_engines_rows_equals_the_breakdown_by_refs() -> None:
    """The engine hands the breakdown the rows of its links; counting them by their refs instead
    gives the same frame (shuffled inputs, quarantined rows, rows outside the period)."""
    from doisoat.reconcile.aggregates import breakdown
    from doisoat.reconcile.engine import _in_period, reconcile
    from doisoat.reconcile.result import Period
    from doisoat.scenario import generate_frames
    from doisoat.scenario.generator import resolve
    from doisoat.validators.quarantine import ELECTRONIC, PAPER, validate

    paper, electronic, _ = generate_frames("small", 7)
    paper = paper.sample(frac=1, random_state=3).reset_index(drop=True)
    quarantine = pd.concat(
        [validate(paper, PAPER).quarantine, validate(electronic, ELECTRONIC).quarantine], ignore_index=True
    )
    spec = resolve("small")
    period = Period(spec.period_start, spec.period_end)
    r = reconcile(paper, electronic, quarantine, period)
    assert len(quarantine) and len(r.matches)
    by_refs = breakdown(
        _in_period(paper, period), _in_period(electronic, period), period, r.matches, r.mismatches
    )
    pd.testing.assert_frame_equal(r.breakdown, by_refs, check_exact=True)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.sampled_from(["H56", "H57", "", "X"])), min_size=1, max_size=12),
    st.lists(st.one_of(st.none(), st.sampled_from(["H57", "Y", ""])), min_size=1, max_size=12),
    st.sampled_from(["string", "category", "object"]),
)
def test_office_numbers_from_distinct_offices_equal_the_per_row_forms(
    a: list[str | None], b: list[str | None], dtype: str
) -> None:
    """Offices numbered from each side's distinct values (a categorical's codes) are those numbered
    from every row's string."""
    from doisoat.reconcile.keys import office_codes

    pa_, pb = pd.Series(a, dtype="string").astype(dtype), pd.Series(b, dtype="string").astype(dtype)
    want = pd.Index(pd.concat([pa_, pb]).astype("string").fillna("").unique())
    got = pd.Index(pd.concat([office_codes(pa_)[1], office_codes(pb)[1]]).unique())
    assert got.tolist() == want.tolist()
    rows, values = office_codes(pa_)
    assert (
        want.get_indexer(values)[rows].tolist() == want.get_indexer(pa_.astype("string").fillna("")).tolist()
    )
    plain, _ = pd.factorize(pa_.astype("string"), use_na_sentinel=False)
    assert rows.tolist() == plain.tolist()


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.one_of(st.none(), st.datetimes(dt.datetime(2018, 12, 1), dt.datetime(2019, 2, 1))),
        min_size=0,
        max_size=12,
    )
)
def test_dates_written_per_distinct_date_equal_strftime_per_row(values: list[dt.datetime | None]) -> None:
    from doisoat.reconcile.timeliness import day_month_year

    dates = pd.Series(values, dtype="datetime64[us]", index=np.arange(len(values)) * 3)
    want = pd.to_datetime(dates).dt.strftime("%d/%m/%Y").astype("string")
    pd.testing.assert_series_equal(day_month_year(dates), want)


def test_fuzzy_batches_on_two_threads_link_as_one_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fuzzy pass scores its office batches two at a time on two threads: many small batches
    (one office each) give exactly the links and findings of one batch holding every office."""
    from doisoat.reconcile import matching
    from doisoat.reconcile.engine import reconcile
    from doisoat.reconcile.result import Period
    from tests.reconcile.linkage_scenario import generate_linkage

    g = generate_linkage(3000, offices=6, seed=5)
    period = Period(g.start, g.end)
    monkeypatch.setattr(matching, "_BATCH_ROWS", 10**9)
    one = reconcile(g.paper, g.electronic, f.no_quarantine(), period)
    monkeypatch.setattr(matching, "_BATCH_ROWS", 1)
    many = reconcile(g.paper, g.electronic, f.no_quarantine(), period)
    assert len(matching._office_batches(np.arange(6).repeat(3), 1)) == 6
    assert len(one.matches) > 2000
    pd.testing.assert_frame_equal(many.matches, one.matches, check_exact=True)
    pd.testing.assert_frame_equal(many.mismatches, one.mismatches, check_exact=True)
