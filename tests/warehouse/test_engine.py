"""URL resolution, engine choice and error translation."""

from __future__ import annotations

from pathlib import Path

import pytest

from doisoat.errors import ConfigError, TransientError, WarehouseError
from doisoat.warehouse import DEFAULT_URL_ENV, read_table, resolve_url
from doisoat.warehouse.engine import normalise_url, translated_errors


def test_flag_wins_over_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(DEFAULT_URL_ENV, "postgresql+psycopg://env/db")
    assert resolve_url("sqlite:///flag.sqlite", tmp_path / "w.sqlite") == "sqlite:///flag.sqlite"


def test_environment_wins_over_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(DEFAULT_URL_ENV, "postgresql+psycopg://env/db")
    assert resolve_url(None, tmp_path / "w.sqlite") == "postgresql+psycopg://env/db"


def test_default_is_an_absolute_sqlite_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(DEFAULT_URL_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    assert resolve_url("", Path("out/w.sqlite")) == f"sqlite:///{tmp_path / 'out' / 'w.sqlite'}"


def test_postgresql_defaults_to_psycopg() -> None:
    assert normalise_url("postgresql://u@h/db").drivername == "postgresql+psycopg"


@pytest.mark.parametrize(
    "url", ["sqlite://", "sqlite:///:memory:", "mysql://u@h/db", "postgresql+pg8000://u@h/db", "not a url"]
)
def test_unusable_urls_are_config_errors(url: str) -> None:
    with pytest.raises(ConfigError):
        normalise_url(url)


def test_unmigrated_warehouse_says_so(warehouse_url: str) -> None:
    with pytest.raises(WarehouseError, match="migrate"):
        read_table(warehouse_url, "run")


def test_unknown_table_is_refused(migrated_url: str) -> None:
    with pytest.raises(WarehouseError, match="unknown warehouse table"):
        read_table(migrated_url, "pg_class")


def test_locked_sqlite_is_transient() -> None:
    import sqlite3

    with pytest.raises(TransientError), translated_errors("load"):
        raise sqlite3.OperationalError("database is locked")
    with pytest.raises(WarehouseError), translated_errors("load"):
        raise sqlite3.OperationalError("no such column: x")


def test_run_times_are_stored_as_naive_utc() -> None:
    import datetime as dt

    from doisoat.warehouse.runs import utc_naive

    aware = dt.datetime(2019, 7, 1, 15, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    assert utc_naive(aware) == dt.datetime(2019, 7, 1, 8, 0)
    local = dt.datetime(2019, 7, 1, 15, 0)
    assert utc_naive(local) == local.astimezone(dt.UTC).replace(tzinfo=None)
