"""The warehouse tables as SQLAlchemy 2 declarative models.

Column names are those of `doisoat.schema` (a test checks that every canonical column list is
a prefix of its table), plus the run bookkeeping each table needs. The models are the source of
the Alembic autogenerate diff; the migrations in `migrations/versions/` are the deployed schema and
a test checks the two agree on both engines. Dates are DATE, datetimes TIMESTAMP (naive), rates
FLOAT, counts INTEGER; NOT NULL only on what the pipeline guarantees (refs, ids, types).
"""

from __future__ import annotations

import datetime as dt
from typing import Final

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from doisoat import schema

NAMING_CONVENTION: Final = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Run statuses (run.status) and mismatch statuses (mismatch.status).
RUN_RUNNING: Final = "running"
RUN_SUCCEEDED: Final = "succeeded"
RUN_FAILED: Final = "failed"
RUN_FINAL_STATUSES: Final = (RUN_SUCCEEDED, RUN_FAILED)
MISMATCH_OPEN: Final = "open"
MISMATCH_RESOLVED: Final = "resolved"

# What the loader did with a delivered file (input_file.load_action).
FILE_NEW: Final = "new"
FILE_REPLACED: Final = "replaced"
FILE_UNCHANGED: Final = "unchanged"

# Columns of the `files` frame the flow passes to `load_run`: the contract lives in schema.py.
FILE_SIDE: Final = schema.FILE_SIDE
FILE_NAME: Final = schema.FILE_NAME
FILE_SHA256: Final = schema.FILE_SHA256
FILE_SHEET: Final = schema.FILE_SHEET
FILE_ROWS_READ: Final = schema.FILE_ROWS_READ
FILE_STATUS: Final = schema.FILE_STATUS
FILE_REASON: Final = schema.FILE_REASON
FILE_COLUMNS: Final = schema.FILES_COLUMNS

# Optional validity columns of the `offices` frame.
OFFICE_VALID_FROM: Final = "valid_from"
OFFICE_VALID_TO: Final = "valid_to"

# Bookkeeping columns added by the loader.
RUN_ID: Final = "run_id"
ROW_NO: Final = "row_no"
LOADED_RUN_ID: Final = "loaded_run_id"
FIRST_SEEN_RUN: Final = "first_seen_run"
LAST_SEEN_RUN: Final = "last_seen_run"
MISMATCH_STATUS: Final = "status"
LOAD_ACTION: Final = "load_action"


# Codes, refs, file names and hashes (the columns indexes sort): byte-order collation on PostgreSQL,
# so index builds compare with memcmp and abbreviated keys rather than the locale's strcoll (about twice
# as fast; revision 0003). SQLite's default BINARY collation is byte order already.
KEY_TEXT: Final = sa.String().with_variant(sa.String(collation="C"), "postgresql")


