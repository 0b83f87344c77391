"""Properties of the whole engine (`reconcile`) on small generated ledgers and exports, and of
code normalisation.

The records are drawn from small pools (a few codes, one of them often repeated or missing, a few
applicants, procedures, days and times), so that exact, normalised and fuzzy links, repeated codes,
duplicates and rows missing on either side all occur within a few rows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from doisoat import schema as c
from doisoat.reconcile.engine import reconcile
from doisoat.reconcile.keys import normalise_code
from doisoat.reconcile.result import Period, ReconcileResult
from tests import factories as f

PERIOD = Period(dt.date(2019, 1, 1), dt.date(2019, 6, 28))
_CODES = [
    "000.01.22.H56-190102-0001",
    "000.01.22.H56-190102-0002",
    "000.01.22.H56-190102-0003",
    "000.01.22.H56-190103-0001",
]
# how a clerk may have typed one of those codes on paper: as is, without separators, with O for 0
_TYPED = [lambda s: s, lambda s: s.replace(".", "").replace("-", ""), lambda s: s.replace("0", "O").lower()]
_NAMES = ["Nguyễn Văn An", "Nguyen Van An", "Trần Thị Bình", "Lê Văn Cường"]
_PROCEDURES = ["Chứng thực bản sao từ bản chính", "Đăng ký khai sinh", "Đăng ký kết hôn"]
_DAYS = ["02/01/2019", "03/01/2019", "10/01/2019"]
_TIMES = ["08:30", "08:31", "14:10", None]
_SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def _record(draw: st.DrawFn, paper: bool) -> dict[str, Any]:
    code = draw(st.one_of(st.none(), st.sampled_from(_CODES)))
    if code is not None and paper:
        code = draw(st.sampled_from(_TYPED))(code)
    day = draw(st.sampled_from(_DAYS))
    time = draw(st.sampled_from(_TIMES))
    returned = draw(st.sampled_from([None, day, "20/01/2019"]))
    row: dict[str, Any] = {
        c.DOSSIER_CODE: code,
        c.DOSSIER_CODE_RAW: code,
        c.APPLICANT_NAME: draw(st.sampled_from(_NAMES)),
        c.PROCEDURE_NAME: draw(st.sampled_from(_PROCEDURES)),
        c.RECEIVED_AT: f"{day} {time or '00:00'}",  # midnight: no time of day written
        c.DUE_DATE: day,
        c.RETURNED_DATE: returned,
        c.STATED_TIMELINESS: None if returned is None else (c.ON_TIME if returned == day else c.LATE),
    }
    if paper:
        row[c.RETURN_MARKS] = 0 if returned is None else 1
    else:
        row[c.STATUS] = "processing" if returned is None else "returned"
    return row


@st.composite
def _inputs(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(paper, electronic, quarantine): up to 8 rows a side, a few of them quarantined."""
    paper_rows = draw(st.lists(_record(paper=True), max_size=8))
    # the software holds some of the paper's dossiers as such (their codes as issued), and others
    linked = [{**r, c.DOSSIER_CODE: r[c.DOSSIER_CODE] and r[c.DOSSIER_CODE].upper()} for r in paper_rows]
    own = draw(st.lists(st.sampled_from(linked), max_size=len(linked))) if linked else []
    electronic_rows = own + draw(st.lists(_record(paper=False), max_size=8 - len(own)))
    paper = f.paper(*paper_rows)
    electronic = f.electronic(*electronic_rows)
    rows = st.sampled_from(range(len(paper)))
    flagged = draw(st.lists(rows, max_size=2, unique=True)) if len(paper) else []
    return paper, electronic, _quarantine(paper.iloc[sorted(flagged)])


def _quarantine(rows: pd.DataFrame) -> pd.DataFrame:
    out = f.no_quarantine()
    if rows.empty:
        return out
    return pd.DataFrame(
        {
            c.SIDE: "paper",
            **{col: rows[col].to_numpy() for col in c.QUARANTINE_COLUMNS if col in rows.columns},
            c.RAW_VALUES: "{}",
            c.REASONS: "quantity: below the minimum (0)",
        },
        columns=c.QUARANTINE_COLUMNS,
    )


def _run(paper: pd.DataFrame, electronic: pd.DataFrame, quarantine: pd.DataFrame) -> ReconcileResult:
    return reconcile(paper, electronic, quarantine, PERIOD)


def _links(result: ReconcileResult) -> set[tuple[str, str, str]]:
    m = result.matches
    return set(zip(m[c.PAPER_REF], m[c.ELECTRONIC_REF], m[c.METHOD], strict=True))


