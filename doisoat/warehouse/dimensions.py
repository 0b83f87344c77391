"""The dimension tables the loader refreshes on every run: procedure, procedure alias, field, channel
and calendar day.

Each is rebuilt from the reference data shipped with the package and from the records stored *after*
the run's records are written, so the result depends only on the stored state: loading the same
inputs twice gives the same dimensions (idempotence), and a corrected reference file reaches the
warehouse at the next run.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

import numpy as np
import pandas as pd
import sqlalchemy as sa

from doisoat import reference, schema
from doisoat.reconcile.calendar import calendar_for_years
from doisoat.reconcile.procedures import resolve
from doisoat.warehouse.bulk import bulk_insert
from doisoat.warehouse.models import TABLES, CalendarDay, Channel, ElectronicRecord, Field, PaperRecord

PROCEDURE: Final = "procedure"
PROCEDURE_ALIAS: Final = "procedure_alias"
_REFERENCE_PROCEDURE_COLUMNS: Final = [
    "procedure_name", "procedure_code", "field", "processing_days", "level", "abbreviation", "source",
]


def _replace_all(conn: sa.Connection, name: str, frame: pd.DataFrame) -> tuple[int, int]:
    table = TABLES[name]
    deleted = conn.execute(sa.delete(table)).rowcount
    return bulk_insert(conn, table, frame), deleted


def _blank_to_none(values: pd.Series) -> pd.Series:
    return values.where(values.astype(str).str.strip() != "", None)


def refresh_reference(conn: sa.Connection) -> dict[str, tuple[int, int]]:
    """Replace procedure, field and channel with the reference data plus the fields seen in the stored
    electronic records; (inserted, deleted) per table."""
    procedures = reference.procedures()[_REFERENCE_PROCEDURE_COLUMNS].copy()
    for column in ("procedure_code", "level", "abbreviation", "source"):
        procedures[column] = _blank_to_none(procedures[column])
    e = TABLES[ElectronicRecord.__tablename__]
    seen = conn.execute(sa.select(e.c.field).where(e.c.field.is_not(None)).distinct()).scalars().all()
    per_field = procedures.groupby("field").size()
    fields = pd.Series(0, index=sorted(set(seen) - set(per_field.index)), dtype="int64")
    all_fields = pd.concat([per_field, fields]).rename_axis("field").rename("procedure_count").reset_index()
    channels = reference.channels()[["channel", "code", "label_vi"]]
    return {
        PROCEDURE: _replace_all(conn, PROCEDURE, procedures),
        Field.__tablename__: _replace_all(conn, Field.__tablename__, all_fields),
        Channel.__tablename__: _replace_all(conn, Channel.__tablename__, channels),
    }


def refresh_procedure_aliases(conn: sa.Connection) -> tuple[int, int]:
    """Rebuild procedure_alias from every distinct procedure name in the stored records, each resolved
    to its reference procedure by doisoat.reconcile.procedures.resolve (the matcher's rule)."""
    names: set[str] = set()
    for model in (PaperRecord, ElectronicRecord):
        column = TABLES[model.__tablename__].c[schema.PROCEDURE_NAME]
        names.update(conn.execute(sa.select(column).where(column.is_not(None)).distinct()).scalars())
    aliases = pd.Series(sorted(names), dtype="str")
    positions = resolve(aliases).to_numpy()
    reference_names = np.asarray(reference.procedures()["procedure_name"], dtype=object)
    resolved = np.where(positions >= 0, reference_names[np.clip(positions, 0, None)], None)
    frame = pd.DataFrame({"alias": aliases.astype(object), "procedure_name": resolved}, dtype=object)
    return _replace_all(conn, PROCEDURE_ALIAS, frame)


def calendar_frame(first_year: int, last_year: int) -> pd.DataFrame:
    """Every day of the years `first_year`..`last_year` with the working-day flag."""
    calendar = calendar_for_years(first_year, last_year)
    days = pd.date_range(dt.date(first_year, 1, 1), dt.date(last_year, 12, 31), freq="D")
    return pd.DataFrame({
        "day": days,
        "year": days.year,
        "month": days.month,
        "iso_weekday": days.dayofweek + 1,
        "is_working_day": calendar.is_working_day(days),
    })


def refresh_calendar(conn: sa.Connection, period_start: dt.date, period_end: dt.date) -> tuple[int, int]:
    """Replace the calendar days of the years from `period_start` to the year after `period_end` (due
    dates and the runs themselves fall after the period)."""
    first, last = period_start.year, period_end.year + 1
    frame = calendar_frame(first, last)
    table = TABLES[CalendarDay.__tablename__]
    deleted = conn.execute(
        sa.delete(table).where(table.c.day.between(dt.date(first, 1, 1), dt.date(last, 12, 31)))
    ).rowcount
    return bulk_insert(conn, table, frame), deleted
