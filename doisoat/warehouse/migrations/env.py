"""Alembic environment of the doisoat warehouse.

Programmatic use (`doisoat.warehouse.migrate`) passes an open connection in
`config.attributes["connection"]`. From the command line:
`alembic -c doisoat/warehouse/alembic.ini -x url=sqlite:///out/warehouse.sqlite upgrade head`
(the URL may also come from $DOISOAT_WAREHOUSE_URL).
"""

from __future__ import annotations

import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection

from doisoat.warehouse.engine import DEFAULT_URL_ENV, open_engine
from doisoat.warehouse.models import Base

config = context.config
target_metadata = Base.metadata


def _include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Autogenerate compares tables only; views are created by hand in the revisions."""
    return not (type_ == "table" and name is not None and name.startswith("v_"))


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things: future revisions use batch mode
        include_object=_include_object,
        compare_type=True,
    )


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    if config.config_file_name is not None:
        fileConfig(config.config_file_name, disable_existing_loggers=False)
    url = context.get_x_argument(as_dictionary=True).get("url") or os.environ.get(DEFAULT_URL_ENV)
    if not url:
        raise SystemExit(f"give the warehouse URL with -x url=... or ${DEFAULT_URL_ENV}")
    with open_engine(url) as engine, engine.connect() as conn:
        _configure(conn)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported: run against a database")
run_migrations_online()
