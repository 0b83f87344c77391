"""A small hand-built ReconcileResult: two levels, three offices, every mismatch type."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from doisoat import schema
from doisoat.reconcile.result import Period, ReconcileResult
from doisoat.reports import RunInfo
from doisoat.reports import labels as L

PERIOD = Period(dt.date(2019, 1, 1), dt.date(2019, 6, 28))
PHONE = "0912345678"
MASKED_PHONE = "*******678"
SCRIPT_NAME = "<script>alert('x')</script> Nguyễn Văn A"


def summary_frame() -> pd.DataFrame:
    """Tây Ninh figures for the city office; two wards whose totals make the ward level."""
    rows = [
        # level, unit_code, unit_name, paper, electronic, paper_overdue, electronic_overdue, rates
        (schema.LEVEL_CITY, schema.ALL_UNITS, None, 9144, 2756, 25, 1093, 0.99727, 0.603410),
        (schema.LEVEL_CITY, "TP", "Thành phố Tây Ninh", 9144, 2756, 25, 1093, 0.99727, 0.603410),
        (schema.LEVEL_WARD, schema.ALL_UNITS, None, 27393, 25854, 0, 592, 1.0, 0.9771),
        (schema.LEVEL_WARD, "P1", "Phường 1", 15000, 14000, 0, 300, 1.0, 0.9785714),
        (schema.LEVEL_WARD, "P2", "Xã <Bình Minh>", 12393, 11854, 0, 292, 1.0, 0.97536696),
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            schema.LEVEL, schema.UNIT_CODE, schema.UNIT_NAME, schema.PAPER_RECEIVED,
            schema.ELECTRONIC_RECEIVED, schema.PAPER_OVERDUE, schema.ELECTRONIC_OVERDUE,
            schema.PAPER_ON_TIME_RATE, schema.ELECTRONIC_ON_TIME_RATE,
        ],
    )
    frame[schema.PERIOD_START] = pd.Timestamp(PERIOD.start)
    frame[schema.PERIOD_END] = pd.Timestamp(PERIOD.end)
    frame[schema.RECEIVED_DIFFERENCE] = frame[schema.ELECTRONIC_RECEIVED] - frame[schema.PAPER_RECEIVED]
    frame[schema.OVERDUE_DIFFERENCE] = frame[schema.ELECTRONIC_OVERDUE] - frame[schema.PAPER_OVERDUE]
    # shuffled on purpose: the report orders levels and offices itself
    return frame[schema.SUMMARY_COLUMNS].iloc[[3, 1, 4, 0, 2]].reset_index(drop=True)


PAPER_REF_1 = "so_tp_2019.xlsx!Quý 1!12"
ELECTRONIC_REF_1 = "motcua_tp.csv#57"


def mismatch_frame() -> pd.DataFrame:
    """One row per mismatch type, plus a second missing_electronic row."""
    rows = [
        (schema.MISSING_ELECTRONIC, "TP", "000.17.22.H56-190105-0001", PAPER_REF_1, None,
         None, None, None, "Không tìm thấy trên phần mềm"),
        (schema.MISSING_ELECTRONIC, "P1", "000.17.22.H56-190106-0002", "so_p1.xlsx!Sheet1!8", None,
         None, None, None, f"Liên hệ {PHONE}"),
        (schema.MISSING_PAPER, "P2", "000.17.22.H56-190107-0003", None, "motcua_p2.csv#3",
         None, None, None, None),
        (schema.TIMELINESS_CONFLICT, "TP", "000.17.22.H56-190108-0004", "so_tp_2019.xlsx!Quý 1!13",
         ELECTRONIC_REF_1, schema.STATED_TIMELINESS, schema.ON_TIME, schema.LATE, None),
        (schema.DATE_MISMATCH, "TP", "000.17.22.H56-190109-0005", "so_tp_2019.xlsx!Quý 1!14",
         "motcua_tp.csv#58", schema.RETURNED_DATE, "2019-01-15", "2019-01-17 14:30:00", "Lệch 2 ngày"),
        (schema.PROCEDURE_MISMATCH, "P1", "000.17.22.H56-190110-0006", "so_p1.xlsx!Sheet1!9",
         "motcua_p1.csv#4", schema.PROCEDURE_NAME, "Đăng ký khai sinh", "Đăng ký khai tử", None),
        (schema.APPLICANT_MISMATCH, "P1", "000.17.22.H56-190111-0007", "so_p1.xlsx!Sheet1!10",
         "motcua_p1.csv#5", schema.APPLICANT_NAME, SCRIPT_NAME, "Nguyễn Văn B", None),
        (schema.DUPLICATE_PAPER, "P2", "000.17.22.H56-190112-0008", "so_p2.xlsx!Sheet1!4", None,
         schema.DOSSIER_CODE, None, None, "Trùng với so_p2.xlsx!Sheet1!5"),
        (schema.DUPLICATE_ELECTRONIC, "P2", "000.17.22.H56-190113-0009", None, "motcua_p2.csv#9",
         schema.DOSSIER_CODE, None, None, "Trùng với motcua_p2.csv#10"),
        (schema.INVALID_RECORD, "TP", "000.17.22.H56-190114-0010", "so_tp_2019.xlsx!Quý 2!3", None,
         schema.DUE_DATE, "2019-01-10", None, "Ngày hẹn trả trước ngày nhận"),
        (schema.STATED_TIMELINESS_CONTRADICTION, "TP", "000.17.22.H56-190115-0011", "so_tp_2019.xlsx!Quý 2!4",
         None, schema.STATED_TIMELINESS, "on_time", None,
         "Ghi Đúng hạn nhưng trả 10/01/2019, hẹn 07/01/2019: Quá hạn 3 ngày làm việc"),
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            schema.MISMATCH_TYPE, schema.UNIT_CODE, schema.DOSSIER_CODE, schema.PAPER_REF,
            schema.ELECTRONIC_REF, schema.MISMATCH_FIELD, schema.PAPER_VALUE, schema.ELECTRONIC_VALUE,
            schema.DETAIL,
        ],
    )
    frame[schema.MISMATCH_ID] = [f"m{index:04d}" for index in range(len(frame))]
    return frame[schema.MISMATCH_COLUMNS]


# the engine's bitmask of the agreeing fields (evidence.FIELDS: code=1, applicant=2, procedure=4,
# date=8, due=16, time=32, quantity=64)
AGREED_EXACT = 1 | 2 | 4 | 8  # "code+applicant+procedure+date"
AGREED_FUZZY = 2 | 8 | 32  # "applicant+date+time"


def match_frame() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            schema.PAPER_REF: [PAPER_REF_1, "so_p1.xlsx!Sheet1!20"],
            schema.ELECTRONIC_REF: [ELECTRONIC_REF_1, "motcua_p1.csv#30"],
            schema.METHOD: ["exact_code", "fuzzy"],
            schema.SCORE: [1.0, 0.875],
            schema.AGREED: np.array([AGREED_EXACT, AGREED_FUZZY], dtype="uint8"),
            schema.UNIT_CODE: ["TP", "P1"],
            schema.DOSSIER_CODE: ["000.17.22.H56-190102-0001", "000.17.22.H56-190103-0002"],
        }
    )
    return frame


def breakdown_row(
    dimension: str, value: str | None, level: str, unit: str, paper: int, electronic: int,
    paper_overdue: int, electronic_overdue: int, matched: int = 0, **per_type: int,
) -> dict[str, object]:
    """One breakdown row with its differences and rates worked out as the engine defines them."""
    return {
        schema.DIMENSION: dimension, schema.DIMENSION_VALUE: value, schema.LEVEL: level,
        schema.UNIT_CODE: unit, schema.PAPER_RECEIVED: paper, schema.ELECTRONIC_RECEIVED: electronic,
        schema.PAPER_OVERDUE: paper_overdue, schema.ELECTRONIC_OVERDUE: electronic_overdue,
        schema.RECEIVED_DIFFERENCE: electronic - paper,
        schema.OVERDUE_DIFFERENCE: electronic_overdue - paper_overdue,
        schema.PAPER_ON_TIME_RATE: (paper - paper_overdue) / paper if paper else float("nan"),
        schema.ELECTRONIC_ON_TIME_RATE: (
            (electronic - electronic_overdue) / electronic if electronic else float("nan")
        ),
        schema.PAPER_MATCHED: matched,
        schema.SYNC_RATE: matched / paper if paper else float("nan"),
        **{t: per_type.get(t, 0) for t in schema.MISMATCH_TYPES},
    }


def breakdown_frame() -> pd.DataFrame:
    """Fields and months of each level (totals, unit '*') and of its offices, and a channel."""
    city, ward, total = schema.LEVEL_CITY, schema.LEVEL_WARD, schema.ALL_UNITS
    tnmt, xd, tp = "Tài nguyên và Môi trường", "Xây dựng", "Tư pháp"
    rows = [
        breakdown_row("field", tnmt, city, "TP", 3000, 900, 10, 600, 880, missing_electronic=2120),
        breakdown_row("field", xd, city, "TP", 2000, 800, 10, 300, 790, missing_electronic=1210),
        breakdown_row("field", tnmt, city, total, 3000, 900, 10, 600, 880, missing_electronic=2120),
        breakdown_row("field", xd, city, total, 2000, 800, 10, 300, 790, missing_electronic=1210),
        breakdown_row("field", tp, ward, "P1", 15000, 14000, 0, 193, 13990, missing_electronic=1010),
        breakdown_row("field", tp, ward, total, 15000, 14000, 0, 193, 13990, missing_electronic=1010),
        breakdown_row("field", None, ward, total, 0, 7, 0, 0, 0, missing_paper=7),
        breakdown_row("month", "2019-01", city, total, 2600, 900, 5, 450, 880, date_mismatch=3),
        breakdown_row("month", "2019-02", city, total, 2400, 800, 15, 450, 790),
        breakdown_row("month", "2019-01", city, "TP", 2600, 900, 5, 450, 880, date_mismatch=3),
        breakdown_row("month", "2019-01", ward, total, 15000, 14007, 0, 193, 13990),
        breakdown_row("channel", "zalo", city, "TP", 0, 316, 0, 0),
    ]
    return pd.DataFrame(rows, columns=schema.BREAKDOWN_COLUMNS)
def quarantine_frame() -> pd.DataFrame:
    rows = [
        ("paper", "so_p1.xlsx!Sheet1!40", "so_p1.xlsx", "ab" * 32, "Sheet1", 40, "P1", None,
         json.dumps({"Tên cá nhân, tổ chức": "Trần Thị C", "Địa chỉ, số điện thoại": f"Phường 1, {PHONE}"},
                    ensure_ascii=False),
         "received_at: không đọc được ngày '32/13/2019'; dossier_code: trống"),
        ("electronic", "motcua_p2.csv#77", "motcua_p2.csv", "cd" * 32, None, 77, "P2", "X-1",
         json.dumps({"ChuHoSo": "Lê Văn D"}), "due_date: trước ngày nhận"),
    ]
    return pd.DataFrame(rows, columns=schema.QUARANTINE_COLUMNS)


def files_frame() -> pd.DataFrame:
    rows = [
        ("paper", "so_tp_2019.xlsx", "ef" * 32, "Quý 1", 9144, L.FILE_READ, None),
        ("paper", "ghi_chu.docx", None, None, 0, L.FILE_SKIPPED, "không phải bảng tính"),
        ("electronic", "hong.xlsx", "01" * 32, None, 0, L.FILE_FAILED, "tệp bị mã hoá (có mật khẩu)"),
    ]
    return pd.DataFrame(rows, columns=schema.FILES_COLUMNS)


def make_result(mismatches: pd.DataFrame | None = None) -> ReconcileResult:
    return ReconcileResult(
        period=PERIOD,
        matches=match_frame(),
        mismatches=mismatch_frame() if mismatches is None else mismatches,
        summary=summary_frame(),
        breakdown=breakdown_frame(),
    )


RUN = RunInfo(
    run_id="run-2019-07-02",
    generated_at=dt.datetime(2019, 7, 2, 8, 5, 9),
    paper_dir="/data/so_giay",
    electronic_dir="/data/phan_mem",
    warehouse_url="postgresql+psycopg://inspector:s3cret@db.local/doisoat",
)


@pytest.fixture
def result() -> ReconcileResult:
    return make_result()


@pytest.fixture
def quarantine() -> pd.DataFrame:
    return quarantine_frame()


@pytest.fixture
def files() -> pd.DataFrame:
    return files_frame()
