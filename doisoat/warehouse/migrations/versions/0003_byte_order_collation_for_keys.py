"""Codes, refs, file names and hashes in the byte-order ("C") collation on PostgreSQL.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22

These are the columns the indexes sort and the loads rebuild. Under "C" PostgreSQL compares them
with memcmp and abbreviated sort keys instead of the libc locale's strcoll, which makes index builds
about twice as fast; equality is unchanged (byte equality under every deterministic collation) and so
is the order under a C.UTF-8 database (code point order), while under a language locale ORDER BY on
these columns becomes byte order. PostgreSQL refuses to change a column a view reads, so the views
are dropped and recreated from their own stored definitions (`pg_get_viewdef`). SQLite compares text
bytewise already (BINARY): nothing to do there. Names are literal (frozen history).
"""

from __future__ import annotations

from collections.abc import Sequence
from graphlib import TopologicalSorter

from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_RECORD_KEYS = ("ref", "source_file", "source_sha256", "unit_code", "dossier_code")
COLUMNS: dict[str, tuple[str, ...]] = {
    "office": ("code", "parent"),
    "input_file": ("file", "sha256"),
    "paper_record": _RECORD_KEYS,
    "electronic_record": _RECORD_KEYS,
    "quarantine": _RECORD_KEYS,
    "match": ("paper_ref", "electronic_ref", "unit_code", "dossier_code"),
    "mismatch": ("mismatch_id", "unit_code", "dossier_code", "paper_ref", "electronic_ref"),
    "period_summary": ("unit_code",),
    "breakdown": ("unit_code",),
}


def _views_in_dependency_order() -> list[tuple[str, str]]:
    """(name, definition) of every view of the current schema, each after the views it reads."""
    bind = op.get_bind()
    definitions: dict[str, str] = dict(bind.exec_driver_sql(
        "SELECT c.relname, pg_get_viewdef(c.oid) FROM pg_class c "
        "WHERE c.relkind = 'v' AND c.relnamespace = current_schema()::regnamespace"
    ).all())
    uses = bind.exec_driver_sql(
        "SELECT DISTINCT v.relname, r.relname FROM pg_rewrite w "
        "JOIN pg_class v ON v.oid = w.ev_class "
        "JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = w.oid "
        "JOIN pg_class r ON r.oid = d.refobjid AND r.relkind = 'v' AND r.oid <> v.oid "
        "WHERE v.relnamespace = current_schema()::regnamespace"
    ).all()
    graph: dict[str, set[str]] = {name: set() for name in definitions}
    for view, used in uses:
        graph[view].add(used)
    return [(name, definitions[name]) for name in TopologicalSorter(graph).static_order()]


def _set_collation(collation: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    views = _views_in_dependency_order()
    for name, _ in reversed(views):
        op.execute(f'DROP VIEW "{name}"')
    for table, columns in COLUMNS.items():
        changes = ", ".join(f'ALTER COLUMN "{c}" TYPE VARCHAR COLLATE "{collation}"' for c in columns)
        op.execute(f'ALTER TABLE "{table}" {changes}')
    for name, definition in views:
        op.execute(f'CREATE VIEW "{name}" AS {definition}')


def upgrade() -> None:
    _set_collation("C")


def downgrade() -> None:
    _set_collation("default")
