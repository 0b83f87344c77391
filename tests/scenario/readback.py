"""Read a generated scenario back from its files, independently of the generator's frames.

Ledgers are read with calamine (as the pipeline does), exports with pandas; the figures are then
recomputed with the engine's counting rules, so tests check the files, not the generator.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

OPEN_LABELS = {
    "Mới đăng ký", "Được tiếp nhận", "Đang xử lý", "Yêu cầu bổ sung giấy tờ",
    "Yêu cầu thực hiện nghĩa vụ tài chính",
}
PAPER_COLUMNS = [
    "stt", "code", "procedure", "quantity", "applicant", "contact", "agency", "received", "due",
    "transferred", "early", "on_time", "late", "note",
]
STAMP = "%d/%m/%Y %H:%M:%S"


def read_ledger(path: Path) -> pd.DataFrame:
    """Data rows of one ledger workbook: from row 10 down to the blank row before the total."""
    sheets = pd.read_excel(path, engine="calamine", header=None, sheet_name=None)
    assert len(sheets) == 1, path
    (sheet, raw), = sheets.items()
    body = raw.iloc[9:]
    stop = body[0].isna().to_numpy().argmax() if body[0].isna().any() else len(body)
    data = body.iloc[:stop, :14].copy()
    data.columns = PAPER_COLUMNS
    for col in ("received", "due", "transferred", "early", "on_time", "late"):
        data[col] = pd.to_datetime(data[col])
    data["file"] = path.name
    data["sheet"] = sheet
    data["row"] = data.index + 1
    data["office"] = path.stem.rsplit("_", 1)[0]  # "<office-slug>_<YYYY-MM>"
    return data.reset_index(drop=True)


def read_ledgers(paper_dir: Path) -> pd.DataFrame:
    """Every ledger of a scenario, one row per data row."""
    return pd.concat([read_ledger(p) for p in sorted(paper_dir.glob("*.xlsx"))], ignore_index=True)


def read_exports(electronic_dir: Path) -> pd.DataFrame:
    """Every export of a scenario, one row per data row, dates parsed."""
    frames = []
    for path in sorted(electronic_dir.glob("*.csv")):
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        df["file"] = path.name
        df["row"] = df.index + 2
        frames.append(df)
    df = pd.concat(frames, ignore_index=True)
    for col in ("Ngày tiếp nhận", "Ngày hẹn trả", "Ngày có kết quả"):
        df[col] = pd.to_datetime(df[col].replace("", None), format=STAMP)
    return df


def paper_figures(ledgers: pd.DataFrame, office_of_file: dict[str, str]) -> pd.DataFrame:
    """received / overdue per office code from ledger rows."""
    unit = ledgers["office"].map(office_of_file)
    return pd.DataFrame({
        "paper_received": ledgers.groupby(unit).size(),
        "paper_overdue": ledgers["late"].notna().groupby(unit).sum(),
    })


def electronic_figures(exports: pd.DataFrame, office_of_file: dict[str, str], end: dt.date) -> pd.DataFrame:
    """received / overdue per office code from export rows, by the engine's rule."""
    unit = exports["file"].str.removesuffix(".csv").map(office_of_file)
    open_past_due = (
        exports["Trạng thái"].isin(OPEN_LABELS)
        & exports["Ngày có kết quả"].isna()
        & (exports["Ngày hẹn trả"].dt.normalize() < pd.Timestamp(end))
    )
    overdue = (exports["Tiến độ"] == "Quá hạn") | open_past_due
    return pd.DataFrame({
        "electronic_received": exports.groupby(unit).size(),
        "electronic_overdue": overdue.groupby(unit).sum(),
    })
