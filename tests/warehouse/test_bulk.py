"""Bulk writes: chunking, PostgreSQL's index rebuild for big loads, awkward text, on both engines."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

from doisoat import schema
from doisoat.errors import WarehouseError
from doisoat.warehouse import bulk, load_run, read_table, start_run
from doisoat.warehouse.engine import open_engine

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
