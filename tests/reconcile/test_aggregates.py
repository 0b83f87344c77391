"""The summary counts as the offices count: the Tây Ninh formulas on hand-built rows."""

from __future__ import annotations

import datetime as dt

import pytest

from doisoat import schema as c
from doisoat.reconcile.aggregates import summarise
from doisoat.reconcile.result import Period
from tests import factories as f

PERIOD = Period(dt.date(2019, 1, 1), dt.date(2019, 6, 28))
CITY = {c.UNIT_CODE: "000.00.22.H56", c.UNIT_NAME: "Thành phố Tây Ninh", c.LEVEL: c.LEVEL_CITY}


def test_summary_rows_and_rates() -> None:
    paper = f.paper(
        {**CITY, c.RECEIVED_AT: "02/01/2019", c.STATED_TIMELINESS: c.ON_TIME},
        {**CITY, c.RECEIVED_AT: "02/01/2019", c.STATED_TIMELINESS: c.LATE},
        {**CITY, c.RECEIVED_AT: "03/01/2019", c.STATED_TIMELINESS: c.EARLY},
        {**CITY, c.RECEIVED_AT: "04/01/2019"},  # in progress, not yet due
        {c.RECEIVED_AT: "02/01/2019", c.STATED_TIMELINESS: c.ON_TIME},  # ward
    )
    electronic = f.electronic(
        # open past due at period end → overdue although not marked
        {**CITY, c.RECEIVED_AT: "02/01/2019", c.DUE_DATE: "10/01/2019", c.STATUS: "processing"},
        # open but due after the period end → not overdue
        {**CITY, c.RECEIVED_AT: "27/06/2019", c.DUE_DATE: "01/07/2019", c.STATUS: "processing"},
        # returned, marked late
        {**CITY, c.RECEIVED_AT: "02/01/2019", c.STATED_TIMELINESS: c.LATE, c.RETURNED_DATE: "20/01/2019"},
    )
    s = summarise(paper, electronic, PERIOD).set_index([c.LEVEL, c.UNIT_CODE])
    assert list(s.reset_index().columns) == c.SUMMARY_COLUMNS
    city_total = s.loc[(c.LEVEL_CITY, c.ALL_UNITS)]
    assert city_total[c.PAPER_RECEIVED] == 4
    assert city_total[c.ELECTRONIC_RECEIVED] == 3
    assert city_total[c.RECEIVED_DIFFERENCE] == -1
    assert city_total[c.PAPER_OVERDUE] == 1
    assert city_total[c.ELECTRONIC_OVERDUE] == 2
    assert city_total[c.OVERDUE_DIFFERENCE] == 1
    assert city_total[c.PAPER_ON_TIME_RATE] == pytest.approx(0.75)
    assert city_total[c.ELECTRONIC_ON_TIME_RATE] == pytest.approx(1 / 3)
    ward_total = s.loc[(c.LEVEL_WARD, c.ALL_UNITS)]
    assert (ward_total[c.PAPER_RECEIVED], ward_total[c.ELECTRONIC_RECEIVED]) == (1, 0)
    assert s.loc[(c.LEVEL_WARD, "000.01.22.H56")][c.UNIT_NAME] == "Phường 1"
    assert ward_total[c.PERIOD_END] == dt.date(2019, 6, 28)


def test_tay_ninh_rate_formula() -> None:
    rows = [{**CITY, c.RECEIVED_AT: "02/01/2019", c.STATED_TIMELINESS: c.ON_TIME}] * 9144
    for i in range(25):
        rows[i] = {**rows[i], c.STATED_TIMELINESS: c.LATE}
    s = summarise(f.paper(*rows), f.electronic(), PERIOD)
    rate = s.loc[s[c.UNIT_CODE] == c.ALL_UNITS, c.PAPER_ON_TIME_RATE].iloc[0]
    assert round(rate * 100, 2) == 99.73
