"""Warehouse fixtures: the same tests run on SQLite (a temporary file) and on PostgreSQL.

PostgreSQL comes from $DOISOAT_TEST_POSTGRES_URL (default the local server's `test` database). One
fresh database `doisoat_test_<random>` is created per session and dropped at its end; each test gets
its own schema in it (through `search_path`), so tests never see each other's tables. If the server
cannot be reached the PostgreSQL cases are skipped, unless $CI is set, where that is a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import URL, make_url

from doisoat.warehouse import migrate

POSTGRES_URL_ENV = "DOISOAT_TEST_POSTGRES_URL"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _libpq(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_database_url() -> Iterator[URL]:
    """A fresh PostgreSQL database for this test session, dropped at the end."""
    server = make_url(os.environ.get(POSTGRES_URL_ENV, DEFAULT_POSTGRES_URL))
    try:
        admin = psycopg.connect(_libpq(server), autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        reason = f"PostgreSQL unreachable at {server.render_as_string()} (${POSTGRES_URL_ENV}): {error}"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    name = f"doisoat_test_{uuid.uuid4().hex[:12]}"
    with admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield server.set(database=name)
        finally:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def postgres_url(postgres_database_url: URL) -> Iterator[str]:
    """An empty schema of the session database, as a warehouse URL (search_path set to it)."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_libpq(postgres_database_url), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    url = postgres_database_url.update_query_dict({"options": f"-csearch_path={schema}"})
    yield url.render_as_string(hide_password=False)
    with psycopg.connect(_libpq(postgres_database_url), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def warehouse_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty (not migrated) warehouse on each engine."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'warehouse.sqlite'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def migrated_url(warehouse_url: str) -> str:
    """A warehouse migrated to head on each engine."""
    migrate(warehouse_url)
    return warehouse_url
