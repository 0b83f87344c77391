"""The nightly flow end to end on a generated scenario, under Prefect's test harness."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from doisoat import schema as c
from doisoat import warehouse
from doisoat.flows.nightly import RunOutcome, nightly_reconciliation
from doisoat.scenario import GeneratedScenario, generate

pytestmark = pytest.mark.usefixtures("prefect_harness")

FIGURES = [
    c.PAPER_RECEIVED,
    c.ELECTRONIC_RECEIVED,
    c.PAPER_OVERDUE,
    c.ELECTRONIC_OVERDUE,
]


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[GeneratedScenario, RunOutcome, Path]:
    root = tmp_path_factory.mktemp("small")
    gen = generate("small", root / "input", seed=7)
    out = root / "report"
    outcome = nightly_reconciliation(
        paper_dir=str(gen.paper_dir),
        electronic_dir=str(gen.electronic_dir),
        warehouse_url=f"sqlite:///{root / 'w.sqlite'}",
        report_dir=str(out),
        offices_file=str(gen.offices_file),
        period_start=gen.period_start,
        period_end=gen.period_end,
    )
    return gen, outcome, out


def _figures(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.set_index([c.LEVEL, c.UNIT_CODE])[FIGURES].astype("int64").sort_index()


def test_summary_equals_the_scenario_figures(small: tuple[GeneratedScenario, RunOutcome, Path]) -> None:
    gen, outcome, _ = small
    pd.testing.assert_frame_equal(_figures(outcome.summary), _figures(gen.expected))


def test_outputs_are_written_with_the_contract_columns(
    small: tuple[GeneratedScenario, RunOutcome, Path],
) -> None:
    _, outcome, out = small
    names = ("summary.csv", "breakdown.csv", "mismatches.csv", "matches.csv", "report.html", "report.xlsx")
    for name in names:
        assert (out / name).stat().st_size > 0, name
    summary = pd.read_csv(out / "summary.csv", encoding="utf-8-sig")
    assert list(summary.columns) == c.SUMMARY_COLUMNS
    assert list(pd.read_csv(out / "mismatches.csv", encoding="utf-8-sig").columns) == c.MISMATCH_COLUMNS
    assert list(pd.read_csv(out / "matches.csv", encoding="utf-8-sig").columns) == c.MATCH_COLUMNS
    summary[c.UNIT_CODE] = summary[c.UNIT_CODE].astype(str)
    pd.testing.assert_frame_equal(_figures(summary), _figures(outcome.summary))
    # the breakdown's office rows repeat the summary's figures; every link says which fields agreed
    breakdown = pd.read_csv(out / "breakdown.csv", encoding="utf-8-sig", dtype={c.UNIT_CODE: str})
    assert list(breakdown.columns) == c.BREAKDOWN_COLUMNS
    offices = breakdown[(breakdown[c.DIMENSION] == "office") & (breakdown[c.UNIT_CODE] != c.ALL_UNITS)]
    per_office = summary[summary[c.UNIT_CODE] != c.ALL_UNITS]
    pd.testing.assert_frame_equal(_figures(offices), _figures(per_office))
    months = breakdown[(breakdown[c.DIMENSION] == "month") & (breakdown[c.UNIT_CODE] == c.ALL_UNITS)]
    levels = summary[summary[c.UNIT_CODE] == c.ALL_UNITS].set_index(c.LEVEL)
    by_level = months.groupby(c.LEVEL)[c.PAPER_RECEIVED].sum()
    assert by_level.to_dict() == levels[c.PAPER_RECEIVED].to_dict()
    matches = pd.read_csv(out / "matches.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    agreed = matches[c.AGREED]
    assert agreed.str.match(r"^[a-z]+(\+[a-z]+)*$").all() and agreed.str.contains("code").any()


def test_every_injected_finding_is_found_and_nothing_else(
    small: tuple[GeneratedScenario, RunOutcome, Path],
) -> None:
    gen, _, out = small
    truth = pd.read_csv(gen.truth_file, dtype=str, keep_default_na=False)
    found = pd.read_csv(out / "mismatches.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    key = [c.MISMATCH_TYPE, c.PAPER_REF, c.ELECTRONIC_REF]
    expected = set(map(tuple, truth.loc[truth["kind"] == "mismatch", key].to_numpy()))
    got = set(map(tuple, found[key].to_numpy()))
    assert got - expected == set(), "reported but not injected"
    assert expected - got == set(), "injected but not reported"
    links = set(map(tuple, truth.loc[truth["kind"] == "link", [c.PAPER_REF, c.ELECTRONIC_REF]].to_numpy()))
    matches = pd.read_csv(out / "matches.csv", dtype=str, encoding="utf-8-sig")
    assert set(map(tuple, matches[[c.PAPER_REF, c.ELECTRONIC_REF]].to_numpy())) == links


def test_rows_are_conserved_and_recorded(small: tuple[GeneratedScenario, RunOutcome, Path]) -> None:
    _, outcome, _ = small
    n = outcome.counts
    assert n["paper_rows_read"] == n["paper_rows_loaded"] + n["paper_rows_quarantined"]
    assert n["electronic_rows_read"] == n["electronic_rows_loaded"] + n["electronic_rows_quarantined"]
    assert n["paper_rows_quarantined"] > 0  # the scenario injects invalid rows
    run = warehouse.read_table(outcome.warehouse_url, "run")
    row = run[run["run_id"] == outcome.run_id].iloc[0]
    assert row["status"] == "succeeded"
    for key, value in n.items():
        assert int(row[key]) == value, key


def test_the_warehouse_holds_the_same_summary(small: tuple[GeneratedScenario, RunOutcome, Path]) -> None:
    _, outcome, _ = small
    view = warehouse.read_table(outcome.warehouse_url, "v_period_summary")
    pd.testing.assert_frame_equal(_figures(view), _figures(outcome.summary))


def test_a_second_run_on_the_same_inputs_changes_no_record(
    small: tuple[GeneratedScenario, RunOutcome, Path], tmp_path: Path
) -> None:
    gen, first, _ = small
    before = {
        t: len(warehouse.read_table(first.warehouse_url, t)) for t in ("paper_record", "electronic_record")
    }
    second = nightly_reconciliation(
        paper_dir=str(gen.paper_dir),
        electronic_dir=str(gen.electronic_dir),
        warehouse_url=first.warehouse_url,
        report_dir=str(tmp_path / "again"),
        offices_file=str(gen.offices_file),
        period_start=gen.period_start,
        period_end=gen.period_end,
    )
    after = {
        t: len(warehouse.read_table(first.warehouse_url, t)) for t in ("paper_record", "electronic_record")
    }
    assert after == before
    mism = warehouse.read_table(first.warehouse_url, "mismatch")
    assert set(mism["mismatch_id"]) == set(pd.read_csv(tmp_path / "again" / "mismatches.csv")["mismatch_id"])
    assert (mism["last_seen_run"] == second.run_id).all()
    assert (mism["first_seen_run"] == first.run_id).all()
