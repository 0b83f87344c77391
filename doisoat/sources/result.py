"""What a read returns: the canonical records plus a log of every file (and sheet) looked at."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from doisoat.errors import LayoutError, Location
from doisoat.sources.discovery import relative_name

log = logging.getLogger(__name__)

from doisoat import schema  # noqa: E402

FILE = schema.FILE_NAME
SHA256 = schema.FILE_SHA256
SHEET = schema.FILE_SHEET
ROWS_READ = schema.FILE_ROWS_READ
STATUS = schema.FILE_STATUS
REASON = schema.FILE_REASON
# the side is added by the pipeline, which knows which folder a file came from
FILES_COLUMNS = [c for c in schema.FILES_COLUMNS if c != schema.FILE_SIDE]
FAILED_COLUMNS = [FILE, SHA256, REASON]

READ = schema.FILE_READ
SKIPPED = schema.FILE_SKIPPED
FAILED = schema.FILE_FAILED


@dataclass(frozen=True)
class ReadResult:
    """Canonical records, one row per file+sheet looked at, and the files that could not be read."""

    records: pd.DataFrame  # schema.PAPER_COLUMNS or schema.ELECTRONIC_COLUMNS, in order
    files: pd.DataFrame  # FILES_COLUMNS
    failed: pd.DataFrame  # FAILED_COLUMNS


@dataclass
class FileLog:
    """Collects the `files` and `failed` rows while files are read."""

    root: Path  # the input folder: files are named by their path relative to it
    files: list[dict[str, object]] = field(default_factory=list)
    failed: list[dict[str, object]] = field(default_factory=list)

    def name_of(self, path: Path) -> str:
        """The file's name in lineage, refs and the log: its path relative to `root` ("a/T1.xlsx")."""
        return relative_name(path, self.root)

    def sheet(self, path: Path, sha256: str | None, sheet: str | None, rows: int, status: str,
              reason: str | None = None) -> None:
        """Record one file+sheet (sheet None for CSV or a file that could not be opened)."""
        self.files.append({FILE: self.name_of(path), SHA256: sha256, SHEET: sheet, ROWS_READ: rows,
                           STATUS: status, REASON: reason})
        if status == SKIPPED:
            log.info("%s, sheet %r skipped: %s", self.name_of(path), sheet, reason)

    def fail(self, path: Path, sha256: str | None, reason: str, sheet_logged: bool = False) -> None:
        """Record a file that could not be read at all (and its `files` row unless already logged)."""
        if not sheet_logged:
            self.sheet(path, sha256, None, 0, FAILED, reason)
        self.failed.append({FILE: self.name_of(path), SHA256: sha256, REASON: reason})
        log.warning("%s could not be read: %s", path, reason)

    def workbook(
        self,
        path: Path,
        sha256: str | None,
        outcomes: list[tuple[str, str, str | None, int]],
        any_read: bool,
        what: str,
        location: Location,
    ) -> None:
        """Record every sheet of a workbook as (sheet, status, reason, rows); when no sheet was read,
        the whole file fails with each sheet's reason ("no ledger sheet (sheet 'X': …)")."""
        if any_read:
            for sheet, status, reason, rows in outcomes:
                self.sheet(path, sha256, sheet, rows, status, reason)
            return
        detail = "; ".join(f"sheet {s!r}: {r}" for s, _, r, _ in outcomes) or "the workbook has no worksheet"
        for sheet, _, reason, _ in outcomes:
            self.sheet(path, sha256, sheet, 0, FAILED, reason)
        error = LayoutError(f"no {what} sheet ({detail})", location)
        self.fail(path, sha256, str(error), sheet_logged=bool(outcomes))

    def frames(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The `files` and `failed` frames."""
        files = pd.DataFrame(self.files, columns=FILES_COLUMNS)
        files[ROWS_READ] = files[ROWS_READ].astype("int64")
        for column in (FILE, SHA256, SHEET, STATUS, REASON):
            files[column] = files[column].astype("str")
        failed = pd.DataFrame(self.failed, columns=FAILED_COLUMNS).astype("str")
        return files, failed
