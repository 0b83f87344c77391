"""Bulk writes of DataFrames: COPY on PostgreSQL, executemany on SQLite; never ORM row by row.

Values are converted column by column (vectorised) to what both drivers accept: Python str, int,
float or None, dates as 'YYYY-MM-DD' and datetimes as 'YYYY-MM-DD HH:MM:SS.ffffff' (the text
SQLAlchemy itself stores in SQLite, and a literal PostgreSQL parses). pandas NA/NaT/NaN → None.
"""

from __future__ import annotations

import io
from typing import Any, Final

import pandas as pd
import sqlalchemy as sa

from doisoat.errors import WarehouseError

CHUNK_ROWS: Final = 100_000
DATE_FORMAT: Final = "%Y-%m-%d"
DATETIME_FORMAT: Final = "%Y-%m-%d %H:%M:%S.%f"
_COPY_NULL: Final = r"\N"


def _as_datetimes(values: pd.Series) -> pd.Series:
    converted = pd.to_datetime(values, errors="raise")
    if getattr(converted.dt, "tz", None) is not None:
        converted = converted.dt.tz_localize(None)
    return converted


def _to_db(values: pd.Series, type_: sa.types.TypeEngine[Any]) -> pd.Series:
    """One column as an object Series of driver-ready values, None for every kind of missing."""
    missing = values.isna()
    if isinstance(type_, sa.DateTime):
        out = _as_datetimes(values).dt.strftime(DATETIME_FORMAT).astype(object)
    elif isinstance(type_, sa.Date):
        out = _as_datetimes(values).dt.strftime(DATE_FORMAT).astype(object)
    elif isinstance(type_, sa.Integer):
        out = pd.to_numeric(values, errors="raise").astype("Int64").astype(object)
    elif isinstance(type_, sa.Float):
        out = pd.to_numeric(values, errors="raise").astype("float64").astype(object)
    elif pd.api.types.is_string_dtype(values) and not missing.all():
        out = values.astype(object)
    else:
        out = values.astype(object).map(str, na_action="ignore")
    return out.where(~missing, None)


def to_db_frame(frame: pd.DataFrame, table: sa.Table) -> pd.DataFrame:
    """`frame`'s columns that `table` has, in table order, converted by each column's SQL type."""
    columns = [c for c in table.columns if c.name in frame.columns]
    converted: dict[str, pd.Series] = {}
    for column in columns:
        try:
            converted[column.name] = _to_db(frame[column.name], column.type)
        except (ValueError, TypeError) as error:
            raise WarehouseError(
                f"column {table.name}.{column.name} cannot hold the values given: {error}"
            ) from error
    return pd.DataFrame(converted, index=frame.index, dtype=object)


def _quoted(conn: sa.Connection, table: sa.Table, columns: list[str]) -> tuple[str, str]:
    preparer = conn.dialect.identifier_preparer
    return preparer.format_table(table), ", ".join(preparer.quote(c) for c in columns)


def _copy_postgres(conn: sa.Connection, table: sa.Table, frame: pd.DataFrame) -> None:
    """COPY ... FROM STDIN in CSV through the psycopg 3 connection of `conn` (same transaction)."""
    name, cols = _quoted(conn, table, list(frame.columns))
    driver_connection: Any = conn.connection.driver_connection
    # A text cell that is exactly \N would read back as NULL in CSV: send such frames row by row,
    # in COPY's text format, which psycopg escapes itself.
    if bool(frame.isin([_COPY_NULL]).to_numpy().any()):
        with driver_connection.cursor() as cursor, cursor.copy(f"COPY {name} ({cols}) FROM STDIN") as copy:
            for row in frame.itertuples(index=False, name=None):
                copy.write_row(row)
        return
    sql = f"COPY {name} ({cols}) FROM STDIN (FORMAT csv, NULL '{_COPY_NULL}')"
    with driver_connection.cursor() as cursor, cursor.copy(sql) as copy:
        for start in range(0, len(frame), CHUNK_ROWS):
            buffer = io.StringIO()
            frame.iloc[start : start + CHUNK_ROWS].to_csv(
                buffer, header=False, index=False, na_rep=_COPY_NULL, lineterminator="\n"
            )
            copy.write(buffer.getvalue().encode("utf-8"))


def _executemany_sqlite(conn: sa.Connection, table: sa.Table, frame: pd.DataFrame) -> None:
    name, cols = _quoted(conn, table, list(frame.columns))
    marks = ", ".join("?" for _ in frame.columns)
    sql = f"INSERT INTO {name} ({cols}) VALUES ({marks})"
    for start in range(0, len(frame), CHUNK_ROWS):
        chunk = frame.iloc[start : start + CHUNK_ROWS]
        rows = list(zip(*(chunk[c].tolist() for c in chunk.columns), strict=True))
        conn.exec_driver_sql(sql, rows)


def bulk_insert(conn: sa.Connection, table: sa.Table, frame: pd.DataFrame) -> int:
    """Insert every row of `frame` (columns named as `table`'s) into `table`; return the row count."""
    if frame.empty:
        return 0
    unknown = sorted(set(frame.columns) - set(table.columns.keys()))
    if unknown:
        raise WarehouseError(f"table {table.name} has no columns {unknown}")
    values = to_db_frame(frame, table)
    if conn.dialect.name == "postgresql":
        _copy_postgres(conn, table, values)
    else:
        _executemany_sqlite(conn, table, values)
    return len(values)
