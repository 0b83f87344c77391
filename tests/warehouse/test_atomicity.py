"""A load that fails or is killed half-way leaves the previous state intact; the run is marked failed."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import signal
import time
from pathlib import Path

import pandas as pd
import pytest

from doisoat.warehouse import load_run, loader, read_table, recorded_run, start_run
from doisoat.warehouse.runs import RunRecord

from .killed_load import BIG_ROWS, load_until_killed
from .synthetic import PERIOD, base_delivery, load, run_record, snapshot


def _assert_unchanged(url: str, before: dict[str, pd.DataFrame]) -> None:
    after = snapshot(url)
    for name, frame in before.items():
        pd.testing.assert_frame_equal(after[name], frame, obj=name)


def test_a_load_killed_mid_way_leaves_the_previous_state_and_the_next_run_works(
    migrated_url: str, tmp_path: Path
) -> None:
    load(migrated_url, "r1", base_delivery())
    before = snapshot(migrated_url)
    marker = tmp_path / "half-way"

    child = multiprocessing.get_context("spawn").Process(
        target=load_until_killed, args=(migrated_url, str(marker))
    )
    child.start()
    deadline = time.monotonic() + 60
    while not marker.exists() and child.is_alive() and time.monotonic() < deadline:
        time.sleep(0.005)
    assert marker.exists(), f"the child never reached paper_record (exit code {child.exitcode})"
    os.kill(child.pid or 0, signal.SIGKILL)
    child.join(30)
    assert child.exitcode == -signal.SIGKILL
    assert int(marker.read_text()) == BIG_ROWS  # it had written the big ledger, uncommitted
    assert not Path(str(marker) + ".done").exists()

    _assert_unchanged(migrated_url, before)  # nothing of the killed load is visible
    runs = read_table(migrated_url, "run").set_index("run_id")
    assert runs.loc["r2", "status"] == "running"  # nobody could mark it

    # The next run, the next night: the killed run is marked failed, the load works.
    nxt = RunRecord("r3", dt.datetime(2019, 7, 2, 8, 0, tzinfo=dt.UTC), *PERIOD)
    start_run(migrated_url, nxt)
    load_run(migrated_url, nxt, **base_delivery().frames())
    runs = read_table(migrated_url, "run").set_index("run_id")
    assert runs.loc["r2", "status"] == "failed"
    assert runs.loc["r2", "message"] == "abandoned: still running when run r3 started"
    assert runs.loc["r3", "status"] == "running"
    _assert_unchanged(migrated_url, before)  # same inputs as r1: the same warehouse


def test_a_load_that_raises_marks_the_run_failed(migrated_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    load(migrated_url, "r1", base_delivery())
    before = snapshot(migrated_url)

    def explode(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(loader.dimensions, "refresh_calendar", explode)  # the last step of the load
    run = run_record("r2", 5)
    with pytest.raises(RuntimeError, match="disk full"), recorded_run(migrated_url, run):
        load_run(migrated_url, run, **base_delivery(mismatch_ids=["m9"]).frames())

    _assert_unchanged(migrated_url, before)
    runs = read_table(migrated_url, "run").set_index("run_id")
    assert runs.loc["r2", "status"] == "failed"
    assert runs.loc["r2", "message"] == "RuntimeError: disk full"
    assert runs.loc["r2", "finished_at"] >= runs.loc["r2", "started_at"]
    assert read_table(migrated_url, "input_file")["run_id"].unique().tolist() == ["r1"]


def test_recorded_run_marks_success(migrated_url: str) -> None:
    run = run_record("r1")
    with recorded_run(migrated_url, run):
        load_run(migrated_url, run, **base_delivery().frames())
    assert read_table(migrated_url, "run")["status"].tolist() == ["succeeded"]


def test_a_recent_running_run_is_not_abandoned(migrated_url: str) -> None:
    start_run(migrated_url, run_record("r1"))
    start_run(migrated_url, run_record("r2", minute=30))  # a concurrent run, not a dead one
    assert read_table(migrated_url, "run")["status"].tolist() == ["running", "running"]
