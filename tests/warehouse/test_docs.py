"""docs/warehouse.md: every example query runs on both engines; every table, view and column is described."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from doisoat.warehouse.engine import open_engine
from doisoat.warehouse.models import TABLES
from doisoat.warehouse.views import VIEWS

from .synthetic import base_delivery, load

DOC = Path(__file__).resolve().parents[2] / "docs" / "warehouse.md"


def _doc() -> str:
    return DOC.read_text(encoding="utf-8")


def _sql_blocks() -> list[str]:
    return [b.strip().rstrip(";") for b in re.findall(r"```sql\n(.*?)```", _doc(), flags=re.DOTALL)]


def _section(name: str) -> str:
    match = re.search(rf"^### `{name}`\n(.*?)(?=^##)", _doc() + "\n##", flags=re.DOTALL | re.MULTILINE)
    assert match is not None, f"docs/warehouse.md has no section for {name}"
    return match.group(1)


def test_there_are_at_least_ten_example_queries() -> None:
    assert len(_sql_blocks()) >= 10


@pytest.mark.parametrize("name", [*TABLES, *VIEWS])
def test_every_column_is_described(name: str) -> None:
    section = _section(name)
    table = TABLES.get(name, VIEWS.get(name))
    assert table is not None
    missing = [c.name for c in table.columns if f"`{c.name}`" not in section]
    assert missing == [], f"{name}: columns not described: {missing}"


def test_every_example_query_runs_and_returns_rows(migrated_url: str) -> None:
    load(migrated_url, "r1", base_delivery(mismatch_ids=["m1", "m2", "m3"]))
    load(migrated_url, "r2", base_delivery(mismatch_ids=["m2", "m3", "m4"]), minute=5)
    failures = []
    with open_engine(migrated_url, write=False) as engine, engine.connect() as conn:
        for block in _sql_blocks():
            try:
                with conn.begin_nested():
                    rows = conn.exec_driver_sql(block).all()
            except sa.exc.DBAPIError as error:
                failures.append(f"failed on {conn.dialect.name}: {error}\n{block}")
                continue
            if not rows:
                failures.append(f"returned nothing on {conn.dialect.name}:\n{block}")
    assert failures == []
