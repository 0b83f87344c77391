"""Pipeline steps that join stages: the ledger's own timeliness claims checked against its dates."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from doisoat import pipeline
from doisoat import schema as c
from doisoat.reconcile.engine import reconcile
from doisoat.reconcile.result import Period
from doisoat.validators import timeliness
from doisoat.validators.quarantine import PAPER, validate
from tests import factories as f

PERIOD = Period(dt.date(2019, 1, 1), dt.date(2019, 6, 28))


def test_a_row_claiming_on_time_but_returned_after_its_due_date_becomes_a_finding() -> None:
    paper = f.paper(
        {  # claims Đúng hạn, returned three working days after its due date
            c.DOSSIER_CODE: "000.01.22.H56-190102-0001",
            c.RECEIVED_AT: "02/01/2019 08:30",
            c.DUE_DATE: "07/01/2019",
            c.RETURNED_DATE: "10/01/2019",
            c.STATED_TIMELINESS: c.ON_TIME,
            c.RETURN_MARKS: 1,
        },
        {  # honest: Đúng hạn on its due date
            c.DOSSIER_CODE: "000.01.22.H56-190102-0002",
            c.RECEIVED_AT: "02/01/2019 09:00",
            c.DUE_DATE: "07/01/2019",
            c.RETURNED_DATE: "07/01/2019",
            c.STATED_TIMELINESS: c.ON_TIME,
            c.RETURN_MARKS: 1,
        },
    )
    valid = validate(paper, PAPER)
    assert valid.quarantine.empty  # a contradiction is reported, not quarantined
    checked = pipeline.Checked(
        paper=valid,
        electronic=validate(f.electronic(), "electronic"),
        timeliness=timeliness.recompute(valid.valid, PAPER),
    )
    base = reconcile(paper, f.electronic(), f.no_quarantine(), PERIOD)
    result = reconcile(
        paper, f.electronic(), f.no_quarantine(), PERIOD, findings=pipeline.timeliness_findings(checked)
    )
    found = result.mismatches[result.mismatches[c.MISMATCH_TYPE] == c.STATED_TIMELINESS_CONTRADICTION]
    assert found[c.PAPER_REF].tolist() == ["phuong-1_2019-01.xlsx!T01-2019!10"]
    assert found[c.DETAIL].iloc[0].startswith("Ghi Đúng hạn nhưng trả 10/01/2019")
    assert len(result.mismatches) == len(base.mismatches) + 1
    assert list(result.mismatches.columns) == c.MISMATCH_COLUMNS
    pd.testing.assert_frame_equal(result.summary, base.summary)
    # the breakdown counts it where its paper row belongs (its office, field, month…)
    rows = result.breakdown[result.breakdown[c.DIMENSION] == "office"]
    assert rows[c.STATED_TIMELINESS_CONTRADICTION].sum() >= 1
    assert base.breakdown[c.STATED_TIMELINESS_CONTRADICTION].sum() == 0


def test_two_contradictions_of_one_code_get_two_ids() -> None:
    late = {  # the same code written twice, both claiming Đúng hạn but returned late
        c.DOSSIER_CODE: "A-1",
        c.DUE_DATE: "07/01/2019",
        c.RETURNED_DATE: "10/01/2019",
        c.STATED_TIMELINESS: c.ON_TIME,
        c.RETURN_MARKS: 1,
    }
    paper = f.paper(
        {**late, c.RECEIVED_AT: "02/01/2019 08:30"}, {**late, c.RECEIVED_AT: "02/01/2019 09:30"}
    )
    valid = validate(paper, PAPER)
    checked = pipeline.Checked(
        paper=valid,
        electronic=validate(f.electronic(), "electronic"),
        timeliness=timeliness.recompute(valid.valid, PAPER),
    )
    made = pipeline.timeliness_findings(checked)
    assert len(made) == 2 and not made[c.MISMATCH_ID].is_unique  # one identity: office + code
    result = reconcile(paper, f.electronic(), f.no_quarantine(), PERIOD, findings=made)
    found = result.mismatches[result.mismatches[c.MISMATCH_TYPE] == c.STATED_TIMELINESS_CONTRADICTION]
    assert len(found) == 2 and result.mismatches[c.MISMATCH_ID].is_unique
