"""The fuzzy pass and the engine's invariants on generated frames with ground truth."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from doisoat import schema as c
from doisoat.reconcile.engine import reconcile
from doisoat.reconcile.evidence import agreed_text
from doisoat.reconcile.result import Period, ReconcileResult
from tests import factories as f
from tests.reconcile.linkage_scenario import Linkage, generate_linkage, quality


@pytest.fixture(scope="module")
def scenario() -> Linkage:
    return generate_linkage(800, offices=2, seed=3)


@pytest.fixture(scope="module")
def result(scenario: Linkage) -> ReconcileResult:
    return reconcile(
        scenario.paper, scenario.electronic, f.no_quarantine(), Period(scenario.start, scenario.end)
    )


def test_links_are_one_to_one_and_explained(result: ReconcileResult) -> None:
    m = result.matches
    assert m[c.PAPER_REF].is_unique and m[c.ELECTRONIC_REF].is_unique
    assert list(m.columns[:4]) == c.MATCH_COLUMNS[:4]
    assert {"fuzzy", "exact_code"} <= set(m[c.METHOD])
    fuzzy = m[m[c.METHOD] == "fuzzy"]
    # the explanation is one byte per link in memory, text in the outputs
    assert m[c.AGREED].dtype == "uint8"
    agreed = agreed_text(fuzzy[c.AGREED])
    assert (fuzzy["points"] >= 6).all() and agreed.str.contains("applicant").mean() > 0.95
    exact = agreed_text(m.loc[m[c.METHOD] == "exact_code", c.AGREED])
    assert exact.str.startswith("code").all()


def test_quality_on_the_generated_scenario(scenario: Linkage, result: ReconcileResult) -> None:
    q = quality(result.matches, result.mismatches, scenario.truth).set_index("what")
    assert q.loc["link", "precision"] >= 0.98 and q.loc["link", "recall"] >= 0.97
    for kind in (c.PROCEDURE_MISMATCH, c.TIMELINESS_CONFLICT, c.DUPLICATE_ELECTRONIC):
        assert q.loc[kind, "f1"] >= 0.95, kind


def test_shuffled_inputs_give_the_same_ids_and_links(scenario: Linkage, result: ReconcileResult) -> None:
    p = scenario.paper.sample(frac=1.0, random_state=1)
    e = scenario.electronic.sample(frac=1.0, random_state=2)
    again = reconcile(p, e, f.no_quarantine(), Period(scenario.start, scenario.end))
    assert set(again.mismatches[c.MISMATCH_ID]) == set(result.mismatches[c.MISMATCH_ID])
    pairs = set(zip(result.matches[c.PAPER_REF], result.matches[c.ELECTRONIC_REF], strict=True))
    assert set(zip(again.matches[c.PAPER_REF], again.matches[c.ELECTRONIC_REF], strict=True)) == pairs


def test_reconciling_twice_is_idempotent(scenario: Linkage, result: ReconcileResult) -> None:
    again = reconcile(
        scenario.paper, scenario.electronic, f.no_quarantine(), Period(scenario.start, scenario.end)
    )
    pd.testing.assert_frame_equal(again.mismatches, result.mismatches)
    pd.testing.assert_frame_equal(again.matches, result.matches)


def test_breakdown_has_sync_rate_per_procedure(result: ReconcileResult) -> None:
    b = result.breakdown
    assert {"office", "field", "procedure", "channel", "month"} <= set(b[c.DIMENSION])
    total = b[(b[c.DIMENSION] == "office") & (b[c.UNIT_CODE] == c.ALL_UNITS)]
    matched = len(result.matches)
    assert total["paper_matched"].sum() == matched
    assert total[c.SYNC_RATE].between(0, 1).all()


PAIR = {
    c.DOSSIER_CODE: "000.01.22.H56-190102-0001",
    c.RECEIVED_AT: "02/01/2019 08:30",
    c.DUE_DATE: "02/01/2019",
    c.RETURNED_DATE: "02/01/2019",
    c.STATED_TIMELINESS: c.ON_TIME,
}
PERIOD = Period(pd.Timestamp("2019-01-01").date(), pd.Timestamp("2019-06-28").date())


def test_paper_row_without_code_links_fuzzily_despite_abbreviation_and_lag() -> None:
    p = f.paper(
        {
            **PAIR,
            c.DOSSIER_CODE: None,
            c.PROCEDURE_NAME: "CT bản sao",
            c.APPLICANT_NAME: "Nguyen Van An",
            c.RECEIVED_AT: "02/01/2019",
        }
    )
    e = f.electronic(
        {**PAIR, c.RECEIVED_AT: "04/01/2019 09:00", c.DUE_DATE: "04/01/2019", c.RETURNED_DATE: "04/01/2019"}
    )
    r = reconcile(p, e, f.no_quarantine(), PERIOD)
    assert r.matches[c.METHOD].tolist() == ["fuzzy"] and r.mismatches.empty


def test_neighbours_code_goes_to_its_own_record() -> None:
    # paper row of Lê Thị Mai carries Nguyễn Văn An's (valid) code; her record has the next code
    p = f.paper({**PAIR, c.APPLICANT_NAME: "Lê Thị Mai"})
    e = f.electronic(
        {**PAIR, c.APPLICANT_NAME: "Nguyễn Văn An", c.PROCEDURE_NAME: "Chứng thực chữ ký"},
        {**PAIR, c.DOSSIER_CODE: "000.01.22.H56-190102-0002", c.APPLICANT_NAME: "Lê Thị Mai"},
    )
    r = reconcile(p, e, f.no_quarantine(), PERIOD)
    assert r.matches[[c.ELECTRONIC_REF, c.METHOD]].values.tolist() == [["phuong-1.csv#3", "fuzzy"]]
    assert sorted(r.mismatches[c.MISMATCH_TYPE]) == [c.MISSING_PAPER]


def test_day_and_month_swapped_on_paper_is_not_a_finding() -> None:
    p = f.paper({**PAIR, c.DOSSIER_CODE: None, c.RECEIVED_AT: "01/02/2019"})  # 1 Feb written for 2 Jan
    r = reconcile(p, f.electronic(PAIR), f.no_quarantine(), PERIOD)
    assert len(r.matches) == 1 and r.mismatches.empty


@settings(max_examples=4, deadline=None)
@given(st.integers(0, 10_000))
def test_ids_do_not_depend_on_row_order(seed: int) -> None:
    g = generate_linkage(80, offices=1, seed=seed % 7)
    a = reconcile(g.paper, g.electronic, f.no_quarantine(), Period(g.start, g.end))
    b = reconcile(
        g.paper.sample(frac=1.0, random_state=seed),
        g.electronic.sample(frac=1.0, random_state=seed + 1),
        f.no_quarantine(),
        Period(g.start, g.end),
    )
    assert a.mismatches[c.MISMATCH_ID].tolist() == b.mismatches[c.MISMATCH_ID].tolist()


def test_right_code_with_another_applicant_links_back_and_reports_the_applicant() -> None:
    p = f.paper({**PAIR, c.APPLICANT_NAME: "Lê Thị Mai"})
    r = reconcile(p, f.electronic(PAIR), f.no_quarantine(), PERIOD)
    assert r.matches[c.METHOD].tolist() == ["exact_code"]
    assert r.mismatches[c.MISMATCH_TYPE].tolist() == [c.APPLICANT_MISMATCH]


def test_code_copied_from_the_row_above_is_not_a_duplicate() -> None:
    # the same person filed two dossiers; the clerk wrote the first code twice
    second = {**PAIR, c.DOSSIER_CODE: "000.01.22.H56-190102-0002", c.RECEIVED_AT: "02/01/2019 08:40"}
    p = f.paper(PAIR, {**PAIR, c.RECEIVED_AT: "02/01/2019 00:00"})
    r = reconcile(p, f.electronic(PAIR, second), f.no_quarantine(), PERIOD)
    assert sorted(r.matches[c.METHOD]) == ["exact_code", "fuzzy"] and r.mismatches.empty
    # written twice with no second record: a duplicate
    r = reconcile(p, f.electronic(PAIR), f.no_quarantine(), PERIOD)
    assert r.mismatches[c.MISMATCH_TYPE].tolist() == [c.DUPLICATE_PAPER]


def test_a_typo_in_the_family_name_is_not_another_person() -> None:
    p = f.paper({**PAIR, c.APPLICANT_NAME: "Tần Thị Tuấn"})
    e = f.electronic({**PAIR, c.APPLICANT_NAME: "Trần Thị Tuấn"})
    assert reconcile(p, e, f.no_quarantine(), PERIOD).mismatches.empty


def test_a_code_one_number_off_names_the_neighbouring_dossier_not_this_one() -> None:
    # one person files two copies at 08:30; the first row's code is its own (that record is
    # missing), the second row has none; the software holds only the second dossier (code 0002)
    batch = {**PAIR, c.APPLICANT_NAME: "Nguyễn Kim Lan", c.PROCEDURE_NAME: "Chứng thực bản sao từ bản chính"}
    p = f.paper(batch, {**batch, c.DOSSIER_CODE: None, c.PROCEDURE_NAME: "CT bản sao từ bản chính"})
    e = f.electronic(
        {**batch, c.DOSSIER_CODE: "000.01.22.H56-190102-0002", c.RECEIVED_AT: "02/01/2019 08:30:40"}
    )
    r = reconcile(p, e, f.no_quarantine(), PERIOD)
    assert r.matches[c.PAPER_REF].tolist() == [p[c.REF].iloc[1]]
    missing = r.mismatches[[c.MISMATCH_TYPE, c.PAPER_REF]].values.tolist()
    assert missing == [[c.MISSING_ELECTRONIC, p[c.REF].iloc[0]]]


def test_the_same_minute_tells_which_dossier_was_entered_days_later() -> None:
    # two of the person's dossiers on paper, neither with a code; the software has one, entered two
    # working days later with the paper's time of day (09:44): it is the second row's
    batch = {**PAIR, c.DOSSIER_CODE: None, c.APPLICANT_NAME: "Nguyễn Thị My"}
    p = f.paper({**batch, c.RECEIVED_AT: "02/01/2019 09:31"}, {**batch, c.RECEIVED_AT: "02/01/2019 09:44"})
    e = f.electronic(
        {
            **PAIR,
            c.APPLICANT_NAME: "Nguyễn Thị My",
            c.RECEIVED_AT: "04/01/2019 09:44:11",
            c.DUE_DATE: "04/01/2019",
            c.RETURNED_DATE: "04/01/2019",
        }
    )
    r = reconcile(p, e, f.no_quarantine(), PERIOD)
    assert r.matches[c.PAPER_REF].tolist() == [p[c.REF].iloc[1]]
    missing = r.mismatches[[c.MISMATCH_TYPE, c.PAPER_REF]].values.tolist()
    assert missing == [[c.MISSING_ELECTRONIC, p[c.REF].iloc[0]]]
    # a time that differs on another day is no evidence against the pair: the lone row still links
    r = reconcile(p.iloc[[0]], e, f.no_quarantine(), PERIOD)
    assert len(r.matches) == 1 and r.mismatches.empty


def _alone(paper: dict[str, object], record: dict[str, object]) -> list[str]:
    """Finding types when a paper row without a code meets a record weeks away."""
    p = f.paper({**PAIR, c.DOSSIER_CODE: None, c.PROCEDURE_NAME: "Đăng ký khai sinh", **paper})
    e = f.electronic({**PAIR, c.PROCEDURE_NAME: "Đăng ký khai sinh", **record})
    return sorted(reconcile(p, e, f.no_quarantine(), PERIOD).mismatches[c.MISMATCH_TYPE])


def test_a_date_entered_weeks_off_is_one_dossier_despite_a_name_typo_or_a_swapped_date() -> None:
    record = {
        c.APPLICANT_NAME: "Huỳnh Bích Vy",
        c.RECEIVED_AT: "02/01/2019 08:26:26",
    }
    typo = {
        c.APPLICANT_NAME: "Huỳnh Bích y",
        c.RECEIVED_AT: "21/01/2019 08:26",
        c.DUE_DATE: "21/01/2019",
        c.RETURNED_DATE: "21/01/2019",
    }
    assert _alone(typo, record) == [c.DATE_MISMATCH]
    # received 3 June, written 06/03 (March); the software says 20 May (ten working days before)
    swapped = {
        c.APPLICANT_NAME: "Huỳnh Bích Vy",
        c.RECEIVED_AT: "06/03/2019 08:26",
        c.DUE_DATE: "03/06/2019",
        c.RETURNED_DATE: "03/06/2019",
    }
    late = {
        **record,
        c.RECEIVED_AT: "20/05/2019 08:26:26",
        c.DUE_DATE: "20/05/2019",
        c.RETURNED_DATE: "20/05/2019",
    }
    assert _alone(swapped, late) == [c.DATE_MISMATCH]


def test_a_namesake_weeks_away_at_another_time_of_day_is_not_the_same_dossier() -> None:
    record = {c.APPLICANT_NAME: "Huỳnh Bích Vy", c.RECEIVED_AT: "02/01/2019 08:26:26"}
    namesake = {
        c.APPLICANT_NAME: "Huỳnh Bích Vy",
        c.RECEIVED_AT: "21/01/2019 10:40",
        c.DUE_DATE: "21/01/2019",
        c.RETURNED_DATE: "21/01/2019",
    }
    assert _alone(namesake, record) == [c.MISSING_ELECTRONIC, c.MISSING_PAPER]
    # with no time of day on paper, the name and procedure still make it one dossier
    assert _alone({**namesake, c.RECEIVED_AT: "21/01/2019"}, record) == [c.DATE_MISMATCH]
