"""Migrations: from empty to head on both engines, agreeing with the models and the view shapes; upgrades
and downgrades with data in the warehouse."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from doisoat import reference, schema
from doisoat.warehouse import FILE_COLUMNS, bulk, finish_run, migrate, read_table, start_run
from doisoat.warehouse.engine import open_engine
from doisoat.warehouse.migrate import alembic_config
from doisoat.warehouse.models import KEY_TEXT, TABLES, Base
from doisoat.warehouse.views import VIEWS

from .synthetic import DIMENSION_TABLES, base_delivery, load, run_record


def _head() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


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
    assert version == _head()


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


def _downgrade(url: str, revision: str) -> None:
    config = alembic_config()
    with open_engine(url) as engine, engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, revision)


def test_downgrade_to_base_then_upgrade_again(migrated_url: str) -> None:
    _downgrade(migrated_url, "base")
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


# --- upgrade 0001 → 0002 with data in it ---------------------------------------------------------

_OLD_INPUT_FILE_COLUMNS = ["run_id", "row_no", "side", "file", "sha256", "sheet", "rows_read", "status",
                           "reason", "load_action"]


def _load_at_0001(url: str) -> None:
    """A run loaded into a revision-0001 warehouse, written with the 0001 table shapes."""
    delivery = base_delivery(mismatch_ids=["m1", "m2", "m3"])
    frames = delivery.frames()
    run = run_record("r1")
    start_run(url, run)
    files = frames["files"][FILE_COLUMNS]  # the 0001 shape: no per-file loaded / quarantined counts
    files = files.assign(run_id="r1", row_no=range(len(files)), load_action="new")
    rows = {
        "office": frames["offices"],
        "input_file": files,
        "paper_record": frames["paper"].assign(loaded_run_id="r1"),
        "electronic_record": frames["electronic"].assign(loaded_run_id="r1"),
        "quarantine": frames["quarantine"].assign(run_id="r1"),
        "match": frames["matches"].assign(run_id="r1"),
        "mismatch": frames["mismatches"].assign(first_seen_run="r1", last_seen_run="r1", status="open"),
        "period_summary": frames["summary"].assign(run_id="r1", row_no=range(len(frames["summary"]))),
    }
    with open_engine(url) as engine, engine.begin() as conn:
        for name, frame in rows.items():
            bulk.bulk_insert(conn, TABLES[name], frame)
        conn.execute(sa.update(TABLES["run"]).values(delivery.counts()))
    finish_run(url, "r1", "succeeded")


def _old_input_files(url: str) -> pd.DataFrame:
    with open_engine(url) as engine, engine.connect() as conn:
        columns = ", ".join(_OLD_INPUT_FILE_COLUMNS)
        rows = conn.exec_driver_sql(f"SELECT {columns} FROM input_file ORDER BY row_no").all()
    return pd.DataFrame(rows, columns=_OLD_INPUT_FILE_COLUMNS)


def test_upgrade_from_0001_keeps_the_data(warehouse_url: str) -> None:
    migrate(warehouse_url, "0001")
    assert _inspect(warehouse_url)[2] == "0001"
    _load_at_0001(warehouse_url)
    kept = [t for t in TABLES if t not in ("input_file", *DIMENSION_TABLES)]
    before = {name: read_table(warehouse_url, name) for name in kept}
    files_before = _old_input_files(warehouse_url)

    migrate(warehouse_url)

    tables, views, version = _inspect(warehouse_url)
    assert version == _head() and tables == {*TABLES, "alembic_version"} and views == set(VIEWS)
    for name, frame in before.items():
        pd.testing.assert_frame_equal(read_table(warehouse_url, name), frame, obj=name)
    pd.testing.assert_frame_equal(_old_input_files(warehouse_url), files_before)
    files = read_table(warehouse_url, "input_file")
    assert files[schema.FILE_ROWS_LOADED].isna().all() and files[schema.FILE_ROWS_QUARANTINED].isna().all()
    # the reference dimensions are seeded by the revision itself
    assert len(read_table(warehouse_url, "procedure")) == len(reference.procedures())
    assert read_table(warehouse_url, "channel")["channel"].tolist() == sorted(schema.CHANNELS)
    # the old data feeds the new views at once
    age = read_table(warehouse_url, "v_open_mismatch_age")
    assert age["mismatch_id"].tolist() == ["m1", "m2", "m3"] and (age["age_days"] == 0).all()
    overdue = read_table(warehouse_url, "v_overdue_by_field_procedure")
    assert overdue.groupby("side")["received"].sum().to_dict() == {"electronic": 5, "paper": 7}

    # and the next run on the upgraded warehouse sees the old files as already loaded
    stats = load(warehouse_url, "r2", base_delivery(mismatch_ids=["m2", "m3"]), minute=5)
    assert set(stats.file_actions.values()) == {"unchanged"}
    assert len(read_table(warehouse_url, "paper_record")) == 7
    mismatch = read_table(warehouse_url, "mismatch").set_index("mismatch_id")
    assert mismatch["status"].to_dict() == {"m1": "resolved", "m2": "open", "m3": "open"}
    assert mismatch.loc["m2", "first_seen_run"] == "r1"


def test_downgrade_0002_to_0001_keeps_the_data(migrated_url: str) -> None:
    load(migrated_url, "r1", base_delivery())
    paper = read_table(migrated_url, "paper_record")
    files = _old_input_files(migrated_url)
    _downgrade(migrated_url, "0001")
    tables, views, version = _inspect(migrated_url)
    assert version == "0001"
    assert not tables & set(DIMENSION_TABLES)
    assert views == {"v_period_summary", "v_open_mismatches_by_type", "v_on_time_rate", "v_sync_rate"}
    pd.testing.assert_frame_equal(read_table(migrated_url, "paper_record"), paper)
    pd.testing.assert_frame_equal(_old_input_files(migrated_url), files)


# --- 0003: byte-order collation on the key columns (PostgreSQL) ----------------------------------

def _byte_order_columns(url: str) -> set[tuple[str, str]]:
    """(table, column) of the table columns declared with a "C" collation in the database."""
    with open_engine(url) as engine, engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            ddl = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table'").scalars().all()
            assert not [d for d in ddl if "COLLATE" in d.upper()]  # SQLite's BINARY is byte order already
            return set()
        rows = conn.exec_driver_sql(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND collation_name = 'C'"
        ).all()
    return {(t, c) for t, c in rows if t in TABLES}  # views' columns inherit their tables' collation


def _key_columns(dialect: str) -> set[tuple[str, str]]:
    """What the models declare: KEY_TEXT columns, byte-order on PostgreSQL only."""
    if dialect == "sqlite":
        return set()
    return {(t.name, c.name) for t in TABLES.values() for c in t.columns if c.type is KEY_TEXT}


def _dialect(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgresql"


def test_key_columns_sort_bytewise(migrated_url: str) -> None:
    expected = _key_columns(_dialect(migrated_url))
    assert _byte_order_columns(migrated_url) == expected
    if expected:
        assert {("paper_record", "ref"), ("match", "paper_ref"), ("office", "code")} <= expected


def _everything(url: str) -> dict[str, pd.DataFrame]:
    return {name: read_table(url, name) for name in (*TABLES, *VIEWS)}


def test_upgrade_from_0002_keeps_the_data_and_the_views(warehouse_url: str) -> None:
    migrate(warehouse_url, "0002")
    load(warehouse_url, "r1", base_delivery(mismatch_ids=["m1", "m2", "m3"]))
    assert _byte_order_columns(warehouse_url) == set()
    before = _everything(warehouse_url)

    migrate(warehouse_url)

    tables, views, version = _inspect(warehouse_url)
    assert version == _head() == "0003" and tables == {*TABLES, "alembic_version"} and views == set(VIEWS)
    assert _byte_order_columns(warehouse_url) == _key_columns(_dialect(warehouse_url))
    for name, frame in before.items():
        pd.testing.assert_frame_equal(read_table(warehouse_url, name), frame, obj=name)
    # the views still read their tables: a second run shows up in them
    stats = load(warehouse_url, "r2", base_delivery(mismatch_ids=["m2", "m3"]), minute=5)
    assert set(stats.file_actions.values()) == {"unchanged"}
    age = read_table(warehouse_url, "v_open_mismatch_age")
    assert age["mismatch_id"].tolist() == ["m2", "m3"] and (age["age_days"] == 0).all()


def test_downgrade_0003_to_0002_keeps_the_data_and_the_views(migrated_url: str) -> None:
    load(migrated_url, "r1", base_delivery(mismatch_ids=["m1", "m2"]))
    before = _everything(migrated_url)
    _downgrade(migrated_url, "0002")
    tables, views, version = _inspect(migrated_url)
    assert version == "0002" and tables == {*TABLES, "alembic_version"} and views == set(VIEWS)
    assert _byte_order_columns(migrated_url) == set()
    for name, frame in before.items():
        pd.testing.assert_frame_equal(read_table(migrated_url, name), frame, obj=name)
