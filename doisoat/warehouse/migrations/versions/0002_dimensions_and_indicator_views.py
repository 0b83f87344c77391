"""Dimensions (procedure, procedure alias, field, channel, calendar day), per-file load counts and
the indicator views for overdue by field and procedure and for open mismatches by age.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22

Names are literal (frozen history). The reference dimensions are seeded from the data shipped with
the package at the time the revision runs (`doisoat.reference`); the loader refreshes them on every
run. Two view expressions differ per engine (the date of a timestamp, days between two dates): the
revision renders them for the engine it runs on.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNKNOWN_FIELD = "Chưa xác định"  # doisoat.reconcile.procedures.UNKNOWN_FIELD when this was written
OPEN_STATUSES = ("registered", "accepted", "processing", "supplement_requested", "payment_requested")


def _date_of(expr: str, dialect: str) -> str:
    return f"DATE({expr})" if dialect == "sqlite" else f"CAST({expr} AS DATE)"


def _days_between(start: str, end: str, dialect: str) -> str:
    if dialect == "sqlite":
        return f"CAST(julianday(DATE({end})) - julianday(DATE({start})) AS INTEGER)"
    return f"(CAST({end} AS DATE) - CAST({start} AS DATE))"


def views(dialect: str) -> dict[str, str]:
    """The views of this revision, in dependency order, as SQL for `dialect`."""
    open_statuses = ", ".join(f"'{s}'" for s in OPEN_STATUSES)
    return {
        # Records received and overdue per side, office, field and procedure (records as stored).
        "v_overdue_by_field_procedure": f"""
            SELECT x.side, x.level, x.unit_code, x.field, x.procedure_name, x.procedure_code,
                   COUNT(*) AS received, SUM(x.overdue) AS overdue
            FROM (
                SELECT 'paper' AS side, p.level, p.unit_code,
                       COALESCE(d.field, '{UNKNOWN_FIELD}') AS field,
                       COALESCE(d.procedure_name, p.procedure_name) AS procedure_name,
                       d.procedure_code,
                       CASE WHEN p.stated_timeliness = 'late' THEN 1 ELSE 0 END AS overdue
                FROM paper_record p
                LEFT JOIN procedure_alias a ON a.alias = p.procedure_name
                LEFT JOIN "procedure" d ON d.procedure_name = a.procedure_name
                UNION ALL
                SELECT 'electronic' AS side, e.level, e.unit_code,
                       COALESCE(e.field, d.field, '{UNKNOWN_FIELD}') AS field,
                       COALESCE(d.procedure_name, e.procedure_name) AS procedure_name,
                       d.procedure_code,
                       CASE WHEN e.stated_timeliness = 'late'
                              OR (e.status IN ({open_statuses}) AND e.returned_date IS NULL
                                  AND e.due_date < (SELECT r.period_end FROM run r
                                                    WHERE r.status = 'succeeded'
                                                    ORDER BY r.started_at DESC, r.run_id DESC LIMIT 1))
                            THEN 1 ELSE 0 END AS overdue
                FROM electronic_record e
                LEFT JOIN procedure_alias a ON a.alias = e.procedure_name
                LEFT JOIN "procedure" d ON d.procedure_name = a.procedure_name
            ) x
            GROUP BY x.side, x.level, x.unit_code, x.field, x.procedure_name, x.procedure_code
        """,
        # Every open finding with its age: from the run that first saw it to the latest that did.
        "v_open_mismatch_age": f"""
            SELECT m.mismatch_id, m.mismatch_type, m.unit_code, m.dossier_code,
                   m.first_seen_run, m.last_seen_run,
                   f.started_at AS first_seen_at, l.started_at AS last_seen_at,
                   {_days_between("f.started_at", "l.started_at", dialect)} AS age_days,
                   (SELECT COUNT(*) FROM calendar_day c
                    WHERE c.is_working_day AND c.day > {_date_of("f.started_at", dialect)}
                      AND c.day <= {_date_of("l.started_at", dialect)}) AS age_working_days
            FROM mismatch m
            JOIN run f ON f.run_id = m.first_seen_run
            JOIN run l ON l.run_id = m.last_seen_run
            WHERE m.status = 'open'
        """,
        # Open findings per type and age band (days).
        "v_open_mismatches_by_age": """
            SELECT a.mismatch_type, a.age_band, a.band_order, COUNT(*) AS open_count,
                   MAX(a.age_days) AS max_age_days
            FROM (
                SELECT mismatch_type, age_days,
                       CASE WHEN age_days < 7 THEN '0-6' WHEN age_days < 30 THEN '7-29'
                            WHEN age_days < 90 THEN '30-89' ELSE '90+' END AS age_band,
                       CASE WHEN age_days < 7 THEN 1 WHEN age_days < 30 THEN 2
                            WHEN age_days < 90 THEN 3 ELSE 4 END AS band_order
                FROM v_open_mismatch_age
            ) a
            GROUP BY a.mismatch_type, a.age_band, a.band_order
        """,
    }


def _seed() -> None:
    """Procedures, fields and channels from the reference data shipped with the package."""
    from doisoat import reference

    procedures = reference.procedures()
    op.bulk_insert(
        sa.table("procedure", *(sa.column(c) for c in (
            "procedure_name", "procedure_code", "field", "processing_days", "level", "abbreviation", "source",
        ))),
        [
            {
                "procedure_name": r["procedure_name"], "procedure_code": r["procedure_code"] or None,
                "field": r["field"], "processing_days": int(r["processing_days"]),
                "level": r["level"] or None,
                "abbreviation": r["abbreviation"] or None, "source": r["source"] or None,
            }
            for r in procedures.to_dict("records")
        ],
    )
    per_field = procedures.groupby("field").size()
    op.bulk_insert(
        sa.table("field", sa.column("field"), sa.column("procedure_count")),
        [{"field": str(f), "procedure_count": int(n)} for f, n in per_field.items()],
    )
    op.bulk_insert(
        sa.table("channel", sa.column("channel"), sa.column("code"), sa.column("label_vi")),
        [{"channel": r["channel"], "code": r["code"], "label_vi": r["label_vi"]}
         for r in reference.channels().to_dict("records")],
    )


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for column in ("rows_loaded", "rows_quarantined"):
        op.add_column("input_file", sa.Column(column, sa.Integer(), nullable=True, autoincrement=False))
    op.create_table(
        "procedure",
        sa.Column("procedure_name", sa.Text(), nullable=False),
        sa.Column("procedure_code", sa.String(), nullable=True),
        sa.Column("field", sa.String(), nullable=True),
        sa.Column("processing_days", sa.Integer(), nullable=True, autoincrement=False),
        sa.Column("level", sa.String(), nullable=True),
        sa.Column("abbreviation", sa.String(), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("procedure_name", name=op.f("pk_procedure")),
    )
    op.create_table(
        "procedure_alias",
        sa.Column("alias", sa.Text(), nullable=False),
        sa.Column("procedure_name", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("alias", name=op.f("pk_procedure_alias")),
    )
    op.create_table(
        "field",
        sa.Column("field", sa.String(), nullable=False),
        sa.Column("procedure_count", sa.Integer(), nullable=True, autoincrement=False),
        sa.PrimaryKeyConstraint("field", name=op.f("pk_field")),
    )
    op.create_table(
        "channel",
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("code", sa.String(), nullable=True),
        sa.Column("label_vi", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("channel", name=op.f("pk_channel")),
    )
    op.create_table(
        "calendar_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False, autoincrement=False),
        sa.Column("month", sa.Integer(), nullable=False, autoincrement=False),
        sa.Column("iso_weekday", sa.Integer(), nullable=False, autoincrement=False),
        sa.Column("is_working_day", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_calendar_day")),
    )
    _seed()
    for name, body in views(dialect).items():
        op.execute(f"CREATE VIEW {name} AS {body.strip()}")


def downgrade() -> None:
    for name in reversed(list(views("any"))):
        op.execute(f"DROP VIEW {name}")
    for table in ("calendar_day", "channel", "field", "procedure_alias", "procedure"):
        op.drop_table(table)
    with op.batch_alter_table("input_file") as batch:
        batch.drop_column("rows_quarantined")
        batch.drop_column("rows_loaded")