class Base(DeclarativeBase):
    """Declarative base: one MetaData with a naming convention (stable constraint names)."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads this class attribute
        str: sa.String(),
        int: sa.Integer(),
        float: sa.Float(),
        dt.date: sa.Date(),
        dt.datetime: sa.DateTime(),
        bool: sa.Boolean(),
    }


def _run_fk() -> sa.ForeignKey:
    return sa.ForeignKey("run.run_id")


class Office(Base):
    """The office registry: one row per office code, with its validity period."""

    __tablename__ = "office"

    code: Mapped[str] = mapped_column(KEY_TEXT, primary_key=True)
    name: Mapped[str | None]
    aliases: Mapped[str | None] = mapped_column(sa.Text)
    level: Mapped[str | None]
    parent: Mapped[str | None] = mapped_column(KEY_TEXT)
    valid_from: Mapped[dt.date | None]
    valid_to: Mapped[dt.date | None]


class Run(Base):
    """One pipeline run: its period, status, row counts and final message."""

    __tablename__ = "run"

    run_id: Mapped[str] = mapped_column(primary_key=True)
    started_at: Mapped[dt.datetime]
    finished_at: Mapped[dt.datetime | None]
    status: Mapped[str]
    period_start: Mapped[dt.date]
    period_end: Mapped[dt.date]
    paper_rows_read: Mapped[int | None]
    paper_rows_loaded: Mapped[int | None]
    paper_rows_quarantined: Mapped[int | None]
    electronic_rows_read: Mapped[int | None]
    electronic_rows_loaded: Mapped[int | None]
    electronic_rows_quarantined: Mapped[int | None]
    message: Mapped[str | None] = mapped_column(sa.Text)


class InputFile(Base):
    """Every file (and sheet) a run read, as the flow reported it, with what the loader did."""

    __tablename__ = "input_file"

    run_id: Mapped[str] = mapped_column(_run_fk(), primary_key=True)
    row_no: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    side: Mapped[str]
    file: Mapped[str] = mapped_column(KEY_TEXT)
    sha256: Mapped[str | None] = mapped_column(KEY_TEXT)
    sheet: Mapped[str | None]
    rows_read: Mapped[int | None]
    status: Mapped[str | None]
    reason: Mapped[str | None] = mapped_column(sa.Text)
    load_action: Mapped[str | None]
    rows_loaded: Mapped[int | None]  # added in revision 0002
    rows_quarantined: Mapped[int | None]


class PaperRecord(Base):
    """A valid paper-ledger row (schema.PAPER_COLUMNS), kept until its file is re-delivered changed."""

    __tablename__ = "paper_record"
    __table_args__ = (
        sa.Index(None, "source_file", "source_sha256"),
        sa.Index(None, "unit_code"),
        sa.Index(None, "dossier_code"),
    )

    ref: Mapped[str] = mapped_column(KEY_TEXT, primary_key=True)
    source_file: Mapped[str] = mapped_column(KEY_TEXT)
    source_sha256: Mapped[str] = mapped_column(KEY_TEXT)
    source_sheet: Mapped[str | None]
    source_row: Mapped[int | None]
    unit_code: Mapped[str | None] = mapped_column(KEY_TEXT)
    unit_name: Mapped[str | None]
    level: Mapped[str | None]
    seq: Mapped[str | None]
    dossier_code_raw: Mapped[str | None]
    dossier_code: Mapped[str | None] = mapped_column(KEY_TEXT)
    procedure_name: Mapped[str | None] = mapped_column(sa.Text)
    quantity: Mapped[int | None]
    applicant_name: Mapped[str | None]
    applicant_contact: Mapped[str | None] = mapped_column(sa.Text)
    handling_agency: Mapped[str | None]
    received_at: Mapped[dt.datetime | None]
    due_date: Mapped[dt.date | None]
    transferred_date: Mapped[dt.date | None]
    returned_date: Mapped[dt.date | None]
    stated_timeliness: Mapped[str | None]
    return_marks: Mapped[int | None]
    note: Mapped[str | None] = mapped_column(sa.Text)
    raw_values: Mapped[str | None] = mapped_column(sa.Text)
    parse_errors: Mapped[str | None] = mapped_column(sa.Text)
    loaded_run_id: Mapped[str] = mapped_column(_run_fk())


class ElectronicRecord(Base):
    """A valid software-export row (schema.ELECTRONIC_COLUMNS), kept like paper records."""

    __tablename__ = "electronic_record"
    __table_args__ = (
        sa.Index(None, "source_file", "source_sha256"),
        sa.Index(None, "unit_code"),
        sa.Index(None, "dossier_code"),
    )

    ref: Mapped[str] = mapped_column(KEY_TEXT, primary_key=True)
    source_file: Mapped[str] = mapped_column(KEY_TEXT)
    source_sha256: Mapped[str] = mapped_column(KEY_TEXT)
    source_sheet: Mapped[str | None]
    source_row: Mapped[int | None]
    unit_code: Mapped[str | None] = mapped_column(KEY_TEXT)
    unit_name: Mapped[str | None]
    level: Mapped[str | None]
    dossier_code_raw: Mapped[str | None]
    dossier_code: Mapped[str | None] = mapped_column(KEY_TEXT)
    procedure_name: Mapped[str | None] = mapped_column(sa.Text)
    field: Mapped[str | None]
    office_raw: Mapped[str | None]
    applicant_name: Mapped[str | None]
    received_at: Mapped[dt.datetime | None]
    due_date: Mapped[dt.date | None]
    returned_date: Mapped[dt.date | None]
    status: Mapped[str | None]
    status_raw: Mapped[str | None]
    stated_timeliness: Mapped[str | None]
    channel: Mapped[str | None]
    raw_values: Mapped[str | None] = mapped_column(sa.Text)
    parse_errors: Mapped[str | None] = mapped_column(sa.Text)
    loaded_run_id: Mapped[str] = mapped_column(_run_fk())


class Match(Base):
    """Current paper ↔ electronic pairs (replaced by every run)."""

    __tablename__ = "match"
    __table_args__ = (sa.Index(None, "electronic_ref"),)

    paper_ref: Mapped[str] = mapped_column(KEY_TEXT, primary_key=True)
    electronic_ref: Mapped[str] = mapped_column(KEY_TEXT, primary_key=True)
    method: Mapped[str]
    score: Mapped[float | None]
    agreed: Mapped[str | None]  # "code+applicant+procedure+date": the fields that agreed (revision 0004)
    unit_code: Mapped[str | None] = mapped_column(KEY_TEXT)
    dossier_code: Mapped[str | None] = mapped_column(KEY_TEXT)
    run_id: Mapped[str] = mapped_column(_run_fk())


class Mismatch(Base):
    """Every finding ever made, by stable id, with the runs that first and last saw it."""

    __tablename__ = "mismatch"
    __table_args__ = (
        sa.Index(None, "status", "mismatch_type"),
        sa.Index(None, "unit_code"),
    )

    mismatch_id: Mapped[str] = mapped_column(KEY_TEXT, primary_key=True)
    mismatch_type: Mapped[str]
    unit_code: Mapped[str | None] = mapped_column(KEY_TEXT)
    dossier_code: Mapped[str | None] = mapped_column(KEY_TEXT)
    paper_ref: Mapped[str | None] = mapped_column(KEY_TEXT)
    electronic_ref: Mapped[str | None] = mapped_column(KEY_TEXT)
    field: Mapped[str | None]
    paper_value: Mapped[str | None] = mapped_column(sa.Text)
    electronic_value: Mapped[str | None] = mapped_column(sa.Text)
    detail: Mapped[str | None] = mapped_column(sa.Text)
    first_seen_run: Mapped[str] = mapped_column(_run_fk())
    last_seen_run: Mapped[str] = mapped_column(_run_fk())
    status: Mapped[str]


class Quarantine(Base):
    """Invalid input rows with every reason they failed; kept per file like the records."""

    __tablename__ = "quarantine"
    __table_args__ = (sa.Index(None, "side", "source_file", "source_sha256"),)

    side: Mapped[str]
    ref: Mapped[str] = mapped_column(KEY_TEXT, primary_key=True)
    source_file: Mapped[str] = mapped_column(KEY_TEXT)
    source_sha256: Mapped[str] = mapped_column(KEY_TEXT)
    source_sheet: Mapped[str | None]
    source_row: Mapped[int | None]
    unit_code: Mapped[str | None] = mapped_column(KEY_TEXT)
    dossier_code: Mapped[str | None] = mapped_column(KEY_TEXT)
    raw_values: Mapped[str | None] = mapped_column(sa.Text)
    reasons: Mapped[str | None] = mapped_column(sa.Text)
    run_id: Mapped[str] = mapped_column(_run_fk())


class PeriodSummary(Base):
    """The reconcile summary (schema.SUMMARY_COLUMNS) of the latest load, in the engine's order."""

    __tablename__ = "period_summary"

    run_id: Mapped[str] = mapped_column(_run_fk(), primary_key=True)
    row_no: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    level: Mapped[str | None]
    unit_code: Mapped[str | None] = mapped_column(KEY_TEXT)
    unit_name: Mapped[str | None]
    period_start: Mapped[dt.date | None]
    period_end: Mapped[dt.date | None]
    paper_received: Mapped[int | None]
    electronic_received: Mapped[int | None]
    received_difference: Mapped[int | None]
    paper_overdue: Mapped[int | None]
    electronic_overdue: Mapped[int | None]
    overdue_difference: Mapped[int | None]
    paper_on_time_rate: Mapped[float | None]
    electronic_on_time_rate: Mapped[float | None]


