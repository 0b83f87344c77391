"""Bulk writes of DataFrames: COPY on PostgreSQL, executemany on SQLite; never ORM row by row.

Values are converted column by column (vectorised). PostgreSQL: an Arrow table typed by the SQL types,
encoded in COPY's binary format by Arrow kernels and streamed through COPY (indexes rebuilt once for
big loads into small tables). SQLite: Python str, int, float, bool or None, dates as 'YYYY-MM-DD' and
datetimes as 'YYYY-MM-DD HH:MM:SS.ffffff' (the text SQLAlchemy itself stores in SQLite). pandas
NA/NaT/NaN → NULL.
"""

from __future__ import annotations

import struct
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa

from doisoat.errors import WarehouseError

CHUNK_ROWS: Final = 100_000
COPY_CHUNK_ROWS: Final = 25_000  # PostgreSQL: rows encoded at a time (one encoded while one is sent)
INDEX_REBUILD_MIN_ROWS: Final = 100_000  # PostgreSQL: drop and rebuild indexes for loads at least this big
INDEX_BUILD_MEMORY: Final = "256MB"  # maintenance_work_mem while rebuilding them
DATE_FORMAT: Final = "%Y-%m-%d"
DATETIME_FORMAT: Final = "%Y-%m-%d %H:%M:%S.%f"


def _as_datetimes(values: pd.Series) -> pd.Series:
    is_datetime = pd.api.types.is_datetime64_any_dtype(values.dtype)
    converted = values if is_datetime else pd.to_datetime(values, errors="raise")
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
    elif isinstance(type_, sa.Boolean):
        out = values.astype("boolean").astype(object)
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


def _arrow_column(values: pd.Series, type_: sa.types.TypeEngine[Any]) -> pa.Array | pa.ChunkedArray:
    """One column as an Arrow array of the SQL type's kind; every kind of missing becomes null."""
    if isinstance(type_, sa.DateTime | sa.Date):
        stamps = _as_datetimes(values).astype("datetime64[us]")
        array = pa.array(stamps, type=pa.timestamp("us"), from_pandas=True)
        return pc.cast(pc.floor_temporal(array, unit="day"), pa.date32()) if not isinstance(
            type_, sa.DateTime) else array
    if isinstance(type_, sa.Boolean):
        return pa.array(values.astype("boolean"), type=pa.bool_(), from_pandas=True)
    if isinstance(type_, sa.Integer):
        return pa.array(pd.to_numeric(values, errors="raise").astype("Int64"), type=pa.int64(),
                        from_pandas=True)
    if isinstance(type_, sa.Float):
        return pa.array(pd.to_numeric(values, errors="raise").astype("float64"), type=pa.float64(),
                        from_pandas=True)
    if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
        return pa.array(values)  # pandas' own Arrow strings: no copy
    if not pd.api.types.is_string_dtype(values) or values.isna().all():
        values = values.astype(object).map(str, na_action="ignore")
    return pa.array(values.astype(object).where(values.notna(), None), type=pa.string(), from_pandas=True)


def to_arrow(frame: pd.DataFrame, table: sa.Table) -> pa.Table:
    """`frame`'s columns that `table` has, in table order, as an Arrow table typed by the SQL types."""
    arrays: dict[str, pa.Array | pa.ChunkedArray] = {}
    for column in (c for c in table.columns if c.name in frame.columns):
        try:
            arrays[column.name] = _arrow_column(frame[column.name], column.type)
        except (ValueError, TypeError, pa.ArrowException) as error:
            raise WarehouseError(
                f"column {table.name}.{column.name} cannot hold the values given: {error}"
            ) from error
    return pa.table(arrays)


# PostgreSQL's binary COPY format: a signature, then per row an int16 field count and per field an
# int32 byte length (-1 for NULL) and the value in the type's binary form (network byte order).
_COPY_SIGNATURE: Final = b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0)
_COPY_TRAILER: Final = struct.pack("!h", -1)
_NULL_FIELD: Final = struct.pack("!i", -1)
_PG_EPOCH_DAYS: Final = 10_957  # 2000-01-01, PostgreSQL's epoch, in days after 1970-01-01
_PG_EPOCH_US: Final = _PG_EPOCH_DAYS * 86_400_000_000
_INT_WIDTHS: Final = {sa.SmallInteger: 2, sa.BigInteger: 8, sa.Integer: 4}  # subclasses first


