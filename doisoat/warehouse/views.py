"""The shapes (columns and SQL types) of the analyst views, for typed reads.

The views themselves are created by the migrations (portable SQL); these `Table` objects live in a
MetaData of their own so that `create_all` and autogenerate never treat them as tables. A test checks
that each declared shape matches the view in the database.
"""

from __future__ import annotations

from typing import Any, Final

import sqlalchemy as sa

view_metadata: Final = sa.MetaData()


def _view(name: str, *columns: sa.Column[Any]) -> sa.Table:
    return sa.Table(name, view_metadata, *columns, info={"is_view": True})


def _summary_head() -> list[sa.Column[Any]]:
    return [
        sa.Column("run_id", sa.String()), sa.Column("row_no", sa.Integer()),
        sa.Column("level", sa.String()), sa.Column("unit_code", sa.String()),
        sa.Column("unit_name", sa.String()),
        sa.Column("period_start", sa.Date()), sa.Column("period_end", sa.Date()),
    ]


V_PERIOD_SUMMARY: Final = _view(
    "v_period_summary",
    *_summary_head(),
    *(sa.Column(c, sa.Integer()) for c in (
        "paper_received", "electronic_received", "received_difference",
        "paper_overdue", "electronic_overdue", "overdue_difference",
    )),
    sa.Column("paper_on_time_rate", sa.Float()), sa.Column("electronic_on_time_rate", sa.Float()),
)
V_OPEN_MISMATCHES_BY_TYPE: Final = _view(
    "v_open_mismatches_by_type",
    sa.Column("mismatch_type", sa.String()), sa.Column("unit_code", sa.String()),
    sa.Column("open_count", sa.Integer()), sa.Column("oldest_first_seen_at", sa.DateTime()),
)
V_ON_TIME_RATE: Final = _view(
    "v_on_time_rate",
    *_summary_head(),
    sa.Column("side", sa.String()), sa.Column("received", sa.Integer()),
    sa.Column("overdue", sa.Integer()), sa.Column("on_time_rate", sa.Float()),
)
V_SYNC_RATE: Final = _view(
    "v_sync_rate",
    sa.Column("unit_code", sa.String()), sa.Column("unit_name", sa.String()), sa.Column("level", sa.String()),
    sa.Column("paper_records", sa.Integer()), sa.Column("matched_paper_records", sa.Integer()),
    sa.Column("sync_rate", sa.Float()),
)
V_OVERDUE_BY_FIELD_PROCEDURE: Final = _view(
    "v_overdue_by_field_procedure",
    sa.Column("side", sa.String()), sa.Column("level", sa.String()), sa.Column("unit_code", sa.String()),
    sa.Column("field", sa.String()), sa.Column("procedure_name", sa.String()),
    sa.Column("procedure_code", sa.String()),
    sa.Column("received", sa.Integer()), sa.Column("overdue", sa.Integer()),
)
V_OPEN_MISMATCH_AGE: Final = _view(
    "v_open_mismatch_age",
    sa.Column("mismatch_id", sa.String()), sa.Column("mismatch_type", sa.String()),
    sa.Column("unit_code", sa.String()), sa.Column("dossier_code", sa.String()),
    sa.Column("first_seen_run", sa.String()), sa.Column("last_seen_run", sa.String()),
    sa.Column("first_seen_at", sa.DateTime()), sa.Column("last_seen_at", sa.DateTime()),
    sa.Column("age_days", sa.Integer()), sa.Column("age_working_days", sa.Integer()),
)
V_OPEN_MISMATCHES_BY_AGE: Final = _view(
    "v_open_mismatches_by_age",
    sa.Column("mismatch_type", sa.String()), sa.Column("age_band", sa.String()),
    sa.Column("band_order", sa.Integer()), sa.Column("open_count", sa.Integer()),
    sa.Column("max_age_days", sa.Integer()),
)
V_BREAKDOWN_INDICATORS: Final = _view(
    "v_breakdown_indicators",
    sa.Column("run_id", sa.String()), sa.Column("row_no", sa.Integer()),
    sa.Column("dimension", sa.String()), sa.Column("value", sa.String()),
    sa.Column("level", sa.String()), sa.Column("unit_code", sa.String()),
    sa.Column("paper_received", sa.Integer()), sa.Column("electronic_received", sa.Integer()),
    sa.Column("received_difference", sa.Integer()),
    sa.Column("paper_overdue", sa.Integer()), sa.Column("electronic_overdue", sa.Integer()),
    sa.Column("overdue_difference", sa.Integer()),
    sa.Column("paper_on_time_rate", sa.Float()), sa.Column("electronic_on_time_rate", sa.Float()),
    sa.Column("paper_matched", sa.Integer()), sa.Column("sync_rate", sa.Float()),
    sa.Column("mismatches", sa.Integer()),
)

# Row order read_table gives each view.
VIEW_ORDER: Final[dict[str, list[str]]] = {
    V_PERIOD_SUMMARY.name: ["row_no"],
    V_OPEN_MISMATCHES_BY_TYPE.name: ["mismatch_type", "unit_code"],
    V_ON_TIME_RATE.name: ["row_no", "side"],
    V_SYNC_RATE.name: ["unit_code"],
    V_OVERDUE_BY_FIELD_PROCEDURE.name: ["side", "level", "unit_code", "field", "procedure_name"],
    V_OPEN_MISMATCH_AGE.name: ["mismatch_id"],
    V_OPEN_MISMATCHES_BY_AGE.name: ["mismatch_type", "band_order"],
    V_BREAKDOWN_INDICATORS.name: ["row_no"],
}
VIEWS: Final[dict[str, sa.Table]] = dict(view_metadata.tables)
