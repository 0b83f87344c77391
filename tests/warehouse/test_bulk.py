"""Bulk writes: chunking, PostgreSQL's index rebuild for big loads, awkward text, every SQL type through
binary COPY, on both engines."""

from __future__ import annotations

import datetime as dt
import struct

import pandas as pd
import pytest
import sqlalchemy as sa

from doisoat import schema
from doisoat.errors import WarehouseError
from doisoat.warehouse import bulk, load_run, read_table, start_run
from doisoat.warehouse.engine import open_engine
from doisoat.warehouse.models import TABLES

from .synthetic import base_delivery, load, run_record


def _sorted(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    return frame.sort_values(key).reset_index(drop=True)


def test_chunked_bulk_writes(migrated_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "CHUNK_ROWS", 2)
    monkeypatch.setattr(bulk, "COPY_CHUNK_ROWS", 2)  # PostgreSQL: encoding of 2 rows overlaps sending
    frames = base_delivery().frames()
    load(migrated_url, "r1", base_delivery())
    paper = read_table(migrated_url, "paper_record")[schema.PAPER_COLUMNS]
    pd.testing.assert_frame_equal(_sorted(paper, schema.REF), _sorted(frames["paper"], schema.REF),
                                  check_dtype=False)
    assert len(read_table(migrated_url, "electronic_record")) == 5


def test_big_loads_rebuild_the_indexes(migrated_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Above INDEX_REBUILD_MIN_ROWS (PostgreSQL) indexes and keys are dropped and rebuilt in the load's
    transaction: afterwards they exist and hold, and a failed load leaves them in place too."""
    monkeypatch.setattr(bulk, "INDEX_REBUILD_MIN_ROWS", 1)

    def schema_objects() -> tuple[set[str], list[str], list[str]]:
        with open_engine(migrated_url) as engine, engine.connect() as conn:
            inspector = sa.inspect(conn)
            return ({i["name"] for i in inspector.get_indexes("paper_record")},
                    inspector.get_pk_constraint("paper_record")["constrained_columns"],
                    [fk["name"] for fk in inspector.get_foreign_keys("paper_record")])

    expected = schema_objects()
    frames = base_delivery().frames()
    frames["paper"].loc[6, schema.REF] = frames["paper"].loc[0, schema.REF]  # the rebuilt key refuses it
    run = run_record("r1")
    start_run(migrated_url, run)
    with pytest.raises(WarehouseError, match="load run r1"):
        load_run(migrated_url, run, **frames)
    assert schema_objects() == expected  # the drop was rolled back with the rest
    assert read_table(migrated_url, "paper_record").empty

    load(migrated_url, "r2", base_delivery(), minute=5)
    assert schema_objects() == expected
    assert len(read_table(migrated_url, "paper_record")) == 7


@pytest.mark.parametrize("backslash_n", [False, True], ids=["plain", "backslash-n"])
def test_awkward_text_survives(migrated_url: str, backslash_n: bool) -> None:
    frames = base_delivery().frames()
    awkward = ["", 'a "quoted", text', "line 1\r\nline 2", "tab\there", "§¨ng ký", "C:\\dir\\N"]
    if backslash_n:
        awkward.append("\\N")
    frames["paper"].loc[: len(awkward) - 1, schema.NOTE] = awkward
    run = run_record("r1")
    start_run(migrated_url, run)
    load_run(migrated_url, run, **frames)
    notes = read_table(migrated_url, "paper_record").set_index(schema.REF)[schema.NOTE]
    expected = frames["paper"].set_index(schema.REF)[schema.NOTE]
    assert notes.loc[expected.index[: len(awkward)]].tolist() == awkward


# --- every SQL type through PostgreSQL's binary COPY (and SQLite's executemany) -------------------

_TYPED = sa.Table(
    "typed_values", sa.MetaData(),
    sa.Column("k", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("small", sa.SmallInteger), sa.Column("big", sa.BigInteger), sa.Column("rate", sa.Float),
    sa.Column("day", sa.Date), sa.Column("stamp", sa.DateTime), sa.Column("flag", sa.Boolean),
    sa.Column("code", sa.String), sa.Column("body", sa.Text),
)


def _typed_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "k": [-2_147_483_648, 0, 7, 2_147_483_647],
        "small": pd.array([-32_768, None, 32_767, 1], dtype="Int64"),
        "big": pd.array([-(2**63), 2**63 - 1, None, 0], dtype="Int64"),
        "rate": [0.1, float("nan"), -1.5e300, float("inf")],
        "day": pd.to_datetime(["1899-12-31", "2000-01-01", None, "2038-01-20"]),
        "stamp": pd.to_datetime(["1969-07-20 20:17:40.123456", "2000-01-01 00:00:00.000000", None,
                                 "2019-03-27 12:57:00.000001"]),
        "flag": pd.array([True, False, None, True], dtype="boolean"),
        "code": ["", None, "000.17.22.H56-190101-0001", "Sổ 2019"],
        "body": ['{"Mã hồ sơ": "x", "Ghi chú": ""}', "tab\there\r\nline", None, "\\N"],
    })


def test_every_sql_type_round_trips(warehouse_url: str) -> None:
    """Values at the edges of each type (negative epochs, microseconds, extreme integers, NULL in
    every column, empty text) come back as given; NaN is NULL like every other missing value."""
    frame = _typed_frame()
    with open_engine(warehouse_url) as engine, engine.begin() as conn:
        _TYPED.create(conn)
        assert bulk.bulk_insert(conn, _TYPED, frame) == 4
        rows = conn.execute(sa.select(_TYPED).order_by(_TYPED.c.k)).all()
    stored = dict(zip(frame.columns, (list(values) for values in zip(*rows, strict=True)), strict=True))
    expected = {c: [None if pd.isna(v) else v for v in frame[c]] for c in frame.columns}
    expected["rate"] = [0.1, None, -1.5e300, float("inf")]
    expected["day"] = [dt.date(1899, 12, 31), dt.date(2000, 1, 1), None, dt.date(2038, 1, 20)]
    expected["stamp"] = [
        dt.datetime(1969, 7, 20, 20, 17, 40, 123456), dt.datetime(2000, 1, 1), None,
        dt.datetime(2019, 3, 27, 12, 57, 0, 1),
    ]
    stored["flag"] = [None if v is None else bool(v) for v in stored["flag"]]  # SQLite: 0 / 1
    for column in frame.columns:
        assert stored[column] == expected[column], column


def test_binary_copy_encodes_every_warehouse_column() -> None:
    """Each table's columns have a binary COPY encoding: a row of NULLs encodes to a field count and
    one -1 length per column."""
    for table in TABLES.values():
        frame = pd.DataFrame({c.name: [None] for c in table.columns})
        encoded = bytes(bulk._binary_chunk(frame, table))
        count = len(table.columns)
        assert encoded == struct.pack("!h", count) + struct.pack("!i", -1) * count, table.name


@pytest.mark.parametrize(("column", "value"), [("k", 2**31), ("small", -(2**15) - 1)])
def test_binary_copy_refuses_integers_out_of_range(column: str, value: int) -> None:
    frame = _typed_frame().assign(**{column: value})
    with pytest.raises(WarehouseError, match=f"typed_values.{column}.*out of range"):
        bulk._binary_chunk(frame, _TYPED)

