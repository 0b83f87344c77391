"""A failed checkpoint fails the Prefect flow run and marks the run failed with the failing
expectations, after writing the report that links the Data Docs."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from doisoat import warehouse
from doisoat.errors import QualityCheckError
from doisoat.flows.nightly import nightly_reconciliation
from doisoat.scenario import generate
from doisoat.validators import checkpoint
from doisoat.validators.checkpoint import CheckpointOutcome

pytestmark = pytest.mark.usefixtures("prefect_harness")

FAILING = ["period_summary: paper on-time rate within 0–1 (1 rows break it, e.g. 1.5)"]


def test_a_failed_checkpoint_fails_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, object] = {}

    def failing_checkpoint(
        url: str, run_id: str, counts: Mapping[str, int], docs_dir: Path
    ) -> CheckpointOutcome:
        seen.update(url=url, run_id=run_id, counts=dict(counts))
        docs_dir.mkdir(parents=True, exist_ok=True)
        index = docs_dir / "index.html"
        index.write_text("<html>Data Docs</html>", encoding="utf-8")
        return CheckpointOutcome(success=False, failures=FAILING, evaluated=60, data_docs=index)

    monkeypatch.setattr(checkpoint, "run_checkpoint", failing_checkpoint)  # GX itself: test_checkpoint.py
    gen = generate("small", tmp_path / "input", seed=7)
    url = f"sqlite:///{tmp_path / 'w.sqlite'}"
    out = tmp_path / "report"
    with pytest.raises(QualityCheckError, match="paper on-time rate within 0–1"):
        nightly_reconciliation(
            paper_dir=str(gen.paper_dir), electronic_dir=str(gen.electronic_dir), warehouse_url=url,
            report_dir=str(out), offices_file=str(gen.offices_file),
            period_start=gen.period_start, period_end=gen.period_end,
        )
    runs = warehouse.read_table(url, "run")
    assert runs["status"].tolist() == ["failed"]
    assert runs["run_id"].tolist() == [seen["run_id"]]
    message = str(runs["message"].iloc[0])
    assert message.startswith("QualityCheckError: data-quality checkpoint failed (1 of 60)")
    assert FAILING[0] in message
    counts = seen["counts"]
    assert isinstance(counts, dict) and counts["paper_rows_read"] == int(runs["paper_rows_read"].iloc[0])
    assert 'href="data_docs/index.html"' in (out / "report.html").read_text(encoding="utf-8")
