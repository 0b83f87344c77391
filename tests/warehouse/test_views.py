"""The analyst views on both engines."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import pytest

from doisoat import schema
from doisoat.warehouse import RunRecord, finish_run, load_run, read_table, start_run
from doisoat.warehouse.views import VIEWS

from .synthetic import CITY, PERIOD, WARD, base_delivery, load, run_record


def test_period_summary_shows_the_latest_succeeded_run_only(migrated_url: str) -> None:
    delivery = base_delivery()
    load(migrated_url, "r1", delivery, finish=None)
    assert read_table(migrated_url, "v_period_summary").empty  # still running

    finish_run(migrated_url, "r1", "succeeded")
    view = read_table(migrated_url, "v_period_summary")
    summary = delivery.frames()["summary"]
    assert view["run_id"].unique().tolist() == ["r1"]
    pd.testing.assert_frame_equal(
        view[schema.SUMMARY_COLUMNS].drop(columns=[schema.PERIOD_START, schema.PERIOD_END]),
        summary.drop(columns=[schema.PERIOD_START, schema.PERIOD_END]),
        check_dtype=False,
    )

    # A later run that loaded and then failed (e.g. its quality checkpoint): no official table.
    load(migrated_url, "r2", delivery, minute=5, finish="failed")
    assert read_table(migrated_url, "v_period_summary").empty


def test_open_mismatches_by_type(migrated_url: str) -> None:
    load(migrated_url, "r1", base_delivery(mismatch_ids=["m1", "m2", "m3"]))
    load(migrated_url, "r2", base_delivery(mismatch_ids=["m2", "m3", "m4", "m5", "m8"]), minute=5)
    view = read_table(migrated_url, "v_open_mismatches_by_type")
    # "m<k>" has type MISMATCH_TYPES[k % 3] and unit CITY when k is even (see synthetic.mismatches)
    got = {(r.mismatch_type, r.unit_code): (r.open_count, r.oldest_first_seen_at) for r in view.itertuples()}
    r1, r2 = pd.Timestamp("2019-07-01 08:00"), pd.Timestamp("2019-07-01 08:05")
    types = schema.MISMATCH_TYPES
    assert got == {
        (types[2], CITY): (2, r1),  # m2 (first seen in r1) and m8
        (types[0], WARD): (1, r1),  # m3
        (types[1], CITY): (1, r2),  # m4
        (types[2], WARD): (1, r2),  # m5; m1 is resolved
    }


def test_on_time_rate_per_office_and_side(migrated_url: str) -> None:
    load(migrated_url, "r1", base_delivery())
    view = read_table(migrated_url, "v_on_time_rate")
    assert len(view) == 6
    city = view[view[schema.UNIT_CODE] == CITY].set_index("side")
    assert city.loc["paper", "received"] == 4
    assert city.loc["paper", "on_time_rate"] == pytest.approx(1.0)
    assert city.loc["electronic", "received"] == 5
    assert city.loc["electronic", "overdue"] == 1
    assert city.loc["electronic", "on_time_rate"] == pytest.approx(0.8)


def test_sync_rate_per_office(migrated_url: str) -> None:
    load(migrated_url, "r1", base_delivery())
    view = read_table(migrated_url, "v_sync_rate").set_index(schema.UNIT_CODE)
    # 5 matches pair the first 5 paper rows (4 of the city, 1 of the ward) with electronic rows
    assert view.loc[CITY, ["paper_records", "matched_paper_records"]].tolist() == [4, 4]
    assert view.loc[WARD, ["paper_records", "matched_paper_records"]].tolist() == [3, 1]
    assert view.loc[WARD, schema.SYNC_RATE] == pytest.approx(1 / 3)
    assert view.loc[WARD, schema.UNIT_NAME] == "UBND Phường 1"


def test_views_are_empty_on_an_empty_warehouse(migrated_url: str) -> None:
    run = run_record("r1")
    start_run(migrated_url, run)
    empty = pd.DataFrame()
    load_run(migrated_url, run, offices=empty, files=empty, paper=empty, electronic=empty,
             quarantine=empty, matches=empty, mismatches=empty, summary=empty, breakdown=empty, counts={})
    finish_run(migrated_url, "r1", "succeeded")
    for name in VIEWS:
        assert read_table(migrated_url, name).empty, name


def _load_at(url: str, run_id: str, when: dt.datetime, frames: dict[str, Any], finish: bool = True) -> None:
    run = RunRecord(run_id, when.replace(tzinfo=dt.UTC), *PERIOD)
    start_run(url, run)
    load_run(url, run, **frames)
    if finish:
        finish_run(url, run_id, "succeeded")


def test_overdue_by_field_and_procedure(migrated_url: str) -> None:
    frames = base_delivery().frames()
    e = frames["electronic"]
    # row 1: still processing, not returned, due in January: overdue at the period's end (28/06/2019)
    e.loc[1, [schema.STATUS, schema.RETURNED_DATE, schema.STATED_TIMELINESS]] = ["processing", pd.NaT, pd.NA]
    _load_at(migrated_url, "r1", dt.datetime(2019, 7, 1, 8), frames, finish=False)

    def table() -> dict[tuple[str, str], tuple[str, str, str | None, int, int]]:
        view = read_table(migrated_url, "v_overdue_by_field_procedure")
        return {(r.side, r.unit_code): (r.field, r.procedure_name, r.procedure_code, r.received, r.overdue)
                for r in view.itertuples()}

    khai_sinh = ("Đăng ký khai sinh", "1.001193")
    # no succeeded run yet: no period end, so only the rows marked Quá hạn count
    assert table()[("electronic", CITY)] == ("Hộ tịch", *khai_sinh, 5, 1)
    finish_run(migrated_url, "r1", "succeeded")
    assert table() == {
        ("paper", CITY): ("Tư pháp", *khai_sinh, 4, 1),  # the field comes from the procedure dimension
        ("paper", WARD): ("Tư pháp", *khai_sinh, 3, 1),
        ("electronic", CITY): ("Hộ tịch", *khai_sinh, 5, 2),  # the export's own field wins
    }


def test_open_mismatch_age_and_bands(migrated_url: str) -> None:
    def findings(*ids: str) -> dict[str, Any]:
        return base_delivery(mismatch_ids=list(ids)).frames()

    _load_at(migrated_url, "r1", dt.datetime(2019, 7, 1, 8), findings("m1", "m2"))
    _load_at(migrated_url, "r2", dt.datetime(2019, 7, 8, 8), findings("m2", "m3"))
    age = read_table(migrated_url, "v_open_mismatch_age").set_index("mismatch_id")
    assert age.index.tolist() == ["m2", "m3"]  # m1 is resolved
    # Monday 1/7 → Monday 8/7/2019: 7 days, 5 working days (2/7 … 5/7 and 8/7)
    assert age.loc["m2", ["first_seen_run", "last_seen_run", "age_days", "age_working_days"]].tolist() == [
        "r1", "r2", 7, 5,
    ]
    assert age.loc["m2", "first_seen_at"] == pd.Timestamp("2019-07-01 08:00")
    assert age.loc["m3", ["age_days", "age_working_days"]].tolist() == [0, 0]

    _load_at(migrated_url, "r3", dt.datetime(2019, 10, 15, 8), findings("m2", "m3", "m5"))
    bands = read_table(migrated_url, "v_open_mismatches_by_age")
    got = {(r.mismatch_type, r.age_band): (r.open_count, r.max_age_days) for r in bands.itertuples()}
    types = schema.MISMATCH_TYPES
    assert got == {
        (types[2], "90+"): (1, 106),  # m2, first seen 1/7
        (types[0], "90+"): (1, 99),  # m3, first seen 8/7
        (types[2], "0-6"): (1, 0),  # m5, new
    }
    assert bands.set_index("age_band")["band_order"].to_dict() == {"0-6": 1, "90+": 4}


def test_breakdown_indicators_of_the_latest_succeeded_run(migrated_url: str) -> None:
    delivery = base_delivery(mismatch_ids=["m1", "m2", "m3", "m4"])
    load(migrated_url, "r1", delivery, finish=None)
    assert read_table(migrated_url, "v_breakdown_indicators").empty  # still running
    finish_run(migrated_url, "r1", "succeeded")
    view = read_table(migrated_url, "v_breakdown_indicators")
    sent = delivery.frames()["breakdown"]
    shown = [c for c in schema.BREAKDOWN_COLUMNS if c not in schema.MISMATCH_TYPES]
    pd.testing.assert_frame_equal(view[shown], sent[shown], check_dtype=False)
    assert view["mismatches"].tolist() == sent[list(schema.MISMATCH_TYPES)].sum(axis=1).tolist()
    assert view["mismatches"].sum() > 0
    # the analyst's question: sync and on-time rates per field, level totals
    fields = view[(view[schema.DIMENSION] == "field") & (view[schema.UNIT_CODE] == schema.ALL_UNITS)]
    city = fields[fields[schema.LEVEL] == schema.LEVEL_CITY]
    on_paper = city[city[schema.PAPER_RECEIVED] > 0].iloc[0]  # paper and software name fields apart
    assert on_paper[schema.SYNC_RATE] == pytest.approx(
        on_paper[schema.PAPER_MATCHED] / on_paper[schema.PAPER_RECEIVED]
    )
    assert 0 < on_paper[schema.SYNC_RATE] <= 1
    in_software = city[city[schema.ELECTRONIC_RECEIVED] > 0].iloc[0]
    received, overdue = in_software[schema.ELECTRONIC_RECEIVED], in_software[schema.ELECTRONIC_OVERDUE]
    assert overdue > 0
    assert in_software[schema.ELECTRONIC_ON_TIME_RATE] == pytest.approx((received - overdue) / received)
    assert np.isnan(in_software[schema.SYNC_RATE])  # no paper dossier of that field: undefined

    # a later run that failed: the indicators are not shown for it
    load(migrated_url, "r2", delivery, minute=5, finish="failed")
    assert read_table(migrated_url, "v_breakdown_indicators").empty
