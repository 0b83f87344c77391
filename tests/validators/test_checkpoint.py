"""The Great Expectations checkpoint over the warehouse: met on a sound load, failing with every
broken expectation named on a deliberately broken one, on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import psycopg
import pytest
import sqlalchemy as sa
from psycopg import sql
from sqlalchemy.engine import make_url

from doisoat import pipeline, warehouse
from doisoat import schema as c
from doisoat.reconcile.aggregates import DIMENSIONS, breakdown
from doisoat.reconcile.result import Period
from doisoat.sources import ReadResult
from doisoat.validators.checkpoint import BREAKDOWN_DIMENSIONS, CheckpointOutcome, run_checkpoint
from tests import factories as f

POSTGRES_URL_ENV = "DOISOAT_TEST_POSTGRES_URL"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TODAY = dt.date(2019, 7, 1)
OFFICE = "000.01.22.H56"


@pytest.fixture(scope="module")
def postgres_server() -> Iterator[str]:
    """A fresh PostgreSQL database for this module (dropped after), as a warehouse URL."""
    server = make_url(os.environ.get(POSTGRES_URL_ENV, DEFAULT_POSTGRES_URL))
    libpq = server.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        admin = psycopg.connect(libpq, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL unreachable: {error}")
        pytest.skip(f"PostgreSQL unreachable: {error}")
    name = f"doisoat_gx_{uuid.uuid4().hex[:12]}"
    with admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield server.set(database=name).render_as_string(hide_password=False)
        finally:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _inputs() -> pipeline.Inputs:
    good = {c.RECEIVED_AT: "02/01/2019 08:30", c.DUE_DATE: "04/01/2019", c.RETURNED_DATE: "03/01/2019",
            c.STATED_TIMELINESS: c.EARLY, c.RETURN_MARKS: 1}
    paper = f.paper(*({**good, c.DOSSIER_CODE: f"000.01.22.H56-190102-000{i}"} for i in range(3)),
                    {**good, c.DOSSIER_CODE: "000.01.22.H56-190102-0009", c.QUANTITY: 0})
    electronic = f.electronic(*({**good, c.DOSSIER_CODE: f"000.01.22.H56-190102-000{i}"} for i in range(3)))
    files = [
        ("phuong-1_2019-01.xlsx", paper[c.SOURCE_SHA256].iloc[0], "T01-2019", 4),
        ("phuong-1.csv", electronic[c.SOURCE_SHA256].iloc[0], None, 3),
    ]

    def read(records: pd.DataFrame, file: tuple[str, str, str | None, int]) -> ReadResult:
        frame = pd.DataFrame([{c.FILE_NAME: file[0], c.FILE_SHA256: file[1], c.FILE_SHEET: file[2],
                               c.FILE_ROWS_READ: file[3], c.FILE_STATUS: c.FILE_READ, c.FILE_REASON: None}])
        failed = pd.DataFrame(columns=["file", "sha256", "reason"])
        return ReadResult(records=records, files=frame, failed=failed)

    offices = pd.DataFrame([{c.OFFICE_CODE: OFFICE, c.OFFICE_NAME: "Phường 1", c.OFFICE_ALIASES: "",
                             c.OFFICE_LEVEL: c.LEVEL_WARD, c.OFFICE_PARENT: ""}])
    return pipeline.Inputs(
        paper=read(paper, files[0]), electronic=read(electronic, files[1]), offices=offices
    )


def _load(url: str) -> tuple[str, dict[str, int]]:
    """A sound run loaded into the warehouse at `url`: its id and its row counts."""
    inputs = _inputs()
    checked = pipeline.validate_inputs(inputs)
    counts = pipeline.row_counts(inputs, checked)
    run = warehouse.RunRecord(run_id=uuid.uuid4().hex, started_at=dt.datetime(2019, 7, 1, 2, 0),
                              period_start=dt.date(2019, 1, 1), period_end=dt.date(2019, 6, 30))
    p, e = checked.paper.valid, checked.electronic.valid
    matches = pd.DataFrame({c.PAPER_REF: p[c.REF], c.ELECTRONIC_REF: e[c.REF], c.METHOD: "exact_code",
                            c.SCORE: 1.0})
    q = checked.quarantine.iloc[0]
    mismatches = pd.DataFrame([{
        c.MISMATCH_ID: "m-1", c.MISMATCH_TYPE: c.INVALID_RECORD, c.UNIT_CODE: OFFICE,
        c.DOSSIER_CODE: q[c.DOSSIER_CODE], c.PAPER_REF: q[c.REF], c.ELECTRONIC_REF: None,
        c.MISMATCH_FIELD: None, c.PAPER_VALUE: None, c.ELECTRONIC_VALUE: None, c.DETAIL: q[c.REASONS],
    }])
    summary = pd.DataFrame([
        {c.LEVEL: c.LEVEL_WARD, c.UNIT_CODE: code, c.UNIT_NAME: "Phường 1",
         c.PERIOD_START: dt.date(2019, 1, 1), c.PERIOD_END: dt.date(2019, 6, 30),
         c.PAPER_RECEIVED: 4, c.ELECTRONIC_RECEIVED: 3,
         c.RECEIVED_DIFFERENCE: -1, c.PAPER_OVERDUE: 0, c.ELECTRONIC_OVERDUE: 0, c.OVERDUE_DIFFERENCE: 0,
         c.PAPER_ON_TIME_RATE: 1.0, c.ELECTRONIC_ON_TIME_RATE: 1.0}
        for code in (c.ALL_UNITS, OFFICE)
    ])
    warehouse.migrate(url)
    warehouse.start_run(url, run)
    warehouse.load_run(
        url, run, offices=inputs.offices, files=pipeline.file_counts(inputs, checked), paper=p, electronic=e,
        quarantine=checked.quarantine, matches=matches, mismatches=mismatches, summary=summary,
        breakdown=breakdown(p, e, Period(run.period_start, run.period_end), matches, mismatches),
        counts=counts,
    )
    return run.run_id, counts


def _break(url: str) -> None:
    """Damage the warehouse the way a faulty load or a hand edit could."""
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            for statement in (
                "UPDATE period_summary SET paper_on_time_rate = 1.5",
                "UPDATE electronic_record SET unit_code = 'NO-SUCH-OFFICE' WHERE source_row = 2",
                "UPDATE paper_record SET received_at = '2031-01-02 08:00:00' WHERE source_row = 10",
                "DELETE FROM match WHERE paper_ref IN (SELECT ref FROM paper_record WHERE source_row = 11)",
                "DELETE FROM paper_record WHERE source_row = 11",
                # a sync rate above 1 and a difference that is not electronic − paper, in one row each
                "UPDATE breakdown SET sync_rate = 1.25 WHERE dimension = 'month'",
                "UPDATE breakdown SET received_difference = 7 WHERE dimension = 'office' AND unit_code = '*'",
            ):
                conn.execute(sa.text(statement))
    finally:
        engine.dispose()


def _check(url: str, tmp_path: Path, broken: bool, monkeypatch: pytest.MonkeyPatch) -> CheckpointOutcome:
    monkeypatch.chdir(tmp_path)  # GX must leave no gx/ folder behind
    run_id, counts = _load(url)
    if broken:
        _break(url)
        counts = {**counts, "electronic_rows_read": counts["electronic_rows_read"] + 1}
    outcome = run_checkpoint(url, run_id, counts, tmp_path / "report" / "data_docs", today=TODAY)
    assert not (tmp_path / "gx").exists()
    return outcome


EXPECTED_FAILURES = [
    "run: electronic_rows_read stored = 4 (the pipeline's count) (1 rows break it, e.g. 3)",
    "input_file: electronic files: sum of rows_read = 4 (1 rows break it)",
    "input_file: paper files: the warehouse holds every row read (records + quarantine) (1 rows break it)",
    "paper_record: no receipt in the future (after 01/07/2019) (1 rows break it)",
    "electronic_record: every unit_code is an office of the office dimension (1 rows break it)",
    "period_summary: paper on-time rate within 0–1 (2 rows break it, e.g. 1.5)",
    "breakdown: sync rate within 0–1 (2 rows break it, e.g. 1.25)",
    "breakdown: differences are electronic − paper (1 rows break it)",
]


def test_the_breakdown_dimensions_are_the_engines() -> None:
    assert BREAKDOWN_DIMENSIONS == DIMENSIONS


def test_a_sound_load_meets_every_expectation_and_writes_data_docs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outcome = _check(f"sqlite:///{tmp_path / 'w.sqlite'}", tmp_path, False, monkeypatch)
    assert outcome.success, outcome.failures
    assert outcome.failures == [] and outcome.evaluated >= 50
    assert outcome.data_docs == tmp_path / "report" / "data_docs" / "index.html"
    assert "doisoat.paper_record" in outcome.data_docs.read_text(encoding="utf-8")


@pytest.mark.parametrize("engine", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_a_broken_warehouse_fails_the_checkpoint_naming_each_expectation(
    engine: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    sqlite = f"sqlite:///{tmp_path / 'w.sqlite'}"
    url = sqlite if engine == "sqlite" else str(request.getfixturevalue("postgres_server"))
    outcome = _check(url, tmp_path, True, monkeypatch)
    assert not outcome.success
    for failure in EXPECTED_FAILURES:
        assert failure in outcome.failures, outcome.failures
    # nothing else failed: e.g. the untouched quarantine and office suites still hold
    assert not any(f.startswith(("quarantine:", "office:", "mismatch:")) for f in outcome.failures)
    assert outcome.message().startswith(f"data-quality checkpoint failed ({len(outcome.failures)} of ")
    assert outcome.data_docs is not None and outcome.data_docs.exists()


def test_data_docs_accept_a_relative_report_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `make demo` runs `doisoat demo --workdir demo`: a relative path GX refused as a base directory
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path / 'w.sqlite'}"
    run_id, counts = _load(url)
    outcome = run_checkpoint(url, run_id, counts, Path("demo") / "report" / "data_docs", today=TODAY)
    assert outcome.success, outcome.failures
    assert outcome.data_docs == tmp_path / "demo" / "report" / "data_docs" / "index.html"
    assert outcome.data_docs.exists()
