"""Warehouse URLs and engines: SQLite (embedded default, a file) or PostgreSQL through psycopg 3.

Every public call opens its own engine and disposes of it, so callers pass plain URL strings and no
pool outlives a call (a PostgreSQL database can then be dropped right after). SQLite connections get
foreign keys on and real transactions (SQLAlchemy emits BEGIN itself, so DDL and reads are inside the
transaction too; the sqlite3 module's legacy mode would leave them outside).
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

import psycopg
import sqlalchemy as sa
from sqlalchemy import event, exc
from sqlalchemy.engine import URL, Engine, make_url

from doisoat.errors import ConfigError, DoisoatError, TransientError, WarehouseError

log = logging.getLogger(__name__)

DEFAULT_URL_ENV: Final = "DOISOAT_WAREHOUSE_URL"
SQLITE_BUSY_TIMEOUT_S: Final = 30.0


def resolve_url(url: str | None, default_path: Path) -> str:
    """The warehouse URL: the explicit `url` (a CLI flag), else $DOISOAT_WAREHOUSE_URL, else SQLite."""
    if url:
        return url
    from_env = os.environ.get(DEFAULT_URL_ENV, "").strip()
    if from_env:
        return from_env
    return f"sqlite:///{default_path.expanduser().resolve()}"


def normalise_url(url: str) -> URL:
    """Parse `url`, default PostgreSQL to the psycopg 3 driver and refuse what cannot work."""
    try:
        parsed = make_url(url)
    except exc.ArgumentError as error:
        raise ConfigError(f"invalid warehouse URL {url!r}: {error}") from error
    backend, driver = parsed.get_backend_name(), parsed.get_driver_name()
    if backend == "postgresql":
        if "+" not in parsed.drivername:
            parsed = parsed.set(drivername="postgresql+psycopg")
        elif driver != "psycopg":
            raise ConfigError(f"warehouse URL must use postgresql+psycopg, not {parsed.drivername}")
    elif backend == "sqlite":
        if driver != "pysqlite":
            raise ConfigError(f"warehouse URL must use sqlite (pysqlite), not {parsed.drivername}")
        if parsed.database in (None, "", ":memory:") or "mode=memory" in str(parsed.query):
            raise ConfigError("an in-memory SQLite warehouse does not outlive a call: give a file path")
    else:
        raise ConfigError(f"unsupported warehouse backend {backend!r}: use sqlite or postgresql")
    return parsed


def sqlite_path(url: str) -> Path | None:
    """The database file of a SQLite URL, None for other backends."""
    parsed = normalise_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database is None:
        return None
    return Path(parsed.database)


def _configure_sqlite(engine: Engine, *, write: bool) -> None:
    begin = "BEGIN IMMEDIATE" if write else "BEGIN"

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN (see module docstring)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        connection.exec_driver_sql(begin)


@contextmanager
def open_engine(url: str, *, write: bool = True) -> Iterator[Engine]:
    """An engine for `url`, disposed of on exit; `write` takes SQLite's write lock at BEGIN."""
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = sa.create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})
        _configure_sqlite(engine, write=write)
    else:
        engine = sa.create_engine(parsed, pool_pre_ping=True)
    try:
        yield engine
    finally:
        engine.dispose()


def _is_transient(error: BaseException) -> bool:
    """A dropped connection or a locked SQLite file: worth a retry."""
    if isinstance(error, exc.DBAPIError) and error.connection_invalidated:
        return True
    orig = error.orig if isinstance(error, exc.DBAPIError) else error
    if isinstance(orig, psycopg.OperationalError):
        return True
    if isinstance(orig, sqlite3.OperationalError):
        text = str(orig).lower()
        return "locked" in text or "busy" in text or "unable to open" in text
    return isinstance(error, exc.DisconnectionError | exc.TimeoutError)


@contextmanager
def translated_errors(action: str) -> Iterator[None]:
    """Re-raise driver errors as TransientError (retry may help) or WarehouseError (it will not)."""
    try:
        yield
    except DoisoatError:
        raise
    except (exc.SQLAlchemyError, psycopg.Error, sqlite3.Error) as error:
        text = str(error).splitlines()[0] if str(error) else type(error).__name__
        if "no such table" in text or "UndefinedTable" in type(getattr(error, "orig", error)).__name__:
            text += " (is the warehouse migrated? run migrate first)"
        if _is_transient(error):
            raise TransientError(f"{action}: {text}") from error
        raise WarehouseError(f"{action}: {text}") from error
