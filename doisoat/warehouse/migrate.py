"""Bring a warehouse to the latest schema: Alembic `upgrade head`, run programmatically."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Final

from alembic import command
from alembic.config import Config

from doisoat.warehouse.engine import open_engine, sqlite_path, translated_errors

log = logging.getLogger(__name__)

MIGRATIONS_DIR: Final = Path(__file__).with_name("migrations")
HEAD: Final = "head"


def alembic_config() -> Config:
    """An Alembic config pointing at the packaged migrations, independent of the working directory."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    return config


def migrate(url: str, revision: str = HEAD) -> None:
    """Upgrade the warehouse at `url` to `revision` (creating a SQLite file and its folder if needed)."""
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    config = alembic_config()
    with translated_errors("migrate warehouse"), open_engine(url) as engine, engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
    log.info("warehouse migrated to %s", revision)
