"""The breakdown's differences, on-time rates, sync rate and findings per type; each link's agreeing
fields; the analyst view of the breakdown's indicators.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22

`breakdown` gains the columns the engine's breakdown has besides the counts (issue #5: per field,
procedure, channel and month), `match` gains `agreed` ("code+applicant+procedure+date", the fields
that agreed). All are nullable: rows loaded before this revision keep NULL there, and the view
works their differences and rates out from their counts instead. Names are literal (frozen history).
Columns are added with ALTER TABLE ADD COLUMN on both engines (no table rebuild) and dropped with
ALTER TABLE DROP COLUMN (SQLite ≥ 3.35) after the view reading them is dropped.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MISMATCH_TYPES = (
    "missing_electronic", "missing_paper", "timeliness_conflict", "date_mismatch", "procedure_mismatch",
    "applicant_mismatch", "duplicate_paper", "duplicate_electronic", "invalid_record",
    "stated_timeliness_contradiction",
)
BREAKDOWN_COLUMNS: tuple[tuple[str, str], ...] = (  # (name, "int" or "float")
    ("received_difference", "int"),
    ("overdue_difference", "int"),
    ("paper_on_time_rate", "float"),
    ("electronic_on_time_rate", "float"),
    ("paper_matched", "int"),
    ("sync_rate", "float"),
    *((name, "int") for name in MISMATCH_TYPES),
)


def _share(part: str, whole: str) -> str:
    return f"CASE WHEN {whole} > 0 THEN CAST({part} AS DOUBLE PRECISION) / {whole} END"


VIEWS: dict[str, str] = {
    # The breakdown of the latest succeeded run with its indicators (issue #5, Decision 766
    # indicators 1.4 and 2.1 per field, procedure, channel and month); differences and rates of
    # rows stored before revision 0004 are worked out from their counts, as the engine does.
    "v_breakdown_indicators": f"""
        SELECT b.run_id, b.row_no, b.dimension, b.value, b.level, b.unit_code,
               b.paper_received, b.electronic_received,
               COALESCE(b.received_difference, b.electronic_received - b.paper_received)
                   AS received_difference,
               b.paper_overdue, b.electronic_overdue,
               COALESCE(b.overdue_difference, b.electronic_overdue - b.paper_overdue) AS overdue_difference,
               COALESCE(b.paper_on_time_rate,
                        {_share("b.paper_received - b.paper_overdue", "b.paper_received")})
                   AS paper_on_time_rate,
               COALESCE(b.electronic_on_time_rate,
                        {_share("b.electronic_received - b.electronic_overdue", "b.electronic_received")})
                   AS electronic_on_time_rate,
               b.paper_matched,
               COALESCE(b.sync_rate, {_share("b.paper_matched", "b.paper_received")}) AS sync_rate,
               {" + ".join(f"COALESCE(b.{t}, 0)" for t in MISMATCH_TYPES)} AS mismatches
        FROM breakdown b
        WHERE b.run_id = (SELECT r.run_id FROM run r WHERE r.status = 'succeeded'
                          ORDER BY r.started_at DESC, r.run_id DESC LIMIT 1)
    """,
}


def upgrade() -> None:
    for name, kind in BREAKDOWN_COLUMNS:
        type_: sa.types.TypeEngine[int] | sa.types.TypeEngine[float] = (
            sa.Integer() if kind == "int" else sa.Float()
        )
        op.add_column("breakdown", sa.Column(name, type_, nullable=True, autoincrement=False))
    op.add_column("match", sa.Column("agreed", sa.String(), nullable=True))
    for name, body in VIEWS.items():
        op.execute(f"CREATE VIEW {name} AS {body.strip()}")


def downgrade() -> None:
    for name in reversed(list(VIEWS)):
        op.execute(f"DROP VIEW {name}")
    op.drop_column("match", "agreed")
    for name, _ in reversed(BREAKDOWN_COLUMNS):
        op.drop_column("breakdown", name)
