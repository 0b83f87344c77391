"""Each mismatch type, found on hand-built records, and nothing found where nothing differs."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from doisoat import schema as c
from doisoat.reconcile.engine import reconcile
from doisoat.reconcile.result import Period
from tests import factories as f

PERIOD = Period(dt.date(2019, 1, 1), dt.date(2019, 6, 28))
CODE = "000.01.22.H56-190102-0001"


def _pair(**paper_over: object) -> dict[str, object]:
    base: dict[str, object] = {
        c.DOSSIER_CODE: CODE,
        c.DOSSIER_CODE_RAW: CODE,
        c.RECEIVED_AT: "02/01/2019 08:30",
        c.DUE_DATE: "02/01/2019",
        c.RETURNED_DATE: "02/01/2019",
        c.STATED_TIMELINESS: c.ON_TIME,
        c.RETURN_MARKS: 1,
    }
    base.update(paper_over)
    return base


def _types(result_mismatches: pd.DataFrame) -> list[str]:
    return sorted(result_mismatches[c.MISMATCH_TYPE].tolist())


def test_identical_pair_matches_without_findings() -> None:
    r = reconcile(f.paper(_pair()), f.electronic(_pair()), f.no_quarantine(), PERIOD)
    assert r.matches[[c.PAPER_REF, c.ELECTRONIC_REF, c.METHOD]].values.tolist() == [
        ["phuong-1_2019-01.xlsx!T01-2019!10", "phuong-1.csv#2", "exact_code"]
    ]
    assert r.mismatches.empty


def test_code_typed_with_spaces_and_lower_case_still_matches() -> None:
    p = f.paper(_pair(**{c.DOSSIER_CODE: " 000.01.22.h56 - 190102-0001 "}))
    r = reconcile(p, f.electronic(_pair()), f.no_quarantine(), PERIOD)
    assert len(r.matches) == 1 and r.mismatches.empty


def test_missing_on_each_side() -> None:
    # two other dossiers of the day: another person on each side, codes a digit apart, hours apart
    p = f.paper(
        _pair(), _pair(**{c.DOSSIER_CODE: "000.01.22.H56-190102-0002", c.APPLICANT_NAME: "Lê Thị Mai"})
    )
    e = f.electronic(
        _pair(),
        _pair(
            **{
                c.DOSSIER_CODE: "000.01.22.H56-190102-0003",
                c.APPLICANT_NAME: "Trần Văn Hùng",
                c.RECEIVED_AT: "02/01/2019 14:10",
            }
        ),
    )
    r = reconcile(p, e, f.no_quarantine(), PERIOD)
    assert _types(r.mismatches) == [c.MISSING_ELECTRONIC, c.MISSING_PAPER]
    miss_e = r.mismatches[r.mismatches[c.MISMATCH_TYPE] == c.MISSING_ELECTRONIC].iloc[0]
    assert miss_e[c.PAPER_REF] == "phuong-1_2019-01.xlsx!T01-2019!11"
    assert miss_e[c.DOSSIER_CODE] == "000.01.22.H56-190102-0002"
    assert pd.isna(miss_e[c.ELECTRONIC_REF])


def test_software_overdue_while_paper_on_time_is_a_timeliness_conflict() -> None:
    # the software never closed the dossier: open, due 02/01, period ends 28/06
    e = f.electronic(_pair(**{c.RETURNED_DATE: None, c.STATED_TIMELINESS: None, c.STATUS: "processing"}))
    r = reconcile(f.paper(_pair()), e, f.no_quarantine(), PERIOD)
    assert _types(r.mismatches) == [c.TIMELINESS_CONFLICT]
    row = r.mismatches.iloc[0]
    assert row[c.PAPER_VALUE] == "Đúng hạn (trả 02/01/2019, hẹn 02/01/2019)"
    assert row[c.ELECTRONIC_VALUE] == "Chưa trả (hẹn 02/01/2019)"
    assert row[c.DETAIL] == "Sổ giấy không quá hạn, phần mềm quá hạn"


def test_paper_overdue_while_software_on_time_is_a_conflict_too() -> None:
    p = f.paper(_pair(**{c.RETURNED_DATE: "04/01/2019", c.STATED_TIMELINESS: c.LATE}))
    r = reconcile(p, f.electronic(_pair()), f.no_quarantine(), PERIOD)
    assert _types(r.mismatches) == [c.TIMELINESS_CONFLICT]


def test_entry_lag_within_tolerance_is_benign_beyond_it_a_date_mismatch() -> None:
    # software received and closed 2 working days after the paper (02/01 → 04/01/2019): benign with the
    # default tolerance of 3; 21/01 is 14 working days later (Sat 05/01/2019 was a làm bù working day)
    lag = {c.RECEIVED_AT: "04/01/2019 09:00", c.DUE_DATE: "04/01/2019", c.RETURNED_DATE: "04/01/2019"}
    r = reconcile(f.paper(_pair()), f.electronic(_pair(**lag)), f.no_quarantine(), PERIOD)
    assert r.mismatches.empty
    far = {c.RECEIVED_AT: "21/01/2019 09:00", c.DUE_DATE: "21/01/2019", c.RETURNED_DATE: "21/01/2019"}
    r = reconcile(f.paper(_pair()), f.electronic(_pair(**far)), f.no_quarantine(), PERIOD)
    assert _types(r.mismatches) == [c.DATE_MISMATCH]
    row = r.mismatches.iloc[0]
    assert (row[c.MISMATCH_FIELD], row[c.PAPER_VALUE], row[c.ELECTRONIC_VALUE]) == (
        c.RECEIVED_AT,
        "02/01/2019",
        "21/01/2019",
    )


def test_return_date_far_from_papers_is_a_date_mismatch() -> None:
    e = f.electronic(_pair(**{c.RETURNED_DATE: "01/02/2019", c.DUE_DATE: "01/03/2019"}))
    p = f.paper(_pair(**{c.DUE_DATE: "01/03/2019", c.STATED_TIMELINESS: c.EARLY}))
    r = reconcile(p, e, f.no_quarantine(), PERIOD)
    assert _types(r.mismatches) == [c.DATE_MISMATCH]
    assert r.mismatches.iloc[0][c.MISMATCH_FIELD] == c.RETURNED_DATE


def test_software_receipt_before_paper_is_a_date_mismatch() -> None:
    e = f.electronic(_pair(**{c.RECEIVED_AT: "01/12/2018 09:00"}))
    r = reconcile(f.paper(_pair()), e, f.no_quarantine(), Period(dt.date(2018, 12, 1), dt.date(2019, 6, 28)))
    assert c.DATE_MISMATCH in _types(r.mismatches)


def test_procedure_mismatch_but_not_for_accents_or_case() -> None:
    e = f.electronic(_pair(**{c.PROCEDURE_NAME: "CHUNG THUC BAN SAO TU BAN CHINH"}))
    assert reconcile(f.paper(_pair()), e, f.no_quarantine(), PERIOD).mismatches.empty
    e = f.electronic(_pair(**{c.PROCEDURE_NAME: "Chứng thực chữ ký"}))
    r = reconcile(f.paper(_pair()), e, f.no_quarantine(), PERIOD)
    assert _types(r.mismatches) == [c.PROCEDURE_MISMATCH]
    # neighbours in wording, different procedures
    p = f.paper(_pair(**{c.PROCEDURE_NAME: "Đăng ký khai sinh"}))
    e = f.electronic(_pair(**{c.PROCEDURE_NAME: "Đăng ký khai tử"}))
    assert _types(reconcile(p, e, f.no_quarantine(), PERIOD).mismatches) == [c.PROCEDURE_MISMATCH]


@pytest.mark.parametrize(
    ("software_name", "expected"),
    [
        ("Nguyen Van An", []),  # diacritics stripped
        ("NGUYỄN VĂN AN", []),  # case
        ("Nguyễn Văn Ân", []),  # one accent off
        ("Nguyễn Văn Bình", [c.APPLICANT_MISMATCH]),  # same family and middle name, another person
        ("Trần Thị Hoa", [c.APPLICANT_MISMATCH]),
    ],
)
def test_applicant(software_name: str, expected: list[str]) -> None:
    e = f.electronic(_pair(**{c.APPLICANT_NAME: software_name}))
    assert _types(reconcile(f.paper(_pair()), e, f.no_quarantine(), PERIOD).mismatches) == expected


def test_duplicates_keep_both_refs_and_are_not_also_missing() -> None:
    p = f.paper(_pair(), _pair())
    e = f.electronic(_pair(), _pair(), _pair())
    r = reconcile(p, e, f.no_quarantine(), PERIOD)
    assert _types(r.mismatches) == [c.DUPLICATE_ELECTRONIC, c.DUPLICATE_ELECTRONIC, c.DUPLICATE_PAPER]
    dp = r.mismatches[r.mismatches[c.MISMATCH_TYPE] == c.DUPLICATE_PAPER].iloc[0]
    assert dp[c.PAPER_REF] == "phuong-1_2019-01.xlsx!T01-2019!11"
    assert "phuong-1_2019-01.xlsx!T01-2019!10" in dp[c.DETAIL]
    assert len(r.matches) == 1


@pytest.mark.parametrize(
    "second",
    [
        {c.PROCEDURE_NAME: "Đăng ký kết hôn", c.RECEIVED_AT: "02/01/2019 08:31"},  # another procedure
        {c.RECEIVED_AT: "02/01/2019 09:10"},  # the same procedure, later in the morning
    ],
)
def test_a_copied_code_on_another_dossier_is_missing_not_a_duplicate(second: dict[str, object]) -> None:
    # one person's two dossiers of the day, the second written with the first one's code; the
    # software has only the first: the second row is missing from the software, not a duplicate
    p = f.paper(_pair(), _pair(**second))
    r = reconcile(p, f.electronic(_pair()), f.no_quarantine(), PERIOD)
    assert _types(r.mismatches) == [c.MISSING_ELECTRONIC]
    assert r.mismatches[c.PAPER_REF].tolist() == ["phuong-1_2019-01.xlsx!T01-2019!11"]
    assert len(r.matches) == 1


def test_the_same_dossier_written_twice_without_a_time_is_a_duplicate() -> None:
    p = f.paper(_pair(**{c.RECEIVED_AT: "02/01/2019 00:00"}), _pair(**{c.RECEIVED_AT: "02/01/2019 09:10"}))
    r = reconcile(p, f.electronic(_pair()), f.no_quarantine(), PERIOD)
    assert _types(r.mismatches) == [c.DUPLICATE_PAPER]


def test_quarantined_rows_are_invalid_records_counted_but_not_matched() -> None:
    p = f.paper(_pair())
    q = pd.DataFrame(
        {
            c.SIDE: ["paper"],
            c.REF: [p[c.REF].iloc[0]],
            c.SOURCE_FILE: [p[c.SOURCE_FILE].iloc[0]],
            c.SOURCE_SHA256: ["0" * 64],
            c.SOURCE_SHEET: ["T01-2019"],
            c.SOURCE_ROW: [10],
            c.UNIT_CODE: ["000.01.22.H56"],
            c.DOSSIER_CODE: [CODE],
            c.RAW_VALUES: ["{}"],
            c.REASONS: ["quantity: below the minimum (0)"],
        }
    )
    r = reconcile(p, f.electronic(_pair()), q, PERIOD)
    assert _types(r.mismatches) == [c.INVALID_RECORD, c.MISSING_PAPER]
    inv = r.mismatches[r.mismatches[c.MISMATCH_TYPE] == c.INVALID_RECORD].iloc[0]
    assert inv[c.DETAIL] == "quantity: below the minimum (0)"
    ward = r.summary[r.summary[c.UNIT_CODE] == "000.01.22.H56"].iloc[0]
    assert ward[c.PAPER_RECEIVED] == 1  # quarantined rows still count, as the ledger's own total does


def test_mismatch_ids_are_stable_and_distinct() -> None:
    p = f.paper(_pair(), _pair(**{c.DOSSIER_CODE: "000.01.22.H56-190102-0002"}))
    e = f.electronic(_pair(**{c.APPLICANT_NAME: "Lê Thị Mai"}))
    a = reconcile(p, e, f.no_quarantine(), PERIOD).mismatches
    b = reconcile(p.copy(), e.copy(), f.no_quarantine(), PERIOD).mismatches
    assert a[c.MISMATCH_ID].tolist() == b[c.MISMATCH_ID].tolist()
    assert a[c.MISMATCH_ID].is_unique
    # pinned: a pandas upgrade that changed hashing would detach every steward decision
    assert a[c.MISMATCH_ID].str.fullmatch(r"M[0-9a-f]{16}").all()
