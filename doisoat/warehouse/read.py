"""Read a warehouse table or view into a DataFrame typed the same way on every engine."""

from __future__ import annotations

from typing import Any

import pandas as pd
import sqlalchemy as sa

from doisoat.errors import WarehouseError
from doisoat.warehouse.engine import open_engine, translated_errors
from doisoat.warehouse.models import TABLES
from doisoat.warehouse.views import VIEW_ORDER, VIEWS


def _typed(values: pd.Series, type_: sa.types.TypeEngine[Any]) -> pd.Series:
    """SQL type → pandas dtype: DATE/TIMESTAMP datetime64[us], INTEGER Int64, FLOAT float64, BOOLEAN
    boolean, text str."""
    if isinstance(type_, sa.Date | sa.DateTime):
        return pd.to_datetime(values).astype("datetime64[us]")
    if isinstance(type_, sa.Integer):
        return pd.to_numeric(values).astype("Int64")
    if isinstance(type_, sa.Float):
        return pd.to_numeric(values).astype("float64")
    if isinstance(type_, sa.Boolean):
        return values.astype("boolean")
    return values.astype("str")


def names() -> list[str]:
    """Every table and view read_table accepts."""
    return [*TABLES, *VIEWS]


def read_table(url: str, name: str) -> pd.DataFrame:
    """All rows of table or view `name`, ordered by its key, with engine-independent dtypes."""
    if name in TABLES:
        table = TABLES[name]
        order = list(table.primary_key.columns)
    elif name in VIEWS:
        table = VIEWS[name]
        order = [table.c[c] for c in VIEW_ORDER[name]]
    else:
        raise WarehouseError(f"unknown warehouse table or view {name!r}; known: {names()}")
    with (
        translated_errors(f"read {name}"),
        open_engine(url, write=False) as engine,
        engine.connect() as conn,
    ):
        rows = conn.execute(sa.select(table).order_by(*order)).all()
    columns = [c.name for c in table.columns]
    frame = pd.DataFrame.from_records(rows, columns=columns)
    return pd.DataFrame({c.name: _typed(frame[c.name], c.type) for c in table.columns}, columns=columns)