def _int_width(type_: sa.Integer) -> int:
    return next(width for kind, width in _INT_WIDTHS.items() if isinstance(type_, kind))


def _fixed_width_field(values: np.ndarray, valid: np.ndarray | None) -> pa.Array:
    """Length prefix + value per row from a big-endian numpy array; NULL rows get the -1 prefix only."""
    width = values.dtype.itemsize
    block = np.empty((len(values), 4 + width), dtype=np.uint8)
    block[:, :4] = np.frombuffer(struct.pack("!i", width), dtype=np.uint8)
    block[:, 4:] = values.view(np.uint8).reshape(len(values), width)
    fields = pa.FixedSizeBinaryArray.from_buffers(
        pa.binary(4 + width), len(values), [None, pa.py_buffer(block)]
    ).cast(pa.large_binary())
    if valid is None:
        return fields
    return pc.if_else(pa.array(valid), fields, pa.scalar(_NULL_FIELD, pa.large_binary()))


def _binary_fields(array: pa.Array, type_: sa.types.TypeEngine[Any], column: str) -> list[pa.Array]:
    """One column of `to_arrow` as binary COPY fields: arrays whose row-wise concatenation is the
    field (length prefix and value) of each row."""
    valid = None if array.null_count == 0 else array.is_valid().to_numpy(zero_copy_only=False)
    if isinstance(type_, sa.DateTime):  # timestamp: int64 microseconds since 2000-01-01
        micros = array.cast(pa.int64()).fill_null(0).to_numpy()
        return [_fixed_width_field((micros - _PG_EPOCH_US).astype(">i8"), valid)]
    if isinstance(type_, sa.Date):  # date: int32 days since 2000-01-01
        days = array.cast(pa.int32()).fill_null(0).to_numpy()
        return [_fixed_width_field((days - _PG_EPOCH_DAYS).astype(">i4"), valid)]
    if isinstance(type_, sa.Boolean):
        flags = array.fill_null(False).to_numpy(zero_copy_only=False).astype(">u1")
        return [_fixed_width_field(flags, valid)]
    if isinstance(type_, sa.Integer):
        width = _int_width(type_)
        integers = array.fill_null(0).to_numpy()
        limit = 1 << (8 * width - 1)
        if len(integers) and (integers.min() < -limit or integers.max() >= limit):
            raise WarehouseError(f"column {column} cannot hold the values given: out of range for "
                                 f"a {8 * width}-bit integer")
        return [_fixed_width_field(integers.astype(f">i{width}"), valid)]
    if isinstance(type_, sa.Float):
        if type_.precision is not None and type_.precision <= 24:
            raise WarehouseError(f"column {column}: single-precision FLOAT has no binary COPY encoding here")
        return [_fixed_width_field(array.fill_null(0.0).to_numpy().astype(">f8"), valid)]
    if not isinstance(type_, sa.String):
        raise WarehouseError(f"column {column}: no binary COPY encoding for SQL type {type_!r}")
    text = array.cast(pa.large_binary())  # UTF-8 bytes, as text's binary form is
    lengths = pc.binary_length(text).fill_null(-1).to_numpy().astype(">i4")
    prefix = pa.FixedSizeBinaryArray.from_buffers(pa.binary(4), len(text), [None, pa.py_buffer(lengths)])
    return [prefix.cast(pa.large_binary()), text.fill_null(b"")]


def _binary_chunk(frame: pd.DataFrame, table: sa.Table) -> pa.Buffer:
    """The rows of `frame` in PostgreSQL's binary COPY format (no signature, no trailer).

    Each column becomes arrays of per-row byte strings (length prefix, value) and Arrow joins them
    row-wise in C++ (no Python loop per row, the GIL released); the joined array's data buffer is the
    COPY stream. Binary fields spare the server CSV parsing and text-to-type conversion.
    """
    arrow = to_arrow(frame, table)
    parts: list[pa.Array | pa.Scalar] = [pa.scalar(struct.pack("!h", arrow.num_columns), pa.large_binary())]
    for name, column in zip(arrow.column_names, arrow.columns, strict=True):
        parts.extend(_binary_fields(column.combine_chunks(), table.c[name].type, f"{table.name}.{name}"))
    rows = pc.binary_join_element_wise(*parts, pa.scalar(b"", pa.large_binary()))
    offsets = np.frombuffer(rows.buffers()[1], dtype=np.int64, count=len(rows) + 1, offset=8 * rows.offset)
    return rows.buffers()[2][int(offsets[0]) : int(offsets[-1])]


