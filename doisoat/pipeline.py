"""The steps of a reconciliation run as plain functions (no Prefect here).

`doisoat.flows` wraps each step in a Prefect task; tests and benchmarks can call them directly.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from doisoat import schema as c
from doisoat.errors import ConservationError
from doisoat.reconcile.result import Period
from doisoat.sources import (
    OfficeRegistry,
    ReadResult,
    load_office_registry,
    read_electronic_exports,
    read_paper_ledgers,
)
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


@dataclass(frozen=True)
class Checked:
    """Validated records of both sides."""

    paper: Validated
    electronic: Validated

    @property
    def quarantine(self) -> pd.DataFrame:
        return pd.concat([self.paper.quarantine, self.electronic.quarantine], ignore_index=True)


def read_inputs(
    paper_dir: Path, electronic_dir: Path, offices_file: Path | None = None, profile: Path | None = None
) -> Inputs:
    """Read every ledger and export; unreadable files are recorded, not fatal."""
    registry: OfficeRegistry | None = load_office_registry(offices_file) if offices_file else None
    paper = read_paper_ledgers(paper_dir, registry)
    electronic = read_electronic_exports(electronic_dir, registry, profile=profile)
    for side, result in ((PAPER, paper), (ELECTRONIC, electronic)):
        for row in result.failed.itertuples():
            log.error("%s input %s could not be read: %s", side, row.file, row.reason)
    offices = _office_table(paper.records, electronic.records, registry)
    return Inputs(paper=paper, electronic=electronic, offices=offices)


def _office_table(
    paper: pd.DataFrame, electronic: pd.DataFrame, registry: OfficeRegistry | None
) -> pd.DataFrame:
    if registry is not None:
        return registry.table()
    cols = [c.UNIT_CODE, c.UNIT_NAME, c.LEVEL]
    seen = (
        pd.concat([paper[cols], electronic[cols]]).dropna(subset=[c.UNIT_CODE]).drop_duplicates(c.UNIT_CODE)
    )
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
    """Validate both sides lazily and check that no row was lost."""
    checked = Checked(
        paper=validate(inputs.paper.records, PAPER),
        electronic=validate(inputs.electronic.records, ELECTRONIC),
    )
    check_conservation(inputs, checked)
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


def check_conservation(inputs: Inputs, checked: Checked) -> None:
    """Fail loudly unless, for every side and every file, rows read = loaded + quarantined."""
    for side, read, done in (
        (PAPER, inputs.paper.records, checked.paper),
        (ELECTRONIC, inputs.electronic.records, checked.electronic),
    ):
        per_file_read = read[c.SOURCE_FILE].value_counts()
        per_file_out = pd.concat([done.valid[c.SOURCE_FILE], done.quarantine[c.SOURCE_FILE]]).value_counts()
        diff = per_file_read.sub(per_file_out, fill_value=0)
        if (diff != 0).any() or len(read) != len(done.valid) + len(done.quarantine):
            bad = diff[diff != 0]
            raise ConservationError(
                f"{side}: rows read {len(read)} != loaded {len(done.valid)} + quarantined "
                f"{len(done.quarantine)}; files off: {bad.to_dict()}"
            )


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

