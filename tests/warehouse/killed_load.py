"""The child process of the kill test: a big load that announces when it is half-way.

It runs in a separate process (multiprocessing, spawn) so that the test can SIGKILL it while its
transaction holds uncommitted rows. It is not a test module.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from doisoat.warehouse import load_run, loader, start_run

from .synthetic import CITY, Delivery, FileSpec, run_record

BIG_ROWS = 30_000


def big_delivery() -> Delivery:
    """A ledger and an export of BIG_ROWS rows each, replacing the files of base_delivery()."""
    return Delivery(
        paper_files=[FileSpec("ledger_city.xlsx", "sha-big", BIG_ROWS, CITY)],
        electronic_files=[FileSpec("export.csv", "sha-big-e", BIG_ROWS, CITY)],
        mismatch_ids=[f"m{k}" for k in range(1, 2001)],
    )


def load_until_killed(url: str, marker: str) -> None:
    """Load big_delivery() as run "r2"; touch `marker` once paper_record holds the new rows (inside the
    load's transaction), then carry on loading the rest."""
    frames = big_delivery().frames()
    real_bulk_insert = loader.bulk_insert

    def announcing_bulk_insert(conn: Any, table: Any, frame: Any) -> int:
        inserted = real_bulk_insert(conn, table, frame)
        if table.name == "paper_record":  # written aside then renamed: the parent never reads it half-written
            partial = Path(marker + ".partial")
            partial.write_text(str(inserted))
            partial.replace(marker)
        return inserted

    loader.bulk_insert = announcing_bulk_insert  # type: ignore[assignment]
    run = run_record("r2", minute=5)
    start_run(url, run)
    load_run(url, run, **frames)
    Path(marker + ".done").write_text("finished")
