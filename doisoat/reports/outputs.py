"""What a report run is told (RunInfo) and what it writes (ReportPaths)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path


@dataclass(frozen=True)
class RunInfo:
    """The pipeline run a report belongs to, shown in the report's header."""

    run_id: str
    generated_at: datetime
    paper_dir: str
    electronic_dir: str
    warehouse_url: str  # shown with its password redacted


@dataclass(frozen=True)
class ReportPaths:
    """The files write_reports wrote."""

    summary_csv: Path
    breakdown_csv: Path
    mismatches_csv: Path
    matches_csv: Path
    html: Path
    xlsx: Path