class Breakdown(Base):
    """Counts per dimension value and office (schema.BREAKDOWN_COLUMNS) of the latest load."""

    __tablename__ = "breakdown"

    run_id: Mapped[str] = mapped_column(_run_fk(), primary_key=True)
    row_no: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    dimension: Mapped[str]
    value: Mapped[str | None]
    level: Mapped[str | None]
    unit_code: Mapped[str | None] = mapped_column(KEY_TEXT)
    paper_received: Mapped[int | None]
    electronic_received: Mapped[int | None]
    paper_overdue: Mapped[int | None]
    electronic_overdue: Mapped[int | None]
    # revision 0004: differences and rates as in period_summary, the sync rate, findings per type
    received_difference: Mapped[int | None]
    overdue_difference: Mapped[int | None]
    paper_on_time_rate: Mapped[float | None]
    electronic_on_time_rate: Mapped[float | None]
    paper_matched: Mapped[int | None]
    sync_rate: Mapped[float | None]
    missing_electronic: Mapped[int | None]
    missing_paper: Mapped[int | None]
    timeliness_conflict: Mapped[int | None]
    date_mismatch: Mapped[int | None]
    procedure_mismatch: Mapped[int | None]
    applicant_mismatch: Mapped[int | None]
    duplicate_paper: Mapped[int | None]
    duplicate_electronic: Mapped[int | None]
    invalid_record: Mapped[int | None]
    stated_timeliness_contradiction: Mapped[int | None]


