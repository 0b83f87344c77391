"""Migrations: from empty to head on both engines, agreeing with the models and the view shapes."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from doisoat import schema
from doisoat.warehouse import migrate
from doisoat.warehouse.engine import open_engine
from doisoat.warehouse.migrate import alembic_config
from doisoat.warehouse.models import TABLES, Base
from doisoat.warehouse.views import VIEWS


def _inspect(url: str) -> tuple[set[str], set[str], str | None]:
    with open_engine(url) as engine, engine.connect() as conn:
        inspector = sa.inspect(conn)
        version = MigrationContext.configure(conn).get_current_revision()
        return set(inspector.get_table_names()), set(inspector.get_view_names()), version


def test_migrate_from_empty_creates_every_table_and_view(warehouse_url: str) -> None:
    assert _inspect(warehouse_url)[0] == set()
    migrate(warehouse_url)
    tables, views, version = _inspect(warehouse_url)
    assert tables == {*TABLES, "alembic_version"}
    assert views == set(VIEWS)
    assert version == ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_migrate_twice_is_a_no_op(migrated_url: str) -> None:
    before = _inspect(migrated_url)
    migrate(migrated_url)
    assert _inspect(migrated_url) == before


def test_models_agree_with_the_migrated_database(migrated_url: str) -> None:
    def only_tables(obj: object, name: str | None, type_: str, reflected: bool, other: object) -> bool:
        return name != "alembic_version"

    with open_engine(migrated_url) as engine, engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": only_tables}
        )
        assert compare_metadata(context, Base.metadata) == []


def test_view_shapes_match_the_views(migrated_url: str) -> None:
    with open_engine(migrated_url) as engine, engine.connect() as conn:
        inspector = sa.inspect(conn)
        for name, view in VIEWS.items():
            assert [c["name"] for c in inspector.get_columns(name)] == [c.name for c in view.columns], name


def test_downgrade_to_base_then_upgrade_again(migrated_url: str) -> None:
    config = alembic_config()
    with open_engine(migrated_url) as engine, engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "base")
    assert _inspect(migrated_url)[:2] == ({"alembic_version"}, set())
    migrate(migrated_url)
    assert _inspect(migrated_url)[1] == set(VIEWS)


def test_tables_carry_the_schema_columns_in_order() -> None:
    def names(table: str) -> list[str]:
        return [c.name for c in TABLES[table].columns]

    assert names("paper_record") == [*schema.PAPER_COLUMNS, "loaded_run_id"]
    assert names("electronic_record") == [*schema.ELECTRONIC_COLUMNS, "loaded_run_id"]
    assert names("quarantine") == [*schema.QUARANTINE_COLUMNS, "run_id"]
    assert names("match") == [*schema.MATCH_COLUMNS, schema.UNIT_CODE, schema.DOSSIER_CODE, "run_id"]
    assert names("mismatch") == [*schema.MISMATCH_COLUMNS, "first_seen_run", "last_seen_run", "status"]
    assert names("period_summary") == ["run_id", "row_no", *schema.SUMMARY_COLUMNS]
    assert names("breakdown") == ["run_id", "row_no", *schema.BREAKDOWN_COLUMNS]
    assert names("office")[: len(schema.OFFICE_COLUMNS)] == schema.OFFICE_COLUMNS


def test_not_null_only_on_keys_and_types() -> None:
    required = {t.name: sorted(c.name for c in t.columns if not c.nullable) for t in TABLES.values()}
    assert required["paper_record"] == ["loaded_run_id", "ref", "source_file", "source_sha256"]
    assert required["mismatch"] == [
        "first_seen_run", "last_seen_run", "mismatch_id", "mismatch_type", "status",
    ]
    assert required["period_summary"] == ["row_no", "run_id"]
