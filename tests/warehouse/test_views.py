"""The analyst views on both engines."""

from __future__ import annotations

import pandas as pd
import pytest

from doisoat import schema
from doisoat.warehouse import finish_run, load_run, read_table, start_run

from .synthetic import CITY, WARD, base_delivery, load, run_record


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
    for name in ("v_period_summary", "v_open_mismatches_by_type", "v_on_time_rate", "v_sync_rate"):
        assert read_table(migrated_url, name).empty, name
