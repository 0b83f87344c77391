"""The nightly Prefect flow: read → validate → reconcile → load → checkpoint → report.

Thin wrappers over `doisoat.pipeline`, `doisoat.reconcile`, `doisoat.warehouse` and
`doisoat.reports`; no business logic here. Only the load task retries, and only on transient
errors (a dropped database connection), never on bad data.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from doisoat import pipeline, warehouse
from doisoat.errors import QualityCheckError, TransientError
from doisoat.flows.progress import stage
from doisoat.reconcile.config import ReconcileConfig
from doisoat.reconcile.engine import reconcile
from doisoat.reconcile.result import Period, ReconcileResult
from doisoat.reports import ReportPaths, RunInfo, write_reports
from doisoat.reports.privacy import redact_url
from doisoat.validators.checkpoint import CheckpointOutcome

DATA_DOCS_DIR = "data_docs"  # the checkpoint's Data Docs, inside the report directory


def _transient_only(task: Any, task_run: Any, state: Any) -> bool:
    """Retry a failed task only when it failed with a TransientError."""
    try:
        state.result()
    except TransientError:
        return True
    except Exception:
        return False
    return False


@dataclass(frozen=True)
class RunOutcome:
    """What a run produced, for the CLI and tests."""

    run_id: str
    period: Period
    summary: pd.DataFrame
    mismatch_counts: dict[str, int]
    counts: dict[str, int]
    failed_inputs: pd.DataFrame
    reports: ReportPaths
    warehouse_url: str
    files: pd.DataFrame | None = None  # schema.FILES_COLUMNS + rows_loaded, rows_quarantined
    timeliness: pd.DataFrame | None = None  # validators.timeliness.TIMELINESS_CHECK_COLUMNS
    checkpoint: CheckpointOutcome | None = None


@task(name="read", cache_policy=NO_CACHE)
def read_task(
    paper_dir: Path, electronic_dir: Path, offices_file: Path | None, profile: Path | None
) -> pipeline.Inputs:
    stage("read")
    inputs = pipeline.read_inputs(paper_dir, electronic_dir, offices_file, profile)
    logger = get_run_logger()
    logger.info(
        "read %d paper rows from %d files, %d electronic rows from %d files",
        len(inputs.paper.records),
        inputs.paper.files["file"].nunique(),
        len(inputs.electronic.records),
        inputs.electronic.files["file"].nunique(),
    )
    for row in pd.concat([inputs.paper.failed, inputs.electronic.failed]).itertuples():
        logger.error("input %s could not be read: %s", row.file, row.reason)
    return inputs


@task(name="validate", cache_policy=NO_CACHE)
def validate_task(inputs: pipeline.Inputs) -> pipeline.Checked:
    stage("validate")
    checked = pipeline.validate_inputs(inputs)
    logger = get_run_logger()
    logger.info("row counts: %s", pipeline.row_counts(inputs, checked))
    contradicting = int(checked.timeliness["contradicts"].sum())
    if contradicting:
        logger.warning("%d rows state a timeliness their dates contradict", contradicting)
    return checked


@task(name="reconcile", cache_policy=NO_CACHE)
def reconcile_task(
    inputs: pipeline.Inputs, checked: pipeline.Checked, period: Period, config: ReconcileConfig
) -> ReconcileResult:
    stage("reconcile")
    result = reconcile(
        inputs.paper.records, inputs.electronic.records, checked.quarantine, period, config,
        findings=pipeline.timeliness_findings(checked),
    )
    get_run_logger().info(
        "%d matches, mismatches by type: %s", len(result.matches), result.mismatch_counts().to_dict()
    )
    return result


@task(
    name="load", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5, retry_condition_fn=_transient_only
)
def load_task(
    url: str,
    run: warehouse.RunRecord,
    inputs: pipeline.Inputs,
    checked: pipeline.Checked,
    result: ReconcileResult,
) -> warehouse.LoadStats:
    stage("load")
    stats = warehouse.load_run(
        url,
        run,
        offices=inputs.offices,
        files=pipeline.file_counts(inputs, checked),
        paper=checked.paper.valid,
        electronic=checked.electronic.valid,
        quarantine=checked.quarantine,
        matches=result.matches,
        mismatches=result.mismatches,
        summary=result.summary,
        breakdown=result.breakdown,
        counts=pipeline.row_counts(inputs, checked),
    )
    get_run_logger().info("warehouse loaded: %s", stats)
    return stats


@task(name="checkpoint", cache_policy=NO_CACHE)
def checkpoint_task(url: str, run_id: str, counts: dict[str, int], docs_dir: Path) -> CheckpointOutcome:
    """Great Expectations over the loaded warehouse; GX is imported here (it costs seconds). Shown
    as its own stage of the CLI's progress display."""
    from doisoat.validators.checkpoint import run_checkpoint

    stage("checkpoint")

    outcome = run_checkpoint(url, run_id, counts, docs_dir)
    logger = get_run_logger()
    if outcome.success:
        logger.info("checkpoint: %d expectations met; Data Docs in %s", outcome.evaluated, outcome.data_docs)
    else:
        logger.error("%s", outcome.message())
    return outcome


