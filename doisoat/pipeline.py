"""The steps of a reconciliation run as plain functions (no Prefect here).

`doisoat.flows` wraps each step in a Prefect task; tests and benchmarks can call them directly.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import pandas as pd

from doisoat import schema as c
from doisoat.errors import ConservationError
from doisoat.reconcile.aggregates import offices_of
from doisoat.reconcile.result import Period
from doisoat.sources import (
    OfficeRegistry,
    ReadResult,
    load_office_registry,
    read_electronic_exports,
    read_paper_ledgers,
)
from doisoat.validators import timeliness
from doisoat.validators.quarantine import ELECTRONIC, PAPER, Validated, validate

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Inputs:
    """Everything read from one run's input folders."""

    paper: ReadResult
    electronic: ReadResult
    offices: pd.DataFrame  # schema.OFFICE_COLUMNS

    @property
    def files(self) -> pd.DataFrame:
        """Every input file (and sheet) with its side, hash, rows read and status."""
        return pd.concat(
            [self.paper.files.assign(side=PAPER), self.electronic.files.assign(side=ELECTRONIC)],
            ignore_index=True,
        )


_FILE_KEY: Final = [c.FILE_SIDE, c.FILE_NAME, c.FILE_SHEET]


@dataclass(frozen=True)
class Checked:
    """Validated records of both sides, and the stated-vs-computed timeliness of the valid rows
    (`doisoat.validators.timeliness.TIMELINESS_CHECK_COLUMNS`, both sides)."""

    paper: Validated
    electronic: Validated
    timeliness: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=timeliness.TIMELINESS_CHECK_COLUMNS)
    )

    @property
    def quarantine(self) -> pd.DataFrame:
        return pd.concat([self.paper.quarantine, self.electronic.quarantine], ignore_index=True)


def read_inputs(
    paper_dir: Path, electronic_dir: Path, offices_file: Path | None = None, profile: Path | None = None
) -> Inputs:
    """Read every ledger and export; unreadable files are recorded (`failed`, logged by the
    readers), not fatal."""
    registry: OfficeRegistry | None = load_office_registry(offices_file) if offices_file else None
    paper = read_paper_ledgers(paper_dir, registry)
    electronic = read_electronic_exports(electronic_dir, registry, profile=profile)
    offices = _office_table(paper.records, electronic.records, registry)
    return Inputs(paper=paper, electronic=electronic, offices=offices)


def _office_table(
    paper: pd.DataFrame, electronic: pd.DataFrame, registry: OfficeRegistry | None
) -> pd.DataFrame:
    if registry is not None:
        return registry.table()
    seen = offices_of(paper, electronic)
    return pd.DataFrame(
        {
            c.OFFICE_CODE: seen[c.UNIT_CODE].to_numpy(),
            c.OFFICE_NAME: seen[c.UNIT_NAME].to_numpy(),
            c.OFFICE_ALIASES: "",
            c.OFFICE_LEVEL: seen[c.LEVEL].to_numpy(),
            c.OFFICE_PARENT: "",
        }
    )


def validate_inputs(inputs: Inputs) -> Checked:
    """Validate both sides lazily, check that no row was lost (per file and sheet) and recompute
    the timeliness of the valid rows (contradictions are reported, not quarantined)."""
    paper = validate(inputs.paper.records, PAPER)
    electronic = validate(inputs.electronic.records, ELECTRONIC)
    checks = pd.concat(
        [timeliness.recompute(paper.valid, PAPER), timeliness.recompute(electronic.valid, ELECTRONIC)],
        ignore_index=True,
    )
    checked = Checked(paper=paper, electronic=electronic, timeliness=checks)
    check_conservation(inputs, checked)
    contradicting = checks[timeliness.CONTRADICTS]
    if contradicting.any():
        log.warning(
            "stated timeliness contradicts the dates on %d rows (%s)",
            int(contradicting.sum()),
            checks.loc[contradicting, c.SIDE].value_counts().to_dict(),
        )
    return checked


def row_counts(inputs: Inputs, checked: Checked) -> dict[str, int]:
    """Rows read, loaded and quarantined per side, as stored on the run."""
    return {
        "paper_rows_read": len(inputs.paper.records),
        "paper_rows_loaded": len(checked.paper.valid),
        "paper_rows_quarantined": len(checked.paper.quarantine),
        "electronic_rows_read": len(inputs.electronic.records),
        "electronic_rows_loaded": len(checked.electronic.valid),
        "electronic_rows_quarantined": len(checked.electronic.quarantine),
    }


def _rows_per_file(frame: pd.DataFrame, side: str, name: str) -> pd.Series:
    """Rows of a record or quarantine frame per (side, file, sheet)."""
    keys = pd.DataFrame({
        c.FILE_SIDE: side,
        c.FILE_NAME: frame[c.SOURCE_FILE].astype("object"),
        c.FILE_SHEET: frame[c.SOURCE_SHEET].astype("object"),
    })
    return keys.groupby(_FILE_KEY, dropna=False).size().rename(name)


