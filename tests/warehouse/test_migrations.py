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
from doisoat.reconcile.evidence import agreed_text
from doisoat.warehouse import bulk, finish_run, migrate, read_table, start_run
from doisoat.warehouse.engine import open_engine
from doisoat.warehouse.migrate import alembic_config
from doisoat.warehouse.models import KEY_TEXT, TABLES, Base
from doisoat.warehouse.read import _typed
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


def _stored_columns(url: str, table: str) -> set[str]:
    with open_engine(url) as engine, engine.connect() as conn:
        return {c["name"] for c in sa.inspect(conn).get_columns(table)}


def _load_as_stored(url: str) -> None:
    """A run loaded into a warehouse at an older revision, each frame cut to the columns its table
    has there (e.g. no per-file loaded / quarantined counts at 0001, no link explanation or
    breakdown indicators before 0004); the dimensions are left as the revisions seeded them."""
    delivery = base_delivery(mismatch_ids=["m1", "m2", "m3"])
    frames = delivery.frames()
    run = run_record("r1")
    start_run(url, run)
    files = frames["files"].assign(run_id="r1", row_no=range(len(frames["files"])), load_action="new")
    matches = frames["matches"].assign(run_id="r1")
    matches[schema.AGREED] = agreed_text(matches[schema.AGREED]).astype("str")
    rows = {
        "office": frames["offices"],
        "input_file": files,
        "paper_record": frames["paper"].assign(loaded_run_id="r1"),
        "electronic_record": frames["electronic"].assign(loaded_run_id="r1"),
        "quarantine": frames["quarantine"].assign(run_id="r1"),
        "match": matches,
        "mismatch": frames["mismatches"].assign(first_seen_run="r1", last_seen_run="r1", status="open"),
        "period_summary": frames["summary"].assign(run_id="r1", row_no=range(len(frames["summary"]))),
        "breakdown": frames["breakdown"].assign(run_id="r1", row_no=range(len(frames["breakdown"]))),
    }
    stored = {name: _stored_columns(url, name) for name in rows}
    with open_engine(url) as engine, engine.begin() as conn:
        for name, frame in rows.items():
            bulk.bulk_insert(conn, TABLES[name], frame[[c for c in frame.columns if c in stored[name]]])
        conn.execute(sa.update(TABLES["run"]).values(delivery.counts()))
    finish_run(url, "r1", "succeeded")


def _read_stored(url: str, name: str) -> pd.DataFrame:
    """read_table of a table at an older revision: the model's columns the table has there."""
    table = TABLES[name]
    stored = _stored_columns(url, name)
    columns = [c for c in table.columns if c.name in stored]
    with open_engine(url) as engine, engine.connect() as conn:
        rows = conn.execute(sa.select(*columns).order_by(*table.primary_key.columns)).all()
    frame = pd.DataFrame.from_records(rows, columns=[c.name for c in columns])
    return pd.DataFrame({c.name: _typed(frame[c.name], c.type) for c in columns}, columns=list(frame.columns))


def _everything_stored(url: str) -> dict[str, pd.DataFrame]:
    """Every table (as stored) and every view the warehouse has at its revision."""
    views = _inspect(url)[1]
    return {**{name: _read_stored(url, name) for name in TABLES},
            **{name: read_table(url, name) for name in VIEWS if name in views}}


def _same_as_before(url: str, before: dict[str, pd.DataFrame]) -> None:
    """Each table and view still holds what it held, in the columns it had."""
    for name, frame in before.items():
        now = _read_stored(url, name) if name in TABLES else read_table(url, name)
        pd.testing.assert_frame_equal(now[list(frame.columns)], frame, obj=name)


def _old_input_files(url: str) -> pd.DataFrame:
    with open_engine(url) as engine, engine.connect() as conn:
        columns = ", ".join(_OLD_INPUT_FILE_COLUMNS)
        rows = conn.exec_driver_sql(f"SELECT {columns} FROM input_file ORDER BY row_no").all()
    return pd.DataFrame(rows, columns=_OLD_INPUT_FILE_COLUMNS)


def test_upgrade_from_0001_keeps_the_data(warehouse_url: str) -> None:
    migrate(warehouse_url, "0001")
    assert _inspect(warehouse_url)[2] == "0001"
    _load_as_stored(warehouse_url)
    kept = [t for t in TABLES if t not in ("input_file", *DIMENSION_TABLES)]
    before = {name: _read_stored(warehouse_url, name) for name in kept}
    files_before = _old_input_files(warehouse_url)

    migrate(warehouse_url)

    tables, views, version = _inspect(warehouse_url)
    assert version == _head() and tables == {*TABLES, "alembic_version"} and views == set(VIEWS)
    _same_as_before(warehouse_url, before)
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


