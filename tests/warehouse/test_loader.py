"""load_run: round trip, idempotence, file keys, mismatch history, atomicity, run bookkeeping."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from doisoat import schema
from doisoat.errors import WarehouseError
from doisoat.warehouse import finish_run, load_run, loader, read_table, start_run
from doisoat.warehouse.models import FILE_NEW, FILE_REPLACED, FILE_UNCHANGED

from .synthetic import CITY, DIMENSION_TABLES, WARD, FileSpec, base_delivery, load, run_record, snapshot


def _sorted(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    return frame.sort_values(key).reset_index(drop=True)


def test_round_trip_keeps_values_and_types(migrated_url: str) -> None:
    delivery = base_delivery()
    frames = delivery.frames()
    load(migrated_url, "r1", delivery)

    paper = read_table(migrated_url, "paper_record")
    assert (paper["loaded_run_id"] == "r1").all()
    expected = _sorted(frames["paper"], schema.REF)
    got = _sorted(paper[schema.PAPER_COLUMNS], schema.REF)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    assert got[schema.NOTE].iloc[0] == ""  # an empty string is not NULL
    assert got[schema.NOTE].isna().sum() == expected[schema.NOTE].isna().sum()
    assert str(paper[schema.RECEIVED_AT].dtype) == "datetime64[us]"
    assert str(paper[schema.QUANTITY].dtype) == "Int64"

    electronic = _sorted(read_table(migrated_url, "electronic_record")[schema.ELECTRONIC_COLUMNS], schema.REF)
    pd.testing.assert_frame_equal(electronic, _sorted(frames["electronic"], schema.REF), check_dtype=False)

    summary = read_table(migrated_url, "period_summary")
    assert summary["row_no"].tolist() == [0, 1, 2]
    assert summary[schema.UNIT_CODE].tolist() == [CITY, WARD, schema.ALL_UNITS]
    assert summary[schema.PERIOD_START].iloc[0] == pd.Timestamp("2019-01-01")
    assert summary[schema.ELECTRONIC_ON_TIME_RATE].iloc[0] == pytest.approx(0.8)

    quarantine = read_table(migrated_url, "quarantine")
    assert sorted(quarantine[schema.SIDE]) == ["electronic", "paper"]
    assert read_table(migrated_url, "office")[schema.OFFICE_CODE].tolist() == [CITY, WARD]
    breakdown = read_table(migrated_url, "breakdown")
    sent = delivery.frames()["breakdown"]
    assert breakdown["row_no"].tolist() == list(range(len(sent)))
    pd.testing.assert_frame_equal(breakdown[schema.BREAKDOWN_COLUMNS], sent, check_dtype=False)
    assert {"field", "month", "channel"} <= set(breakdown[schema.DIMENSION])
    matches = read_table(migrated_url, "match")
    assert set(matches[schema.AGREED]) == {"code+applicant+procedure+date"}  # the bitmask as text


def test_run_row_records_counts_and_status(migrated_url: str) -> None:
    load(migrated_url, "r1", base_delivery())
    run = read_table(migrated_url, "run").iloc[0]
    assert run["status"] == "succeeded"
    assert run["started_at"] == pd.Timestamp("2019-07-01 08:00")  # aware UTC → naive UTC
    assert run["finished_at"] > run["started_at"]
    assert (run["paper_rows_read"], run["paper_rows_loaded"], run["paper_rows_quarantined"]) == (8, 7, 1)
    assert (run["electronic_rows_read"], run["electronic_rows_quarantined"]) == (6, 1)
    files = read_table(migrated_url, "input_file")
    assert files["load_action"].tolist()[:3] == [FILE_NEW] * 3
    assert pd.isna(files["load_action"].iloc[3])  # the empty file stored no row
    assert files["sheet"].isna().tolist() == [False, False, True, False]


def test_loading_the_same_inputs_twice_changes_nothing_but_the_run_log(migrated_url: str) -> None:
    load(migrated_url, "r1", base_delivery())
    after_one = snapshot(migrated_url)
    stats = load(migrated_url, "r2", base_delivery(), minute=5)
    after_two = snapshot(migrated_url)
    for name, frame in after_one.items():
        pd.testing.assert_frame_equal(after_two[name], frame, obj=name)
    assert set(stats.file_actions.values()) == {FILE_UNCHANGED}
    assert stats.tables["paper_record"].inserted == 0
    assert stats.tables["paper_record"].skipped == 7
    assert stats.tables["quarantine"].skipped == 2
    assert stats.tables["mismatch"].replaced == 3
    assert read_table(migrated_url, "run")["run_id"].tolist() == ["r1", "r2"]
    assert set(read_table(migrated_url, "match")["run_id"]) == {"r2"}


def test_redelivered_unchanged_file_is_skipped_and_new_file_added(migrated_url: str) -> None:
    load(migrated_url, "r1", base_delivery())
    extra = FileSpec("ledger_p2.xlsx", "sha-c1", 2, WARD)
    delivery = base_delivery()
    delivery.paper_files = [*delivery.paper_files, extra]
    stats = load(migrated_url, "r2", delivery, minute=5)
    assert stats.file_actions[("paper", "ledger_city.xlsx")] == FILE_UNCHANGED
    assert stats.file_actions[("paper", "ledger_p2.xlsx")] == FILE_NEW
    assert stats.tables["paper_record"] == loader.TableStats(inserted=2, skipped=7)
    paper = read_table(migrated_url, "paper_record")
    assert paper.groupby("loaded_run_id").size().to_dict() == {"r1": 7, "r2": 2}


def test_a_file_stored_under_its_bare_name_and_delivered_under_its_path_is_moved(migrated_url: str) -> None:
    # earlier versions named a ledger in a sub-folder by its bare name; the same bytes now come
    # under their path: the rows move to the new name, they are not loaded a second time
    load(migrated_url, "r1", base_delivery())
    moved = base_delivery(paper_files=[FileSpec("2019/ledger_city.xlsx", "sha-a1", 4, CITY, quarantined=1),
                                       FileSpec("ledger_p1.xlsx", "sha-b1", 3, WARD)])
    stats = load(migrated_url, "r2", moved, minute=5)
    assert stats.file_actions[("paper", "2019/ledger_city.xlsx")] == FILE_NEW
    paper = read_table(migrated_url, "paper_record")
    counts = paper[schema.SOURCE_FILE].value_counts().to_dict()
    assert counts == {"2019/ledger_city.xlsx": 4, "ledger_p1.xlsx": 3}
    quarantine = read_table(migrated_url, "quarantine")
    assert "ledger_city.xlsx" not in set(quarantine[schema.SOURCE_FILE])


def test_a_bare_name_with_other_contents_or_delivered_itself_is_kept(migrated_url: str) -> None:
    load(migrated_url, "r1", base_delivery())
    # other contents under the path: another file, not the stored one moved
    other = base_delivery(paper_files=[FileSpec("2019/ledger_city.xlsx", "sha-z9", 2, CITY),
                                       FileSpec("ledger_city.xlsx", "sha-a1", 4, CITY, quarantined=1),
                                       FileSpec("ledger_p1.xlsx", "sha-b1", 3, WARD)])
    load(migrated_url, "r2", other, minute=5)
    counts = read_table(migrated_url, "paper_record")[schema.SOURCE_FILE].value_counts().to_dict()
    assert counts == {"ledger_city.xlsx": 4, "ledger_p1.xlsx": 3, "2019/ledger_city.xlsx": 2}


def test_corrected_file_replaces_that_files_rows(migrated_url: str) -> None:
    load(migrated_url, "r1", base_delivery())
    delivery = base_delivery()
    corrected = FileSpec("ledger_city.xlsx", "sha-a2", 3, CITY, quarantined=0, variant=1)
    delivery.paper_files = [corrected, delivery.paper_files[1]]
    stats = load(migrated_url, "r2", delivery, minute=5)

    assert stats.file_actions[("paper", "ledger_city.xlsx")] == FILE_REPLACED
    assert stats.tables["paper_record"] == loader.TableStats(inserted=3, replaced=4, skipped=3)
    assert stats.tables["quarantine"] == loader.TableStats(inserted=0, replaced=1, skipped=1)
    paper = read_table(migrated_url, "paper_record")
    city = paper[paper[schema.SOURCE_FILE] == "ledger_city.xlsx"]
    assert len(city) == 3
    assert set(city[schema.SOURCE_SHA256]) == {"sha-a2"}
    assert set(city[schema.PROCEDURE_NAME]) == {"Đăng ký kết hôn"}
    assert set(city["loaded_run_id"]) == {"r2"}
    ward = paper[paper[schema.SOURCE_FILE] == "ledger_p1.xlsx"]
    assert set(ward["loaded_run_id"]) == {"r1"}
    quarantine = read_table(migrated_url, "quarantine")
    assert quarantine[schema.SIDE].tolist() == ["electronic"]  # the corrected ledger has no bad row


def test_mismatch_history(migrated_url: str) -> None:
    load(migrated_url, "r1", base_delivery(mismatch_ids=["m1", "m2"]))
    stats = load(migrated_url, "r2", base_delivery(mismatch_ids=["m2", "m3"], run_tag=" again"), minute=5)
    assert stats.tables["mismatch"] == loader.TableStats(inserted=1, replaced=1, resolved=1)

    def state() -> dict[str, tuple[str, str, str, str]]:
        m = read_table(migrated_url, "mismatch")
        return {
            row.mismatch_id: (row.first_seen_run, row.last_seen_run, row.status, row.detail)
            for row in m.itertuples()
        }

    assert state() == {
        "m1": ("r1", "r1", "resolved", "finding m1"),
        "m2": ("r1", "r2", "open", "finding m2 again"),
        "m3": ("r2", "r2", "open", "finding m3 again"),
    }
    load(migrated_url, "r3", base_delivery(mismatch_ids=["m1"]), minute=10)
    assert state() == {
        "m1": ("r1", "r3", "open", "finding m1"),  # seen again: reopened, first seen kept
        "m2": ("r1", "r2", "resolved", "finding m2 again"),
        "m3": ("r2", "r2", "resolved", "finding m3 again"),
    }


def test_failure_half_way_leaves_previous_state(migrated_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    load(migrated_url, "r1", base_delivery())
    before = snapshot(migrated_url)

    def explode(*_args: object, **_kwargs: object) -> loader.TableStats:
        raise RuntimeError("disk full")

    monkeypatch.setattr(loader, "_upsert_mismatches", explode)  # after records, quarantine and matches
    delivery = base_delivery()
    delivery.paper_files = [FileSpec("ledger_city.xlsx", "sha-a2", 2, CITY, variant=1)]
    run = run_record("r2", 5)
    start_run(migrated_url, run)
    with pytest.raises(RuntimeError, match="disk full"):
        load_run(migrated_url, run, **delivery.frames())
    finish_run(migrated_url, "r2", "failed", "disk full")

    after = snapshot(migrated_url)
    for name, frame in before.items():
        pd.testing.assert_frame_equal(after[name], frame, obj=name)
    runs = read_table(migrated_url, "run").set_index("run_id")
    assert runs.loc["r2", "status"] == "failed"
    assert runs.loc["r2", "message"] == "disk full"
    assert pd.isna(runs.loc["r2", "paper_rows_read"])  # counts are written in the same transaction
    assert read_table(migrated_url, "input_file")["run_id"].unique().tolist() == ["r1"]


def test_bad_row_rolls_back_the_whole_run(migrated_url: str) -> None:
    load(migrated_url, "r1", base_delivery())
    before = snapshot(migrated_url)
    delivery = base_delivery(mismatch_ids=["m1", "m4"])
    delivery.paper_files = [*delivery.paper_files, FileSpec("new.xlsx", "sha-n", 2, WARD)]
    frames = delivery.frames()
    frames["mismatches"].loc[1, schema.MISMATCH_TYPE] = pd.NA  # NOT NULL: fails after the records
    run = run_record("r2", 5)
    start_run(migrated_url, run)
    with pytest.raises(WarehouseError, match="load run r2"):
        load_run(migrated_url, run, **frames)
    after = snapshot(migrated_url)
    for name, frame in before.items():
        pd.testing.assert_frame_equal(after[name], frame, obj=name)
    assert "new.xlsx" not in set(after["paper_record"][schema.SOURCE_FILE])


def test_duplicate_keys_are_refused_before_writing(migrated_url: str) -> None:
    run = run_record("r1")
    start_run(migrated_url, run)
    with pytest.raises(WarehouseError, match="share a key"):
        load_run(migrated_url, run, **base_delivery(mismatch_ids=["m1", "m1"]).frames())
    assert read_table(migrated_url, "paper_record").empty


def test_database_constraint_violation_is_a_warehouse_error(migrated_url: str) -> None:
    frames = base_delivery().frames()
    frames["electronic"].loc[0, schema.REF] = frames["electronic"].loc[1, schema.REF]
    run = run_record("r1")
    start_run(migrated_url, run)
    with pytest.raises(WarehouseError, match="load run r1"):
        load_run(migrated_url, run, **frames)
    assert read_table(migrated_url, "electronic_record").empty
    assert read_table(migrated_url, "paper_record").empty  # written before the failure, rolled back


def test_empty_delivery_loads(migrated_url: str) -> None:
    run = run_record("r1")
    start_run(migrated_url, run)
    empty = pd.DataFrame()
    stats = load_run(
        migrated_url, run, offices=empty, files=empty, paper=empty, electronic=empty, quarantine=empty,
        matches=empty, mismatches=empty, summary=empty, breakdown=empty, counts={},
    )
    facts = {name: t.inserted for name, t in stats.tables.items() if name not in DIMENSION_TABLES}
    assert set(facts.values()) == {0}, facts
    assert read_table(migrated_url, "paper_record").empty
    # the dimensions come from the reference data and the period, not from the delivery
    assert stats.tables["calendar_day"].inserted == 731  # 2019 and 2020
    assert stats.tables["procedure_alias"].inserted == 0


def test_same_file_name_with_two_contents_in_one_run_is_refused(migrated_url: str) -> None:
    delivery = base_delivery()
    delivery.paper_files = [FileSpec("ledger.xlsx", "sha-1", 2), FileSpec("ledger.xlsx", "sha-2", 2)]
    run = run_record("r1")
    start_run(migrated_url, run)
    with pytest.raises(WarehouseError, match="same name"):
        load_run(migrated_url, run, **delivery.frames())


def test_missing_columns_are_refused(migrated_url: str) -> None:
    frames = base_delivery().frames()
    frames["paper"] = frames["paper"].drop(columns=[schema.DUE_DATE])
    run = run_record("r1")
    start_run(migrated_url, run)
    with pytest.raises(WarehouseError, match="due_date"):
        load_run(migrated_url, run, **frames)


def test_run_lifecycle_errors(migrated_url: str) -> None:
    run = run_record("r1")
    with pytest.raises(WarehouseError, match="start_run"):
        load_run(migrated_url, run, **base_delivery().frames())
    start_run(migrated_url, run)
    with pytest.raises(WarehouseError, match="already exists"):
        start_run(migrated_url, run)
    with pytest.raises(ValueError, match="status"):
        finish_run(migrated_url, "r1", "done")
    with pytest.raises(WarehouseError, match="does not exist"):
        finish_run(migrated_url, "nope", "failed")
    frames = base_delivery().frames()
    with pytest.raises(WarehouseError, match="unknown run counts"):
        load_run(migrated_url, run, **{**frames, "counts": {"paper_rows": 1}})
    finish_run(migrated_url, "r1", "failed")
    with pytest.raises(WarehouseError, match="is failed"):
        load_run(migrated_url, run, **frames)


def test_offices_are_upserted_by_code(migrated_url: str) -> None:
    load(migrated_url, "r1", base_delivery())
    frames = base_delivery().frames()
    frames["offices"] = frames["offices"].iloc[:1].assign(name="Thành phố Tây Ninh (mới)",
                                                          valid_from=dt.date(2025, 7, 1))
    run = run_record("r2", 5)
    start_run(migrated_url, run)
    stats = load_run(migrated_url, run, **frames)
    assert stats.tables["office"] == loader.TableStats(inserted=1, replaced=1)
    office = read_table(migrated_url, "office").set_index("code")
    assert office.loc[CITY, "name"] == "Thành phố Tây Ninh (mới)"
    assert office.loc[CITY, "valid_from"] == pd.Timestamp("2025-07-01")
    assert office.loc[WARD, "name"] == "UBND Phường 1"
