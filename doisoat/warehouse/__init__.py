"""The warehouse: SQLAlchemy 2 models, Alembic migrations, an idempotent bulk loader and views.

SQLite (a file, the embedded default) or PostgreSQL (`postgresql+psycopg://`). The flow calls
`resolve_url` → `migrate` → `start_run` → `load_run` → `finish_run`; reports read with `read_table`.
Tables, views and example queries: docs/warehouse.md.
"""

from doisoat.warehouse.engine import DEFAULT_URL_ENV, resolve_url
from doisoat.warehouse.loader import LoadStats, TableStats, load_run
from doisoat.warehouse.migrate import migrate
from doisoat.warehouse.models import FILE_COLUMNS
from doisoat.warehouse.read import names, read_table
from doisoat.warehouse.runs import COUNT_KEYS, RunRecord, finish_run, recorded_run, start_run

__all__ = [
    "COUNT_KEYS",
    "DEFAULT_URL_ENV",
    "FILE_COLUMNS",
    "LoadStats",
    "RunRecord",
    "TableStats",
    "finish_run",
    "load_run",
    "migrate",
    "names",
    "read_table",
    "recorded_run",
    "resolve_url",
    "start_run",
]