def file_counts(inputs: Inputs, checked: Checked) -> pd.DataFrame:
    """The input-files frame (schema.FILES_COLUMNS) with rows_loaded and rows_quarantined per file
    and sheet (schema.FILE_ROWS_LOADED, schema.FILE_ROWS_QUARANTINED), in the reader's row order.

    A file and sheet that yielded no record has 0 loaded and 0 quarantined."""
    files = inputs.files.reindex(columns=c.FILES_COLUMNS)
    counted = pd.concat(
        [
            pd.concat([_rows_per_file(done.valid, side, c.FILE_ROWS_LOADED),
                       _rows_per_file(done.quarantine, side, c.FILE_ROWS_QUARANTINED)], axis=1)
            for side, done in ((PAPER, checked.paper), (ELECTRONIC, checked.electronic))
        ]
    ).fillna(0).astype("int64").reset_index()
    keys = files[_FILE_KEY].astype("object")
    # a sheet reported twice (the same name delivered in two folders) gets its counts once
    first = ~keys.duplicated()
    merged = keys.merge(counted.astype({k: "object" for k in _FILE_KEY}), on=_FILE_KEY, how="left")
    out = files.copy()
    for column in (c.FILE_ROWS_LOADED, c.FILE_ROWS_QUARANTINED):
        out[column] = merged[column].where(first.to_numpy(), 0).fillna(0).astype("int64").to_numpy()
    return out


def check_conservation(inputs: Inputs, checked: Checked) -> None:
    """Fail loudly (ConservationError) unless, for every side and every file and sheet, rows read =
    rows loaded + rows quarantined, where rows read is both what the reader reported for the file
    and the records it produced."""
    problems: list[str] = []
    for side, read, done in (
        (PAPER, inputs.paper.records, checked.paper),
        (ELECTRONIC, inputs.electronic.records, checked.electronic),
    ):
        if len(read) != len(done.valid) + len(done.quarantine):
            problems.append(
                f"{side}: rows read {len(read)} != loaded {len(done.valid)} + quarantined "
                f"{len(done.quarantine)}"
            )
    files = inputs.files.reindex(columns=c.FILES_COLUMNS)
    reported = (
        files.assign(**{k: files[k].astype("object") for k in _FILE_KEY})
        .groupby(_FILE_KEY, dropna=False)[c.FILE_ROWS_READ].sum().rename("reported")
    )
    produced = pd.concat([
        _rows_per_file(inputs.paper.records, PAPER, "produced"),
        _rows_per_file(inputs.electronic.records, ELECTRONIC, "produced"),
    ])
    sides = ((PAPER, checked.paper), (ELECTRONIC, checked.electronic))
    loaded = pd.concat([_rows_per_file(d.valid, s, c.FILE_ROWS_LOADED) for s, d in sides])
    quarantined = pd.concat([_rows_per_file(d.quarantine, s, c.FILE_ROWS_QUARANTINED) for s, d in sides])
    table = pd.concat([reported, produced, loaded, quarantined], axis=1, sort=False).fillna(0).astype("int64")
    accounted = table[c.FILE_ROWS_LOADED] + table[c.FILE_ROWS_QUARANTINED]
    off = table[(table["reported"] != table["produced"]) | (table["produced"] != accounted)]
    for (side, name, sheet), row in off.iterrows():
        where = f"{name}" + (f"!{sheet}" if isinstance(sheet, str) else "")
        problems.append(
            f"{side} {where}: rows read {row['reported']} (records {row['produced']}) != loaded "
            f"{row[c.FILE_ROWS_LOADED]} + quarantined {row[c.FILE_ROWS_QUARANTINED]}"
        )
    if problems:
        raise ConservationError("row conservation broken: " + "; ".join(problems[:20]))


def derive_period(inputs: Inputs, start: dt.date | None = None, end: dt.date | None = None) -> Period:
    """The reporting period: as given, else from the first day of the month of the earliest
    receipt to the latest receipt seen on either side."""
    received = pd.concat(
        [inputs.paper.records[c.RECEIVED_AT], inputs.electronic.records[c.RECEIVED_AT]]
    ).dropna()
    if received.empty and (start is None or end is None):
        today = dt.date.today()
        return Period(start or today.replace(day=1), end or today)
    first = received.min()
    return Period(
        start or dt.date(first.year, first.month, 1),
        end or received.max().date(),
    )



def timeliness_findings(checked: Checked) -> pd.DataFrame:
    """One `stated_timeliness_contradiction` (schema.MISMATCH_COLUMNS) per valid record whose own
    Trước hạn / Đúng hạn / Quá hạn contradicts its dates (how a ledger's on-time claim is checked
    against itself): given to `reconcile(findings=…)`, which ids and counts them with its own."""
    return timeliness.as_findings(checked.timeliness)[c.MISMATCH_COLUMNS]
