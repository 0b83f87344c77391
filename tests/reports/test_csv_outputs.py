from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from doisoat import schema
from doisoat.reports.csv_outputs import (
    write_breakdown_csv,
    write_matches_csv,
    write_mismatches_csv,
    write_summary_csv,
)

from .conftest import MASKED_PHONE, PHONE, breakdown_frame, match_frame, mismatch_frame, summary_frame


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def test_summary_csv_has_exact_columns_iso_dates_integer_counts_and_six_decimal_rates(tmp_path: Path) -> None:
    path = write_summary_csv(summary_frame(), tmp_path / "summary.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = _rows(path)
    assert rows[0] == schema.SUMMARY_COLUMNS
    by_unit = {row[1]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    city = by_unit["TP"]
    assert city == {
        schema.LEVEL: "city", schema.UNIT_CODE: "TP", schema.UNIT_NAME: "Thành phố Tây Ninh",
        schema.PERIOD_START: "2019-01-01", schema.PERIOD_END: "2019-06-28",
        schema.PAPER_RECEIVED: "9144", schema.ELECTRONIC_RECEIVED: "2756",
        schema.RECEIVED_DIFFERENCE: "-6388",
        schema.PAPER_OVERDUE: "25", schema.ELECTRONIC_OVERDUE: "1093", schema.OVERDUE_DIFFERENCE: "1068",
        schema.PAPER_ON_TIME_RATE: "0.997270", schema.ELECTRONIC_ON_TIME_RATE: "0.603410",
    }
    assert by_unit["P2"][schema.ELECTRONIC_ON_TIME_RATE] == "0.975367"  # 0.97536696 rounded
    assert by_unit["P2"][schema.UNIT_NAME] == "Xã <Bình Minh>"  # CSV keeps data as it is
    assert len(rows) == 1 + len(summary_frame())


def test_summary_csv_writes_missing_rates_and_counts_as_empty(tmp_path: Path) -> None:
    summary = summary_frame()
    summary[schema.PAPER_ON_TIME_RATE] = summary[schema.PAPER_ON_TIME_RATE].astype(float)
    summary.loc[0, schema.PAPER_ON_TIME_RATE] = float("nan")
    summary[schema.PAPER_OVERDUE] = summary[schema.PAPER_OVERDUE].astype(float)
    summary.loc[0, schema.PAPER_OVERDUE] = float("nan")
    read = pd.read_csv(write_summary_csv(summary, tmp_path / "s.csv"), dtype=str, keep_default_na=False)
    assert read.loc[0, schema.PAPER_ON_TIME_RATE] == ""
    assert read.loc[0, schema.PAPER_OVERDUE] == ""
    assert read.loc[1, schema.PAPER_OVERDUE] == "25"  # not "25.0"


def test_summary_csv_rejects_a_frame_without_the_contract_columns(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="paper_on_time_rate"):
        write_summary_csv(summary_frame().drop(columns=[schema.PAPER_ON_TIME_RATE]), tmp_path / "s.csv")


def test_mismatches_csv_has_exact_columns_values_and_masks_phones(tmp_path: Path) -> None:
    mismatches = mismatch_frame()
    rows = _rows(write_mismatches_csv(mismatches, tmp_path / "mismatches.csv"))
    assert rows[0] == schema.MISMATCH_COLUMNS
    assert len(rows) == 1 + len(mismatches)
    date_row = next(row for row in rows if row[1] == schema.DATE_MISMATCH)
    assert date_row == [
        "m0004", "date_mismatch", "TP", "000.17.22.H56-190109-0005", "so_tp_2019.xlsx!Quý 1!14",
        "motcua_tp.csv#58", "returned_date", "2019-01-15", "2019-01-17 14:30:00", "Lệch 2 ngày",
    ]
    text = (tmp_path / "mismatches.csv").read_text(encoding="utf-8-sig")
    assert PHONE not in text
    assert f"Liên hệ {MASKED_PHONE}" in text
    missing_paper = next(row for row in rows if row[1] == schema.MISSING_PAPER)
    assert missing_paper[4] == "" and missing_paper[5] == "motcua_p2.csv#3"


def test_matches_csv_keeps_only_the_contract_columns(tmp_path: Path) -> None:
    rows = _rows(write_matches_csv(match_frame(), tmp_path / "matches.csv"))
    assert rows == [
        schema.MATCH_COLUMNS,
        [
            "so_tp_2019.xlsx!Quý 1!12", "motcua_tp.csv#57", "exact_code", "1.0",
            "code+applicant+procedure+date",
        ],
        ["so_p1.xlsx!Sheet1!20", "motcua_p1.csv#30", "fuzzy", "0.875", "applicant+date+time"],
    ]


def test_breakdown_csv_has_the_contract_columns_integer_counts_and_six_decimal_rates(tmp_path: Path) -> None:
    rows = _rows(write_breakdown_csv(breakdown_frame(), tmp_path / "breakdown.csv"))
    assert rows[0] == schema.BREAKDOWN_COLUMNS
    assert len(rows) == 1 + len(breakdown_frame())
    by_key = {(row[0], row[1], row[3]): dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    tnmt = by_key[("field", "Tài nguyên và Môi trường", schema.ALL_UNITS)]
    assert {k: tnmt[k] for k in schema.BREAKDOWN_COLUMNS[4:14]} == {
        schema.PAPER_RECEIVED: "3000", schema.ELECTRONIC_RECEIVED: "900", schema.PAPER_OVERDUE: "10",
        schema.ELECTRONIC_OVERDUE: "600", schema.RECEIVED_DIFFERENCE: "-2100",
        schema.OVERDUE_DIFFERENCE: "590", schema.PAPER_ON_TIME_RATE: "0.996667",
        schema.ELECTRONIC_ON_TIME_RATE: "0.333333", schema.PAPER_MATCHED: "880",
        schema.SYNC_RATE: "0.293333",
    }
    assert tnmt[schema.MISSING_ELECTRONIC] == "2120" and tnmt[schema.MISSING_PAPER] == "0"
    # a value group with no paper row: no paper rate and no sync rate (empty), not 0
    unknown = by_key[("field", "", schema.ALL_UNITS)]
    assert unknown[schema.PAPER_ON_TIME_RATE] == "" and unknown[schema.SYNC_RATE] == ""
    assert unknown[schema.ELECTRONIC_ON_TIME_RATE] == "1.000000"


def test_empty_frames_still_get_their_headers(tmp_path: Path) -> None:
    empty = pd.DataFrame(columns=schema.MISMATCH_COLUMNS)
    assert _rows(write_mismatches_csv(empty, tmp_path / "m.csv")) == [schema.MISMATCH_COLUMNS]
    empty_matches = pd.DataFrame(columns=schema.MATCH_COLUMNS)
    assert _rows(write_matches_csv(empty_matches, tmp_path / "x.csv")) == [schema.MATCH_COLUMNS]
