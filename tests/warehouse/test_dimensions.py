"""Dimensions: procedure, procedure alias, field, channel, calendar day; office validity; file counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from doisoat import reference, schema
from doisoat.warehouse import finish_run, load_run, read_table, start_run

from .synthetic import CITY, WARD, FileSpec, base_delivery, load, offices, run_record


def load_frames(url: str, frames: dict[str, Any], run_id: str = "r1", minute: int = 0) -> None:
    """start / load / finish one run of frames edited by the test."""
    run = run_record(run_id, minute)
    start_run(url, run)
    load_run(url, run, **frames)
    finish_run(url, run_id, "succeeded")


def test_reference_dimensions_follow_the_shipped_data(migrated_url: str) -> None:
    load(migrated_url, "r1", base_delivery())
    procedures = read_table(migrated_url, "procedure").set_index("procedure_name")
    ref = reference.procedures().set_index("procedure_name")
    assert sorted(procedures.index) == sorted(ref.index)
    assert procedures.loc["Xác nhận tình trạng hôn nhân", "procedure_code"] == "1.004873"
    assert procedures.loc["Xác nhận tình trạng hôn nhân", "processing_days"] == 3
    assert pd.isna(procedures.loc["Chứng thực hợp đồng giao dịch", "procedure_code"])  # no national code
    fields = read_table(migrated_url, "field").set_index("field")["procedure_count"]
    assert fields["Tư pháp"] == (ref["field"] == "Tư pháp").sum()
    assert fields["Hộ tịch"] == 0  # seen in the export only (synthetic.electronic), not in the reference
    channels = read_table(migrated_url, "channel").set_index("channel")
    assert channels.loc["zalo", "label_vi"] == "Zalo" and channels.loc["online", "code"] == "2"


def test_procedure_aliases_resolve_names_as_written(migrated_url: str) -> None:
    delivery = base_delivery()
    delivery.paper_files = [*delivery.paper_files, FileSpec("ledger_p2.xlsx", "sha-c1", 2, WARD, variant=1)]
    frames = delivery.frames()
    frames["paper"].loc[0, schema.PROCEDURE_NAME] = "dang ky khai sinh"  # no accents
    frames["paper"].loc[1, schema.PROCEDURE_NAME] = "Thủ tục chưa có trong danh mục"
    load_frames(migrated_url, frames)
    aliases = read_table(migrated_url, "procedure_alias").set_index("alias")["procedure_name"]
    assert aliases["dang ky khai sinh"] == "Đăng ký khai sinh"
    assert aliases["Đăng ký khai sinh"] == "Đăng ký khai sinh"
    assert aliases["Đăng ký kết hôn"] == "Đăng ký kết hôn"
    assert pd.isna(aliases["Thủ tục chưa có trong danh mục"])
    assert len(aliases) == 4


def test_calendar_days_cover_the_period_years_with_working_days(migrated_url: str) -> None:
    load(migrated_url, "r1", base_delivery())
    days = read_table(migrated_url, "calendar_day").set_index("day")
    assert days.index.min() == pd.Timestamp("2019-01-01") and days.index.max() == pd.Timestamp("2020-12-31")
    working = days["is_working_day"]
    assert str(working.dtype) == "boolean"
    assert working[pd.Timestamp("2019-01-05")]  # a Saturday worked (làm bù for 31/12/2018)
    assert not working[pd.Timestamp("2019-02-05")]  # Tết
    assert not working[pd.Timestamp("2019-04-15")]  # Giỗ Tổ Hùng Vương (10/3 lunar)
    assert not working[pd.Timestamp("2019-01-06")]  # Sunday
    assert working[pd.Timestamp("2019-01-07")]
    assert days.loc[pd.Timestamp("2019-01-07"), ["year", "month", "iso_weekday"]].tolist() == [2019, 1, 1]
    assert int(working[days["year"] == 2019].sum()) in range(240, 255)


def test_office_validity_is_kept_when_the_registry_omits_it(migrated_url: str) -> None:
    with_validity = offices().assign(valid_from=[dt.date(2019, 1, 1), dt.date(2019, 1, 1)],
                                     valid_to=[dt.date(2025, 6, 30), pd.NaT])
    frames = base_delivery().frames() | {"offices": with_validity}
    load_frames(migrated_url, frames)
    renamed = offices()
    renamed.loc[0, schema.OFFICE_NAME] = "UBND thành phố Tây Ninh (mới)"
    load_frames(migrated_url, base_delivery().frames() | {"offices": renamed}, "r2", minute=5)
    stored = read_table(migrated_url, "office").set_index(schema.OFFICE_CODE)
    assert stored.loc[CITY, schema.OFFICE_NAME] == "UBND thành phố Tây Ninh (mới)"
    assert stored.loc[CITY, "valid_from"] == pd.Timestamp("2019-01-01")
    assert stored.loc[CITY, "valid_to"] == pd.Timestamp("2025-06-30")
    assert pd.isna(stored.loc[WARD, "valid_to"])


def test_input_file_row_counts_are_stored_when_given(migrated_url: str) -> None:
    load(migrated_url, "r1", base_delivery())  # synthetic files carry rows_loaded / rows_quarantined
    stored = read_table(migrated_url, "input_file").set_index(schema.FILE_NAME)
    assert stored.loc["ledger_city.xlsx", [schema.FILE_ROWS_READ, schema.FILE_ROWS_LOADED,
                                           schema.FILE_ROWS_QUARANTINED]].tolist() == [5, 4, 1]
    assert (stored[schema.FILE_ROWS_READ] == stored[schema.FILE_ROWS_LOADED]
            + stored[schema.FILE_ROWS_QUARANTINED]).all()


def test_input_file_row_counts_are_null_when_absent(migrated_url: str) -> None:
    frames = base_delivery().frames()
    frames["files"] = frames["files"].drop(columns=[schema.FILE_ROWS_LOADED, schema.FILE_ROWS_QUARANTINED])
    load_frames(migrated_url, frames)
    stored = read_table(migrated_url, "input_file")
    assert stored[schema.FILE_ROWS_LOADED].isna().all() and stored[schema.FILE_ROWS_QUARANTINED].isna().all()
    assert stored[schema.FILE_ROWS_READ].notna().all()