def test_upgrade_from_0002_keeps_the_data_and_the_views(warehouse_url: str) -> None:
    migrate(warehouse_url, "0002")
    _load_as_stored(warehouse_url)
    assert _byte_order_columns(warehouse_url) == set()
    before = _everything_stored(warehouse_url)

    migrate(warehouse_url)

    tables, views, version = _inspect(warehouse_url)
    assert version == _head() == "0004" and tables == {*TABLES, "alembic_version"} and views == set(VIEWS)
    assert _byte_order_columns(warehouse_url) == _key_columns(_dialect(warehouse_url))
    _same_as_before(warehouse_url, before)
    # the views still read their tables: a second run shows up in them
    stats = load(warehouse_url, "r2", base_delivery(mismatch_ids=["m2", "m3"]), minute=5)
    assert set(stats.file_actions.values()) == {"unchanged"}
    age = read_table(warehouse_url, "v_open_mismatch_age")
    assert age["mismatch_id"].tolist() == ["m2", "m3"] and (age["age_days"] == 0).all()


def test_downgrade_0003_to_0002_keeps_the_data_and_the_views(migrated_url: str) -> None:
    load(migrated_url, "r1", base_delivery(mismatch_ids=["m1", "m2"]))
    before = _everything_stored(migrated_url)
    _downgrade(migrated_url, "0002")
    tables, views, version = _inspect(migrated_url)
    assert version == "0002" and tables == {*TABLES, "alembic_version"}
    assert views == set(VIEWS) - {"v_breakdown_indicators"}
    assert _byte_order_columns(migrated_url) == set()
    kept = {name: frame for name, frame in before.items() if name in tables | views}
    for name, frame in kept.items():
        stored = _read_stored(migrated_url, name) if name in TABLES else read_table(migrated_url, name)
        pd.testing.assert_frame_equal(stored, frame[list(stored.columns)], obj=name)


# --- 0004: breakdown indicators and link explanations --------------------------------------------

_NEW_BREAKDOWN_COLUMNS = schema.BREAKDOWN_COLUMNS[8:]


def test_upgrade_from_0003_keeps_the_data_and_the_view_works_out_the_old_rows(warehouse_url: str) -> None:
    migrate(warehouse_url, "0003")
    _load_as_stored(warehouse_url)
    assert not set(_NEW_BREAKDOWN_COLUMNS) & _stored_columns(warehouse_url, "breakdown")
    before = _everything_stored(warehouse_url)

    migrate(warehouse_url)

    assert _inspect(warehouse_url)[1] == set(VIEWS)
    _same_as_before(warehouse_url, before)
    breakdown = read_table(warehouse_url, "breakdown")
    assert breakdown[_NEW_BREAKDOWN_COLUMNS].isna().all().all()  # not loaded yet: NULL
    assert read_table(warehouse_url, "match")[schema.AGREED].isna().all()
    # the view works the differences and rates of the old rows out from their counts, as the engine
    view = read_table(warehouse_url, "v_breakdown_indicators")
    engine = base_delivery(mismatch_ids=["m1", "m2", "m3"]).frames()["breakdown"]
    derived = [schema.RECEIVED_DIFFERENCE, schema.OVERDUE_DIFFERENCE, schema.PAPER_ON_TIME_RATE,
               schema.ELECTRONIC_ON_TIME_RATE]
    pd.testing.assert_frame_equal(view[derived], engine[derived], check_dtype=False)
    assert view[schema.SYNC_RATE].isna().all()  # paper_matched was not stored before 0004
    assert (view["mismatches"] == 0).all()

    load(warehouse_url, "r2", base_delivery(mismatch_ids=["m2", "m3"]), minute=5)
    assert read_table(warehouse_url, "breakdown")[schema.PAPER_MATCHED].notna().all()
    assert read_table(warehouse_url, "match")[schema.AGREED].notna().all()


def test_downgrade_0004_to_0003_keeps_the_data_and_upgrades_again(migrated_url: str) -> None:
    load(migrated_url, "r1", base_delivery(mismatch_ids=["m1", "m2"]))
    before = _everything_stored(migrated_url)
    _downgrade(migrated_url, "0003")
    _, views, version = _inspect(migrated_url)
    assert version == "0003" and views == set(VIEWS) - {"v_breakdown_indicators"}
    assert not set(_NEW_BREAKDOWN_COLUMNS) & _stored_columns(migrated_url, "breakdown")
    assert schema.AGREED not in _stored_columns(migrated_url, "match")
    for name in ("breakdown", "match", "paper_record", "mismatch"):
        stored = _read_stored(migrated_url, name)
        pd.testing.assert_frame_equal(stored, before[name][list(stored.columns)], obj=name)
    migrate(migrated_url)
    assert _inspect(migrated_url)[1:] == (set(VIEWS), "0004")
