"""write_reports: every output of a run, written into one directory."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Final
from urllib.parse import quote

import pandas as pd

from doisoat import schema
from doisoat.reconcile.result import ReconcileResult
from doisoat.reports.csv_outputs import (
    write_breakdown_csv,
    write_matches_csv,
    write_mismatches_csv,
    write_summary_csv,
)
from doisoat.reports.html_report import render_html
from doisoat.reports.outputs import ReportPaths, RunInfo
from doisoat.reports.xlsx_report import write_xlsx

logger = logging.getLogger(__name__)

SUMMARY_CSV: Final = "summary.csv"
BREAKDOWN_CSV: Final = "breakdown.csv"
MISMATCHES_CSV: Final = "mismatches.csv"
MATCHES_CSV: Final = "matches.csv"
REPORT_HTML: Final = "report.html"
REPORT_XLSX: Final = "report.xlsx"


def data_docs_href(data_docs: Path, out_dir: Path) -> str:
    """A relative link from out_dir to the Data Docs (their index.html when given a directory)."""
    target = (
        data_docs / "index.html" if data_docs.is_dir() and (data_docs / "index.html").exists() else data_docs
    )
    relative = os.path.relpath(target.resolve(), out_dir.resolve())
    return quote(Path(relative).as_posix())


def write_reports(
    result: ReconcileResult,
    quarantine: pd.DataFrame,
    files: pd.DataFrame,
    run: RunInfo,
    out_dir: Path,
    data_docs: Path | None = None,
) -> ReportPaths:
    """Write summary.csv, breakdown.csv, mismatches.csv, matches.csv, report.html and report.xlsx
    into out_dir."""
    started = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    quarantine = quarantine.reindex(columns=schema.QUARANTINE_COLUMNS)
    files = files.reindex(columns=schema.FILES_COLUMNS)
    paths = ReportPaths(
        summary_csv=write_summary_csv(result.summary, out_dir / SUMMARY_CSV),
        breakdown_csv=write_breakdown_csv(result.breakdown, out_dir / BREAKDOWN_CSV),
        mismatches_csv=write_mismatches_csv(result.mismatches, out_dir / MISMATCHES_CSV),
        matches_csv=write_matches_csv(result.matches, out_dir / MATCHES_CSV),
        html=out_dir / REPORT_HTML,
        xlsx=out_dir / REPORT_XLSX,
    )
    href = data_docs_href(data_docs, out_dir) if data_docs is not None else None
    paths.html.write_text(render_html(result, quarantine, files, run, href), encoding="utf-8")
    write_xlsx(paths.xlsx, result, quarantine, files)
    logger.info(
        "reports of run %s written to %s in %.1f s (%d mismatches, %d matches, %d quarantined rows)",
        run.run_id,
        out_dir,
        time.perf_counter() - started,
        len(result.mismatches),
        len(result.matches),
        len(quarantine),
    )
    return paths