class Procedure(Base):
    """The procedure dimension: the reference procedures (doisoat/data/procedures.csv), refreshed by
    every load."""

    __tablename__ = "procedure"

    procedure_name: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    procedure_code: Mapped[str | None]
    field: Mapped[str | None]
    processing_days: Mapped[int | None]
    level: Mapped[str | None]
    abbreviation: Mapped[str | None]
    source: Mapped[str | None] = mapped_column(sa.Text)


class ProcedureAlias(Base):
    """Every procedure name written in the stored records → the reference procedure it resolves to
    (NULL when none is close enough); rebuilt by every load."""

    __tablename__ = "procedure_alias"

    alias: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    procedure_name: Mapped[str | None] = mapped_column(sa.Text)


class Field(Base):
    """The field (lĩnh vực) dimension: the reference fields and those seen in the exports."""

    __tablename__ = "field"

    field: Mapped[str] = mapped_column(primary_key=True)
    procedure_count: Mapped[int | None]


class Channel(Base):
    """The channel dimension (KenhThucHien): doisoat/data/channels.csv."""

    __tablename__ = "channel"

    channel: Mapped[str] = mapped_column(primary_key=True)
    code: Mapped[str | None]
    label_vi: Mapped[str | None]


class CalendarDay(Base):
    """The date dimension: every day of the years the loaded runs cover, with the working-day flag
    of doisoat.reconcile.calendar."""

    __tablename__ = "calendar_day"

    day: Mapped[dt.date] = mapped_column(primary_key=True)
    year: Mapped[int]
    month: Mapped[int]
    iso_weekday: Mapped[int]
    is_working_day: Mapped[bool]


TABLES: Final[dict[str, sa.Table]] = dict(Base.metadata.tables)
