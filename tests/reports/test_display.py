from __future__ import annotations

import html
import json

import pandas as pd

from doisoat import schema
from doisoat.reports import labels
from doisoat.reports.display import (
    coded,
    escape,
    mismatch_values,
    raw_values,
    text,
    unit_display_names,
    unit_names,
    vi_dates,
)

from .conftest import summary_frame


def test_text_turns_missing_into_empty_and_drops_the_float_widening() -> None:
    assert text(pd.Series([40.0, None, 7.0])).tolist() == ["40", "", "7"]
    assert text(pd.Series([0.5, None])).tolist() == ["0.5", ""]
    assert text(pd.Series(["a", None], dtype="object")).tolist() == ["a", ""]


def test_escape_matches_html_escape() -> None:
    escaped = escape(pd.Series(["<a href='x'>&\"</a>"])).iloc[0]
    assert escaped == html.escape("<a href='x'>&\"</a>")


def test_vi_dates_rewrites_iso_dates_and_times_inside_text() -> None:
    values = pd.Series([
        "2019-01-15", "2019-01-17 14:30:00", "2019-01-17T00:00:00", "hẹn 2019-02-01, trả 2019-02-03 09:05",
        "000.17.22.H56-190105-0001",
    ])
    assert vi_dates(values).tolist() == [
        "15/01/2019", "17/01/2019 14:30", "17/01/2019", "hẹn 01/02/2019, trả 03/02/2019 09:05",
        "000.17.22.H56-190105-0001",
    ]


def test_mismatch_values_translate_vocabularies_by_field() -> None:
    frame = pd.DataFrame({
        schema.MISMATCH_TYPE: [schema.TIMELINESS_CONFLICT, schema.DATE_MISMATCH, "x", "x", "x"],
        schema.MISMATCH_FIELD: [
            "timeliness", schema.DUE_DATE, schema.STATUS, schema.CHANNEL, schema.APPLICANT_NAME,
        ],
        schema.PAPER_VALUE: [schema.LATE, "2019-03-04", "processing", "zalo", "late"],
    })
    assert mismatch_values(frame, schema.PAPER_VALUE).tolist() == [
        "Quá hạn", "04/03/2019", "Đang xử lý", "Zalo", "late",  # a name that reads "late" stays a name
    ]


def test_raw_values_become_header_value_lines_with_phones_masked() -> None:
    raw = pd.Series([
        json.dumps({"Họ tên": "Trần Thị C", "SĐT": "0987654321"}),  # ASCII-escaped JSON too
        "not json 0912345678",
        None,
    ])
    assert raw_values(raw).tolist() == ["Họ tên: Trần Thị C; SĐT: *******321", "not json *******678", ""]


def test_codes_and_office_names() -> None:
    assert coded(pd.Series(["paper", "other", None]), labels.SIDE_LABELS).tolist() == ["Sổ giấy", "other", ""]
    names = unit_names(summary_frame())
    assert names == {"TP": "Thành phố Tây Ninh", "P1": "Phường 1", "P2": "Xã <Bình Minh>"}
    assert unit_display_names(pd.Series(["P1", "ZZ", None]), names).tolist() == ["Phường 1", "ZZ", ""]
