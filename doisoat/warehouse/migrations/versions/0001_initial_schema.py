"""Initial warehouse schema: registry, runs, records, findings, aggregates and analyst views.

Revision ID: 0001
Revises:
Create Date: 2026-11-22

Names are literal here on purpose: a revision is frozen history and must not follow later edits of
`doisoat.schema`; a test checks that the models and the migrated database agree. The views use only
SQL that SQLite and PostgreSQL both accept.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(name: str, nullable: bool = True) -> sa.Column[str]:
    return sa.Column(name, sa.String(), nullable=nullable)


def _long(name: str) -> sa.Column[str]:
    return sa.Column(name, sa.Text(), nullable=True)


def _int(name: str, nullable: bool = True) -> sa.Column[int]:
    return sa.Column(name, sa.Integer(), nullable=nullable, autoincrement=False)


def _run_fk(table: str, column: str = "run_id") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], ["run.run_id"], name=op.f(f"fk_{table}_{column}_run"))


def _pk(table: str, *columns: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint(*columns, name=op.f(f"pk_{table}"))


def _index(table: str, *columns: str) -> None:
    op.create_index(op.f(f"ix_{table}_{'_'.join(columns)}"), table, list(columns), unique=False)


_LINEAGE = ("ref", "source_file", "source_sha256", "source_sheet", "source_row")


def _lineage() -> list[sa.Column[str] | sa.Column[int]]:
    return [
        _text("ref", nullable=False), _text("source_file", nullable=False),
        _text("source_sha256", nullable=False), _text("source_sheet"), _int("source_row"),
    ]


VIEWS: dict[str, str] = {
    # The Tây Ninh table: the summary rows loaded by the latest succeeded run.
    "v_period_summary": """
        SELECT s.run_id, s.row_no, s.level, s.unit_code, s.unit_name, s.period_start, s.period_end,
               s.paper_received, s.electronic_received, s.received_difference,
               s.paper_overdue, s.electronic_overdue, s.overdue_difference,
               s.paper_on_time_rate, s.electronic_on_time_rate
        FROM period_summary s
        WHERE s.run_id = (SELECT r.run_id FROM run r WHERE r.status = 'succeeded'
                          ORDER BY r.started_at DESC, r.run_id DESC LIMIT 1)
    """,
    # Open findings per type and office, with when the oldest of them was first seen.
    "v_open_mismatches_by_type": """
        SELECT m.mismatch_type, m.unit_code, COUNT(*) AS open_count,
               MIN(r.started_at) AS oldest_first_seen_at
        FROM mismatch m
        LEFT JOIN run r ON r.run_id = m.first_seen_run
        WHERE m.status = 'open'
        GROUP BY m.mismatch_type, m.unit_code
    """,
    # Decision 766 indicator 2.1 per office and side, from the latest succeeded summary.
    "v_on_time_rate": """
        SELECT run_id, row_no, level, unit_code, unit_name, period_start, period_end,
               'paper' AS side, paper_received AS received, paper_overdue AS overdue,
               paper_on_time_rate AS on_time_rate
        FROM v_period_summary
        UNION ALL
        SELECT run_id, row_no, level, unit_code, unit_name, period_start, period_end,
               'electronic' AS side, electronic_received AS received, electronic_overdue AS overdue,
               electronic_on_time_rate AS on_time_rate
        FROM v_period_summary
    """,
    # Decision 766 indicator 1.4 per office: share of paper records found in the software.
    "v_sync_rate": """
        SELECT p.unit_code, MAX(p.unit_name) AS unit_name, MAX(p.level) AS level,
               COUNT(*) AS paper_records, COUNT(mp.paper_ref) AS matched_paper_records,
               CAST(COUNT(mp.paper_ref) AS DOUBLE PRECISION) / COUNT(*) AS sync_rate
        FROM paper_record p
        LEFT JOIN (SELECT DISTINCT paper_ref FROM "match") mp ON mp.paper_ref = p.ref
        GROUP BY p.unit_code
    """,
}


def upgrade() -> None:
    op.create_table(
        "office",
        _text("code", nullable=False), _text("name"), _long("aliases"), _text("level"), _text("parent"),
        sa.Column("valid_from", sa.Date(), nullable=True), sa.Column("valid_to", sa.Date(), nullable=True),
        _pk("office", "code"),
    )
    op.create_table(
        "run",
        _text("run_id", nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        _text("status", nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        _int("paper_rows_read"), _int("paper_rows_loaded"), _int("paper_rows_quarantined"),
        _int("electronic_rows_read"), _int("electronic_rows_loaded"), _int("electronic_rows_quarantined"),
        _long("message"),
        _pk("run", "run_id"),
    )
    op.create_table(
        "input_file",
        _text("run_id", nullable=False), _int("row_no", nullable=False),
        _text("side", nullable=False), _text("file", nullable=False), _text("sha256"), _text("sheet"),
        _int("rows_read"), _text("status"), _long("reason"), _text("load_action"),
        _run_fk("input_file"), _pk("input_file", "run_id", "row_no"),
    )
    op.create_table(
        "paper_record",
        *_lineage(),
        _text("unit_code"), _text("unit_name"), _text("level"),
        _text("seq"), _text("dossier_code_raw"), _text("dossier_code"), _long("procedure_name"),
        _int("quantity"), _text("applicant_name"), _long("applicant_contact"), _text("handling_agency"),
        sa.Column("received_at", sa.DateTime(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("transferred_date", sa.Date(), nullable=True),
        sa.Column("returned_date", sa.Date(), nullable=True),
        _text("stated_timeliness"), _int("return_marks"), _long("note"),
        _long("raw_values"), _long("parse_errors"),
        _text("loaded_run_id", nullable=False),
        _run_fk("paper_record", "loaded_run_id"), _pk("paper_record", "ref"),
    )
    op.create_table(
        "electronic_record",
        *_lineage(),
        _text("unit_code"), _text("unit_name"), _text("level"),
        _text("dossier_code_raw"), _text("dossier_code"), _long("procedure_name"), _text("field"),
        _text("office_raw"), _text("applicant_name"),
        sa.Column("received_at", sa.DateTime(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("returned_date", sa.Date(), nullable=True),
        _text("status"), _text("status_raw"), _text("stated_timeliness"), _text("channel"),
        _long("raw_values"), _long("parse_errors"),
        _text("loaded_run_id", nullable=False),
        _run_fk("electronic_record", "loaded_run_id"), _pk("electronic_record", "ref"),
    )
    for table in ("paper_record", "electronic_record"):
        _index(table, "source_file", "source_sha256")
        _index(table, "unit_code")
        _index(table, "dossier_code")
    op.create_table(
        "quarantine",
        _text("side", nullable=False),
        *_lineage(),
        _text("unit_code"), _text("dossier_code"), _long("raw_values"), _long("reasons"),
        _text("run_id", nullable=False),
        _run_fk("quarantine"), _pk("quarantine", "ref"),
    )
    _index("quarantine", "side", "source_file", "source_sha256")
    op.create_table(
        "match",
        _text("paper_ref", nullable=False), _text("electronic_ref", nullable=False),
        _text("method", nullable=False), sa.Column("score", sa.Float(), nullable=True),
        _text("unit_code"), _text("dossier_code"), _text("run_id", nullable=False),
        _run_fk("match"), _pk("match", "paper_ref", "electronic_ref"),
    )
    _index("match", "electronic_ref")
    op.create_table(
        "mismatch",
        _text("mismatch_id", nullable=False), _text("mismatch_type", nullable=False),
        _text("unit_code"), _text("dossier_code"), _text("paper_ref"), _text("electronic_ref"),
        _text("field"), _long("paper_value"), _long("electronic_value"), _long("detail"),
        _text("first_seen_run", nullable=False), _text("last_seen_run", nullable=False),
        _text("status", nullable=False),
        _run_fk("mismatch", "first_seen_run"), _run_fk("mismatch", "last_seen_run"),
        _pk("mismatch", "mismatch_id"),
    )
    _index("mismatch", "status", "mismatch_type")
    _index("mismatch", "unit_code")
    op.create_table(
        "period_summary",
        _text("run_id", nullable=False), _int("row_no", nullable=False),
        _text("level"), _text("unit_code"), _text("unit_name"),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        _int("paper_received"), _int("electronic_received"), _int("received_difference"),
        _int("paper_overdue"), _int("electronic_overdue"), _int("overdue_difference"),
        sa.Column("paper_on_time_rate", sa.Float(), nullable=True),
        sa.Column("electronic_on_time_rate", sa.Float(), nullable=True),
        _run_fk("period_summary"), _pk("period_summary", "run_id", "row_no"),
    )
    op.create_table(
        "breakdown",
        _text("run_id", nullable=False), _int("row_no", nullable=False),
        _text("dimension", nullable=False), _text("value"), _text("level"), _text("unit_code"),
        _int("paper_received"), _int("electronic_received"),
        _int("paper_overdue"), _int("electronic_overdue"),
        _run_fk("breakdown"), _pk("breakdown", "run_id", "row_no"),
    )
    for name, body in VIEWS.items():  # in dependency order: v_on_time_rate reads v_period_summary
        op.execute(f"CREATE VIEW {name} AS {body.strip()}")


def downgrade() -> None:
    for name in reversed(list(VIEWS)):
        op.execute(f"DROP VIEW {name}")
    for table in (
        "breakdown", "period_summary", "mismatch", "match", "quarantine", "electronic_record",
        "paper_record", "input_file", "run", "office",
    ):
        op.drop_table(table)
