"""The run table: a run is started ("running"), loaded, then finished ("succeeded" or "failed")."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Final

import sqlalchemy as sa

from doisoat.errors import WarehouseError
from doisoat.warehouse.engine import open_engine, translated_errors
from doisoat.warehouse.models import RUN_FAILED, RUN_FINAL_STATUSES, RUN_RUNNING, RUN_SUCCEEDED, Run

log = logging.getLogger(__name__)

# Keys of the `counts` mapping given to load_run, stored on the run row.
COUNT_KEYS: Final = (
    "paper_rows_read", "paper_rows_loaded", "paper_rows_quarantined",
    "electronic_rows_read", "electronic_rows_loaded", "electronic_rows_quarantined",
)
# A run still "running" this long before a new run starts was killed (nobody could mark it failed).
ABANDONED_AFTER: Final = dt.timedelta(hours=12)


@dataclass(frozen=True)
class RunRecord:
    """Identity and period of one pipeline run.

    `started_at` is stored as naive UTC: an aware datetime is converted, a naive one is taken as local
    time (Python's convention, so `datetime.now()` and `datetime.now(UTC)` both work); `finish_run`
    stamps `finished_at` in UTC too.
    """

    run_id: str
    started_at: dt.datetime
    period_start: dt.date
    period_end: dt.date


def utc_naive(moment: dt.datetime) -> dt.datetime:
    """`moment` as a naive UTC datetime (the warehouse's TIMESTAMP convention for run times);
    a naive `moment` is local time."""
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def start_run(url: str, run: RunRecord, abandoned_after: dt.timedelta = ABANDONED_AFTER) -> None:
    """Insert the run row with status "running"; a run id already used is an error.

    Runs still "running" that started more than `abandoned_after` before this one are marked "failed"
    (their process was killed, e.g. mid-load: their data never committed, only the run row remains).
    """
    started = utc_naive(run.started_at)
    with translated_errors(f"start run {run.run_id}"), open_engine(url) as engine, engine.begin() as conn:
        exists = conn.execute(sa.select(Run.run_id).where(Run.run_id == run.run_id)).first()
        if exists is not None:
            raise WarehouseError(f"run {run.run_id} already exists")
        abandoned = conn.execute(
            sa.update(Run)
            .where(Run.status == RUN_RUNNING, Run.started_at < started - abandoned_after)
            .values(status=RUN_FAILED, finished_at=started,
                    message=f"abandoned: still running when run {run.run_id} started")
            .returning(Run.run_id)
        ).scalars().all()
        for run_id in abandoned:
            log.warning("run %s never finished (process killed?): marked failed", run_id)
        conn.execute(
            sa.insert(Run).values(
                run_id=run.run_id,
                started_at=started,
                status=RUN_RUNNING,
                period_start=run.period_start,
                period_end=run.period_end,
            )
        )
    log.info("run %s started (period %s..%s)", run.run_id, run.period_start, run.period_end)


def finish_run(url: str, run_id: str, status: str, message: str | None = None) -> None:
    """Mark a run "succeeded" or "failed", stamping finished_at (naive UTC) and the message."""
    if status not in RUN_FINAL_STATUSES:
        raise ValueError(f"run status must be one of {RUN_FINAL_STATUSES}, not {status!r}")
    finished_at = utc_naive(dt.datetime.now(dt.UTC))
    with translated_errors(f"finish run {run_id}"), open_engine(url) as engine, engine.begin() as conn:
        previous = conn.execute(sa.select(Run.status).where(Run.run_id == run_id)).scalar_one_or_none()
        if previous is None:
            raise WarehouseError(f"run {run_id} does not exist")
        if previous != RUN_RUNNING:
            log.warning("run %s was already %s; marking it %s", run_id, previous, status)
        conn.execute(
            sa.update(Run)
            .where(Run.run_id == run_id)
            .values(status=status, finished_at=finished_at, message=message)
        )
    log.info("run %s %s", run_id, status)


@contextmanager
def recorded_run(url: str, run: RunRecord) -> Iterator[RunRecord]:
    """`start_run`, then `finish_run` "succeeded" when the block ends, or "failed" (with the error as
    message) when it raises; the error propagates."""
    start_run(url, run)
    try:
        yield run
    except BaseException as error:
        finish_run(url, run.run_id, RUN_FAILED, f"{type(error).__name__}: {error}")
        raise
    finish_run(url, run.run_id, RUN_SUCCEEDED)