def _ids(result: ReconcileResult) -> set[tuple[object, ...]]:
    """Each finding's id with what it is about, so two findings swapping ids would show."""
    m = result.mismatches
    about = [m[col].astype("object").where(m[col].notna(), None) for col in _ABOUT]
    return set(zip(m[c.MISMATCH_ID], m[c.MISMATCH_TYPE], *about, strict=True))


_ABOUT = [c.PAPER_REF, c.ELECTRONIC_REF, c.MISMATCH_FIELD]


@_SETTINGS
@given(_inputs())
def test_links_are_one_to_one_ids_unique_and_runs_identical(
    inputs: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame],
) -> None:
    paper, electronic, quarantine = inputs
    first = _run(paper, electronic, quarantine)
    # (a) one to one: no record takes part in two links
    assert first.matches[c.PAPER_REF].is_unique and first.matches[c.ELECTRONIC_REF].is_unique
    # (d) every finding has its own id
    assert first.mismatches[c.MISMATCH_ID].is_unique
    # (c) the same inputs give the same findings, ids included, and the same links
    again = _run(paper.copy(), electronic.copy(), quarantine.copy())
    pd.testing.assert_frame_equal(first.mismatches, again.mismatches)
    pd.testing.assert_frame_equal(first.matches, again.matches)
    # every row is linked, a finding, or both (a linked pair may differ); quarantined rows as invalid
    accounted = set(first.matches[c.PAPER_REF]) | set(first.mismatches[c.PAPER_REF].dropna())
    assert set(paper[c.REF]) <= accounted
    invalid = first.mismatches[first.mismatches[c.MISMATCH_TYPE] == c.INVALID_RECORD]
    assert sorted(invalid[c.PAPER_REF]) == sorted(quarantine[c.REF])


@_SETTINGS
@given(_inputs(), st.randoms(use_true_random=False))
def test_row_order_of_either_input_changes_no_link_and_no_id(
    inputs: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame], rnd: Any
) -> None:
    paper, electronic, quarantine = inputs
    base = _run(paper, electronic, quarantine)

    def shuffled(frame: pd.DataFrame) -> pd.DataFrame:
        order = list(range(len(frame)))
        rnd.shuffle(order)
        return frame.iloc[order].reset_index(drop=True)

    for p, e in ((shuffled(paper), electronic), (paper, shuffled(electronic))):
        other = _run(p, e, quarantine)
        assert _links(other) == _links(base)
        assert _ids(other) == _ids(base)


# --- code normalisation ----------------------------------------------------------------------

_DIGITS = "0123456789"


@st.composite
def _standard_code(draw: st.DrawFn) -> str:
    """A Circular 01/2018 code as a clerk may type it: separators dropped or changed, lower case,
    O for 0 and I / l for 1 in digit positions, spaces."""
    digits = draw(st.text(_DIGITS, min_size=19, max_size=19))
    letter = draw(st.sampled_from("HKX"))
    code = f"{digits[:3]}.{digits[3:5]}.{digits[5:7]}.{letter}{digits[7:9]}-{digits[9:15]}-{digits[15:]}"
    if draw(st.booleans()):
        code = code.replace(".", "").replace("-", "")
    elif draw(st.booleans()):
        code = code.replace(".", "-").replace("-", draw(st.sampled_from(["-", "_", "/", " - ", "--"])))
    if draw(st.booleans()):
        code = code.lower()
    return code


_OTHER_CODE = st.text("0123456789ABHKOIL.-_/ ", min_size=1, max_size=16)


@settings(max_examples=200, deadline=None)
@given(st.one_of(_standard_code(), _OTHER_CODE), st.data())
def test_codes_a_real_digit_apart_never_share_a_key(code: str, data: st.DataObject) -> None:
    """Two codes that differ only in one position, holding a different real digit in each (not an
    O/0 or I/l/1 look-alike), never normalise to the same key: a corrected look-alike elsewhere
    or a separator typed otherwise cannot merge two dossiers."""
    positions = [i for i, ch in enumerate(code) if ch in _DIGITS]
    if not positions:
        code, positions = code + "7", [len(code)]
    i = data.draw(st.sampled_from(positions), label="position")
    digit = data.draw(st.sampled_from([d for d in _DIGITS if d != code[i]]), label="digit")
    other = code[:i] + digit + code[i + 1 :]
    keys = normalise_code(pd.Series([code, other], dtype="string"))
    assert keys.notna().all() and keys.iloc[0] != keys.iloc[1], (code, other, keys.tolist())