def _copy_postgres(conn: sa.Connection, table: sa.Table, frame: pd.DataFrame) -> None:
    """COPY ... FROM STDIN in binary format through the psycopg 3 connection of `conn` (same
    transaction).

    The next chunk is encoded in a worker thread while the current one is sent (Arrow releases the
    GIL), so encoding in Python and parsing in the server overlap.
    """
    name, cols = _quoted(conn, table, [c.name for c in table.columns if c.name in frame.columns])
    driver_connection: Any = conn.connection.driver_connection
    sql = f"COPY {name} ({cols}) FROM STDIN (FORMAT binary)"
    size = COPY_CHUNK_ROWS
    with (
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="copy-encode") as encoder,
        driver_connection.cursor() as cursor,
        cursor.copy(sql) as copy,
    ):
        pending = encoder.submit(_binary_chunk, frame.iloc[:size], table)
        copy.write(_COPY_SIGNATURE)
        for start in range(0, len(frame), size):
            chunk = pending.result()
            following = start + size
            if following < len(frame):
                pending = encoder.submit(_binary_chunk, frame.iloc[following : following + size], table)
            copy.write(memoryview(chunk))
        copy.write(_COPY_TRAILER)


def _rebuild_indexes_after(conn: sa.Connection, table: sa.Table, incoming: int
                           ) -> list[sa.schema.ExecutableDDLElement]:
    """Drop `table`'s indexes, primary and foreign keys before a big COPY into a small table; return the DDL
    that recreates them (the same transaction runs it after the COPY, so a failure undoes both).

    Building an index once over sorted keys is several times faster than updating it row by row; it
    is worth it when the rows coming in outnumber those already there. The table is locked for the
    rest of the transaction (readers wait for the commit).
    """
    if incoming < INDEX_REBUILD_MIN_ROWS or table.primary_key is None or not table.primary_key.columns:
        return []
    name = conn.dialect.identifier_preparer.format_table(table)
    existing = conn.exec_driver_sql(
        f"SELECT COUNT(*) FROM (SELECT 1 FROM {name} LIMIT {int(incoming)}) AS sample"
    ).scalar_one()
    if existing >= incoming:
        return []
    conn.exec_driver_sql(f"SET LOCAL maintenance_work_mem = '{INDEX_BUILD_MEMORY}'")
    recreate: list[sa.schema.ExecutableDDLElement] = [sa.schema.AddConstraint(table.primary_key)]
    for index in table.indexes:
        conn.execute(sa.schema.DropIndex(index))
        recreate.append(sa.schema.CreateIndex(index))
    conn.execute(sa.schema.DropConstraint(table.primary_key))
    for foreign_key in table.foreign_key_constraints:  # checked once by ADD, not row by row
        conn.execute(sa.schema.DropConstraint(foreign_key))
        recreate.append(sa.schema.AddConstraint(foreign_key))
    return recreate


def _executemany_sqlite(conn: sa.Connection, table: sa.Table, frame: pd.DataFrame) -> None:
    """executemany of converted tuples, CHUNK_ROWS at a time (converted per chunk: bounded memory)."""
    columns = [c.name for c in table.columns if c.name in frame.columns]
    name, cols = _quoted(conn, table, columns)
    marks = ", ".join("?" for _ in columns)
    sql = f"INSERT INTO {name} ({cols}) VALUES ({marks})"
    for start in range(0, len(frame), CHUNK_ROWS):
        chunk = to_db_frame(frame.iloc[start : start + CHUNK_ROWS], table)
        rows = list(zip(*(chunk[c].tolist() for c in chunk.columns), strict=True))
        conn.exec_driver_sql(sql, rows)


def bulk_insert(conn: sa.Connection, table: sa.Table, frame: pd.DataFrame) -> int:
    """Insert every row of `frame` (columns named as `table`'s) into `table`; return the row count."""
    if frame.empty:
        return 0
    unknown = sorted(set(frame.columns) - set(table.columns.keys()))
    if unknown:
        raise WarehouseError(f"table {table.name} has no columns {unknown}")
    if conn.dialect.name == "postgresql":
        recreate = _rebuild_indexes_after(conn, table, len(frame))
        _copy_postgres(conn, table, frame)
        for statement in recreate:
            conn.execute(statement)
    else:
        _executemany_sqlite(conn, table, frame)
    return len(frame)