@task(name="report", cache_policy=NO_CACHE)
def report_task(
    result: ReconcileResult,
    checked: pipeline.Checked,
    inputs: pipeline.Inputs,
    info: RunInfo,
    out_dir: Path,
    data_docs: Path | None = None,
) -> ReportPaths:
    stage("report")
    files = pipeline.file_counts(inputs, checked)
    paths = write_reports(result, checked.quarantine, files, info, out_dir, data_docs=data_docs)
    get_run_logger().info("report written to %s", paths.html)
    return paths


@flow(name="nightly-reconciliation", log_prints=True)
def nightly_reconciliation(
    paper_dir: str,
    electronic_dir: str,
    warehouse_url: str | None = None,
    report_dir: str = "doisoat-report",
    offices_file: str | None = None,
    profile: str | None = None,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    config_file: str | None = None,
) -> RunOutcome:
    """Reconcile the paper ledgers in `paper_dir` with the software exports in `electronic_dir`,
    load the warehouse at `warehouse_url` (default: a SQLite file in `report_dir`) and write the
    report to `report_dir`."""
    out = Path(report_dir)
    out.mkdir(parents=True, exist_ok=True)
    url = warehouse.resolve_url(warehouse_url, out / "doisoat.sqlite")
    config = ReconcileConfig.from_yaml(Path(config_file)) if config_file else ReconcileConfig()
    run_id = uuid.uuid4().hex
    started = dt.datetime.now()

    inputs = read_task(
        Path(paper_dir),
        Path(electronic_dir),
        Path(offices_file) if offices_file else None,
        Path(profile) if profile else None,
    )
    period = pipeline.derive_period(inputs, period_start, period_end)
    run = warehouse.RunRecord(
        run_id=run_id, started_at=started, period_start=period.start, period_end=period.end
    )
    warehouse.migrate(url)
    warehouse.start_run(url, run)
    try:
        checked = validate_task(inputs)
        result = reconcile_task(inputs, checked, period, config)
        counts = pipeline.row_counts(inputs, checked)
        load_task(url, run, inputs, checked, result)
        quality = checkpoint_task(url, run_id, counts, out / DATA_DOCS_DIR)
        info = RunInfo(
            run_id=run_id,
            generated_at=started,
            paper_dir=str(paper_dir),
            electronic_dir=str(electronic_dir),
            warehouse_url=redact_url(url),
        )
        paths = report_task(result, checked, inputs, info, out, quality.data_docs)
        if not quality.success:
            # the report and the Data Docs are written (they show what failed); the run fails
            raise QualityCheckError(quality.message())
    except Exception as exc:
        warehouse.finish_run(url, run_id, "failed", f"{type(exc).__name__}: {exc}")
        raise
    warehouse.finish_run(url, run_id, "succeeded")
    return RunOutcome(
        run_id=run_id,
        period=period,
        summary=result.summary,
        mismatch_counts={str(k): int(v) for k, v in result.mismatch_counts().items()},
        counts=counts,
        failed_inputs=pd.concat([inputs.paper.failed, inputs.electronic.failed], ignore_index=True),
        reports=paths,
        warehouse_url=url,
        files=pipeline.file_counts(inputs, checked),
        timeliness=checked.timeliness,
        checkpoint=quality,
    )
