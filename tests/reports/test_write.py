from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd

from doisoat import schema
from doisoat.reconcile.result import ReconcileResult
from doisoat.reports import ReportPaths, write_reports
from doisoat.reports.html_mismatches import MAX_ROWS_PER_TYPE
from doisoat.reports.write import data_docs_href
from doisoat.reports.xlsx_report import MISMATCH_SHEET, SHEETS

from .conftest import PERIOD, RUN, make_result, mismatch_frame
from .html_check import parse


def test_write_reports_writes_every_output_into_a_new_directory(
    tmp_path: Path, result: ReconcileResult, quarantine: pd.DataFrame, files: pd.DataFrame
) -> None:
    docs = tmp_path / "gx" / "data_docs"
    docs.mkdir(parents=True)
    (docs / "index.html").write_text("<html></html>", encoding="utf-8")
    out = tmp_path / "runs" / "r1"
    paths = write_reports(result, quarantine, files, RUN, out, data_docs=docs)
    assert paths == ReportPaths(
        summary_csv=out / "summary.csv",
        breakdown_csv=out / "breakdown.csv",
        mismatches_csv=out / "mismatches.csv",
        matches_csv=out / "matches.csv",
        html=out / "report.html",
        xlsx=out / "report.xlsx",
    )
    for path in (
        paths.summary_csv, paths.breakdown_csv, paths.mismatches_csv, paths.matches_csv,
        paths.html, paths.xlsx,
    ):
        assert path.stat().st_size > 0
    page = paths.html.read_text(encoding="utf-8")
    parse(page)
    assert '<a href="../../gx/data_docs/index.html">' in page
    assert openpyxl.load_workbook(paths.xlsx).sheetnames[0] == "Tổng hợp"


def test_write_reports_tolerates_empty_quarantine_and_files(tmp_path: Path, result: ReconcileResult) -> None:
    paths = write_reports(result, pd.DataFrame(), pd.DataFrame(), RUN, tmp_path)
    page = paths.html.read_text(encoding="utf-8")
    assert "Số dòng bị cách ly: 0" in page
    assert "Đã đọc: 0, Bỏ qua: 0, Lỗi: 0" in page


def test_data_docs_href_is_relative_and_url_quoted(tmp_path: Path) -> None:
    target = tmp_path / "chất lượng" / "report.html"
    target.parent.mkdir()
    target.write_text("x", encoding="utf-8")
    assert data_docs_href(target, tmp_path / "out") == "../ch%E1%BA%A5t%20l%C6%B0%E1%BB%A3ng/report.html"


def test_forty_thousand_mismatches_are_all_in_csv_and_xlsx_and_capped_in_html(
    tmp_path: Path, quarantine: pd.DataFrame, files: pd.DataFrame
) -> None:
    base = mismatch_frame()
    n = 40_000
    big = base.iloc[np.arange(n) % len(base)].reset_index(drop=True)
    big[schema.MISMATCH_ID] = [f"m{i:06d}" for i in range(n)]
    paths = write_reports(make_result(big), quarantine, files, RUN, tmp_path)
    with paths.mismatches_csv.open(encoding="utf-8-sig", newline="") as fh:
        assert sum(1 for _ in csv.reader(fh)) == n + 1
    sheet = openpyxl.load_workbook(paths.xlsx, read_only=True)[MISMATCH_SHEET]
    assert sum(1 for _ in sheet.iter_rows(values_only=True)) == n + 1
    page = paths.html.read_text(encoding="utf-8")
    assert page.count("<tr data-q=") == MAX_ROWS_PER_TYPE * len(schema.MISMATCH_TYPES)


def test_an_empty_period_still_gets_every_output(tmp_path: Path) -> None:
    def empty(columns: list[str]) -> pd.DataFrame:
        return pd.DataFrame({column: pd.Series(dtype="object") for column in columns})

    result = ReconcileResult(
        PERIOD,
        matches=empty(schema.MATCH_COLUMNS),
        mismatches=empty(schema.MISMATCH_COLUMNS),
        summary=empty(schema.SUMMARY_COLUMNS),
        breakdown=empty(schema.BREAKDOWN_COLUMNS),
    )
    paths = write_reports(result, pd.DataFrame(), pd.DataFrame(), RUN, tmp_path)
    assert paths.summary_csv.read_text(encoding="utf-8-sig") == ",".join(schema.SUMMARY_COLUMNS) + "\n"
    assert paths.breakdown_csv.read_text(encoding="utf-8-sig") == ",".join(schema.BREAKDOWN_COLUMNS) + "\n"
    assert paths.matches_csv.read_text(encoding="utf-8-sig") == ",".join(schema.MATCH_COLUMNS) + "\n"
    page = paths.html.read_text(encoding="utf-8")
    parse(page)
    assert "Không có dữ liệu" in page and "Không phát hiện sai lệch." in page
    assert openpyxl.load_workbook(paths.xlsx).sheetnames == list(SHEETS)
