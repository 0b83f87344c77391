from __future__ import annotations

import pandas as pd
import pytest

from doisoat.reports.privacy import mask_personal_numbers, mask_series, redact_url


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("0912345678", "*******678"),
        ("ĐT: 0912 345 678, phường 1", "ĐT: *******678, phường 1"),
        ("0912.345.678", "*******678"),
        ("+84 912 345 678", "********678"),
        ("84912345678", "********678"),
        ("0276 3822 123", "********123"),  # landline with area code
        ("912345678", "******678"),  # leading zero lost in a spreadsheet
        ("CCCD 079123456789", "CCCD *********789"),
        ("0912345678/0987654321", "*******678/*******321"),
    ],
)
def test_phone_and_id_numbers_keep_only_their_last_three_digits(text: str, masked: str) -> None:
    assert mask_personal_numbers(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "000.17.22.H56-210531-0001",  # dossier code
        "2019-01-17 14:30:00",
        "01.02.2019 08:00",
        "15.000.000 đồng",
        "so_p1.xlsx!Sheet1!12",
        "1234567890",  # ten bare digits, not a phone shape
    ],
)
def test_codes_dates_and_amounts_are_left_alone(text: str) -> None:
    assert mask_personal_numbers(text) == text


def test_mask_series_keeps_missing_values_missing() -> None:
    masked = mask_series(pd.Series(["0912345678", None], dtype="str"))
    assert masked.iloc[0] == "*******678"
    assert pd.isna(masked.iloc[1])


def test_redact_url_hides_the_password_only() -> None:
    assert redact_url("postgresql+psycopg://user:pa:ss@127.0.0.1:5432/test") == (
        "postgresql+psycopg://user:***@127.0.0.1:5432/test"
    )
    assert redact_url("sqlite:////tmp/doisoat.db") == "sqlite:////tmp/doisoat.db"


def test_phone_numbers_typed_in_a_procedure_name_are_masked_in_the_breakdown(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # a procedure not in the reference is counted under its name as typed: a phone number a clerk
    # wrote in it must not reach breakdown.csv, the report's tables or the Phân tổ sheet
    from doisoat import schema
    from doisoat.reports.breakdown_layout import value_labels
    from doisoat.reports.csv_outputs import write_breakdown_csv

    typed = "Xin giấy phép, gọi chị Lan 0912 345 678"
    row = {column: 0 for column in schema.BREAKDOWN_COLUMNS}
    row.update({schema.DIMENSION: "procedure", schema.DIMENSION_VALUE: typed, schema.LEVEL: "ward",
                schema.UNIT_CODE: "*"})
    for column in schema.BREAKDOWN_RATES:
        row[column] = 1.0
    breakdown = pd.DataFrame([row])
    written = write_breakdown_csv(breakdown, tmp_path / "breakdown.csv").read_text(encoding="utf-8-sig")
    assert "0912 345 678" not in written and "*******678" in written
    shown = value_labels(breakdown[schema.DIMENSION], breakdown[schema.DIMENSION_VALUE])
    assert shown.tolist() == ["Xin giấy phép, gọi chị Lan *******678"]
