"""The summary counts as the offices count: the Tây Ninh formulas on hand-built rows."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from doisoat import schema as c
from doisoat.reconcile import timeliness as tl
from doisoat.reconcile.aggregates import PAPER_MATCHED, _procedure_labels, breakdown, summarise
from doisoat.reconcile.engine import reconcile
from doisoat.reconcile.result import Period
from tests import factories as f
from tests.reconcile.linkage_scenario import generate_linkage

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


def _summary_rows() -> tuple[pd.DataFrame, pd.DataFrame]:
    paper = f.paper(
        {**CITY, c.RECEIVED_AT: "02/01/2019", c.STATED_TIMELINESS: c.ON_TIME},
        {**CITY, c.RECEIVED_AT: "02/01/2019", c.STATED_TIMELINESS: c.LATE},
        {**CITY, c.RECEIVED_AT: "03/01/2019", c.STATED_TIMELINESS: c.EARLY},
        {**CITY, c.RECEIVED_AT: "04/01/2019"},
        {c.RECEIVED_AT: "02/01/2019", c.STATED_TIMELINESS: c.ON_TIME},  # ward
    )
    electronic = f.electronic(
        {**CITY, c.RECEIVED_AT: "02/01/2019", c.DUE_DATE: "10/01/2019", c.STATUS: "processing"},
        {**CITY, c.RECEIVED_AT: "27/06/2019", c.DUE_DATE: "01/07/2019", c.STATUS: "processing"},
        {**CITY, c.RECEIVED_AT: "02/01/2019", c.STATED_TIMELINESS: c.LATE, c.RETURNED_DATE: "20/01/2019"},
    )
    return paper, electronic


def test_breakdown_differences_and_rates_as_the_summary_defines_them() -> None:
    paper, electronic = _summary_rows()
    b = breakdown(paper, electronic, PERIOD)
    assert list(b.columns) == c.BREAKDOWN_COLUMNS
    # the office dimension is the summary again: same counts, differences and rates per row
    offices = b[b[c.DIMENSION] == "office"].set_index([c.LEVEL, c.UNIT_CODE])
    s = summarise(paper, electronic, PERIOD).set_index([c.LEVEL, c.UNIT_CODE])
    shared = c.SUMMARY_COLUMNS[5:]
    pd.testing.assert_frame_equal(
        offices.loc[s.index, shared].reset_index(drop=True),
        s[shared].reset_index(drop=True),
        check_dtype=False,
    )
    months = b[(b[c.DIMENSION] == "month") & (b[c.UNIT_CODE] == c.ALL_UNITS) & (b[c.LEVEL] == c.LEVEL_CITY)]
    jan, jun = (months.set_index(c.DIMENSION_VALUE).loc[m] for m in ("2019-01", "2019-06"))
    # January: 4 paper rows (one late), 2 records (one open past due, one returned late)
    assert [jan[k] for k in c.BREAKDOWN_COUNTS[:6]] == [4, 2, 1, 2, -2, 1]
    assert jan[c.PAPER_ON_TIME_RATE] == pytest.approx(0.75)
    assert jan[c.ELECTRONIC_ON_TIME_RATE] == pytest.approx(0.0)
    assert jan[c.SYNC_RATE] == pytest.approx(0.0)  # nothing linked
    # June: one record, no paper: the paper rate and the sync rate are undefined, not 0 or 1
    assert [jun[k] for k in c.BREAKDOWN_COUNTS[:6]] == [0, 1, 0, 0, 1, 0]
    assert np.isnan(jun[c.PAPER_ON_TIME_RATE]) and np.isnan(jun[c.SYNC_RATE])
    assert jun[c.ELECTRONIC_ON_TIME_RATE] == pytest.approx(1.0)
    rates = b[c.BREAKDOWN_RATES].to_numpy()
    assert ((rates[~np.isnan(rates)] >= 0) & (rates[~np.isnan(rates)] <= 1)).all()


def test_tay_ninh_rate_formula() -> None:
    rows = [{**CITY, c.RECEIVED_AT: "02/01/2019", c.STATED_TIMELINESS: c.ON_TIME}] * 9144
    for i in range(25):
        rows[i] = {**rows[i], c.STATED_TIMELINESS: c.LATE}
    s = summarise(f.paper(*rows), f.electronic(), PERIOD)
    rate = s.loc[s[c.UNIT_CODE] == c.ALL_UNITS, c.PAPER_ON_TIME_RATE].iloc[0]
    assert round(rate * 100, 2) == 99.73


def _breakdown_by_group_by(
    paper: pd.DataFrame,
    electronic: pd.DataFrame,
    period: Period,
    matches: pd.DataFrame,
    mismatches: pd.DataFrame,
) -> pd.DataFrame:
    """The breakdown's definition as plain pandas group-bys over the dimension strings (how it was
    computed before the integer-code counts): the reference the fast form must equal."""
    e_channel = electronic[c.CHANNEL].astype("string")
    link = pd.Index(matches[c.PAPER_REF].to_numpy(dtype=object)).get_indexer(
        paper[c.REF].to_numpy(dtype=object)
    )
    e_refs = np.append(matches[c.ELECTRONIC_REF].to_numpy(dtype=object), np.nan)[
        np.where(link >= 0, link, -1)
    ]
    record = pd.Index(electronic[c.REF].to_numpy(dtype=object)).get_indexer(e_refs)
    p_channel = e_channel.take(np.maximum(record, 0)).where(record >= 0).to_numpy()

    def month(received: pd.Series) -> pd.Series:
        return pd.to_datetime(received).dt.strftime("%Y-%m").astype("string")

    # the labels (field, procedure) are not what this reference checks: the same helper gives them
    p_field, p_proc = _procedure_labels(paper[c.PROCEDURE_NAME])
    e_field_ref, e_proc = _procedure_labels(electronic[c.PROCEDURE_NAME])
    dims = ["office", "field", "procedure", "channel", "month"]

    def frame(df: pd.DataFrame, **cols: object) -> pd.DataFrame:
        out = pd.DataFrame(
            {
                c.REF: df[c.REF].to_numpy(),
                c.LEVEL: df[c.LEVEL].to_numpy(),
                c.UNIT_CODE: df[c.UNIT_CODE].to_numpy(),
                **cols,
            }
        )
        return out.astype({k: "string" for k in (c.LEVEL, c.UNIT_CODE, *dims)})

    p = frame(
        paper,
        office=paper[c.UNIT_CODE].to_numpy(),
        field=p_field,
        procedure=p_proc,
        channel=p_channel,
        month=month(paper[c.RECEIVED_AT]).to_numpy(),
        **{
            c.PAPER_RECEIVED: 1,
            c.PAPER_OVERDUE: tl.paper_overdue(paper).to_numpy().astype("int64"),
            PAPER_MATCHED: (link >= 0).astype("int64"),
        },
    )
    e = frame(
        electronic,
        office=electronic[c.UNIT_CODE].to_numpy(),
        field=electronic[c.FIELD].astype("string").fillna(pd.Series(e_field_ref, index=electronic.index)),
        procedure=e_proc,
        channel=e_channel.to_numpy(),
        month=month(electronic[c.RECEIVED_AT]).to_numpy(),
        **{
            c.ELECTRONIC_RECEIVED: 1,
            c.ELECTRONIC_OVERDUE: tl.electronic_overdue(electronic, period.end).to_numpy().astype("int64"),
        },
    )
    cols = [c.LEVEL, c.UNIT_CODE, *dims]
    pa_ = p[[c.REF, *cols]].drop_duplicates(c.REF).set_index(c.REF)
    ea_ = e[[c.REF, *cols]].drop_duplicates(c.REF).set_index(c.REF)
    has_p = mismatches[c.PAPER_REF].notna().to_numpy()
    found = pd.concat(
        [
            pa_.reindex(mismatches.loc[has_p, c.PAPER_REF].to_numpy()).assign(
                _type=mismatches.loc[has_p, c.MISMATCH_TYPE].to_numpy()
            ),
            ea_.reindex(mismatches.loc[~has_p, c.ELECTRONIC_REF].to_numpy()).assign(
                _type=mismatches.loc[~has_p, c.MISMATCH_TYPE].to_numpy()
            ),
        ],
        ignore_index=True,
    ).astype({k: "string" for k in cols})
    frames = []
    for dimension in dims:
        for total in (True, False):
            keys = [c.LEVEL, c.UNIT_CODE, dimension]
            pp, ee, ff = p, e, found
            if total:
                pp, ee, ff = (x.assign(**{c.UNIT_CODE: c.ALL_UNITS}) for x in (p, e, found))
            pc = pp.groupby(keys, dropna=False)[[c.PAPER_RECEIVED, c.PAPER_OVERDUE, PAPER_MATCHED]].sum()
            ec = ee.groupby(keys, dropna=False)[[c.ELECTRONIC_RECEIVED, c.ELECTRONIC_OVERDUE]].sum()
            fc = ff.groupby([*keys, "_type"], dropna=False).size().unstack("_type", fill_value=0)
            counts = pc.join(ec, how="outer").join(fc, how="left").reset_index()
            counts = counts.rename(columns={dimension: c.DIMENSION_VALUE})
            counts[c.DIMENSION] = dimension
            frames.append(counts)
    numbers = [c.PAPER_RECEIVED, c.ELECTRONIC_RECEIVED, c.PAPER_OVERDUE, c.ELECTRONIC_OVERDUE,
               PAPER_MATCHED, *c.MISMATCH_TYPES]
    out = pd.concat(frames, ignore_index=True).reindex(columns=[*c.BREAKDOWN_COLUMNS[:4], *numbers])
    out[numbers] = out[numbers].fillna(0).astype("int64")
    out[c.RECEIVED_DIFFERENCE] = out[c.ELECTRONIC_RECEIVED] - out[c.PAPER_RECEIVED]
    out[c.OVERDUE_DIFFERENCE] = out[c.ELECTRONIC_OVERDUE] - out[c.PAPER_OVERDUE]

    def share(part: pd.Series, whole: pd.Series) -> pd.Series:
        return (part / whole.where(whole > 0)).astype("float64")  # NaN without rows on that side

    p_n, e_n = out[c.PAPER_RECEIVED], out[c.ELECTRONIC_RECEIVED]
    out[c.PAPER_ON_TIME_RATE] = share(p_n - out[c.PAPER_OVERDUE], p_n)
    out[c.ELECTRONIC_ON_TIME_RATE] = share(e_n - out[c.ELECTRONIC_OVERDUE], e_n)
    out[c.SYNC_RATE] = share(out[PAPER_MATCHED], p_n)
    out = out[c.BREAKDOWN_COLUMNS]
    return out.sort_values([c.DIMENSION, c.LEVEL, c.UNIT_CODE, c.DIMENSION_VALUE], ignore_index=True)


def test_breakdown_counts_equal_the_plain_group_bys() -> None:
    """The integer-code counts give exactly the group-bys over the dimension strings, with missing
    levels, channels, fields and procedures, and findings whose ref is on neither side."""
    g = generate_linkage(3000, offices=3, seed=5)
    r = reconcile(g.paper, g.electronic, f.no_quarantine(), Period(g.start, g.end))
    paper, electronic = g.paper.copy(), g.electronic.copy()
    paper.loc[paper.index[::17], c.LEVEL] = None
    paper.loc[paper.index[::13], c.PROCEDURE_NAME] = None
    paper.loc[paper.index[::29], c.RECEIVED_AT] = pd.NaT
    electronic.loc[electronic.index[::11], c.CHANNEL] = None
    electronic.loc[electronic.index[::7], c.FIELD] = None
    electronic.loc[electronic.index[::19], c.UNIT_CODE] = None
    lost = r.mismatches.iloc[:3].assign(
        **{c.PAPER_REF: ["nowhere!1!2", None, None], c.ELECTRONIC_REF: [None, "nowhere#3", None]}
    )
    mismatches = pd.concat([r.mismatches, lost], ignore_index=True)
    got = breakdown(paper, electronic, r.period, r.matches, mismatches)
    assert got[PAPER_MATCHED].sum() > 0 and got[list(c.MISMATCH_TYPES)].to_numpy().sum() > 0
    want = _breakdown_by_group_by(paper, electronic, r.period, r.matches, mismatches)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    pd.testing.assert_frame_equal(
        breakdown(paper, electronic, r.period),
        _breakdown_by_group_by(paper, electronic, r.period, r.matches.iloc[0:0], mismatches.iloc[0:0]),
        check_dtype=False,
    )
