"""Every finding's `mismatch_id` is unique within a run, and stable: the ids of findings that shared
no identity are those earlier versions gave (stewards' decisions stay attached)."""

from __future__ import annotations

import pandas as pd

from doisoat import schema as c
from doisoat.reconcile import mismatches as mm
from doisoat.reconcile.engine import reconcile
from tests import factories as f
from tests.reconcile.test_engine import PERIOD, _pair

# ids computed by the code before ids were made unique (commit 9ce2f05): a finding whose identity no
# other shares keeps its id; findings that share one each take a new id (none keeps the old)
MISSING_ELECTRONIC_ID = "Mbed61c13bd875aac"  # office 000.01.22.H56 + code …190102-0001
MISSING_PAPER_ID = "M7afa622aac833442"  # office 000.01.22.H56 + code …190110-0099
INVALID_ROW_10_ID = "Mbbb93ea2cac2bda1"  # ref phuong-1_2019-01.xlsx!T01-2019!10


def _same_code_twice() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two paper rows of one code (other procedures, a minute apart), neither in the software."""
    other = {c.PROCEDURE_NAME: "Đăng ký kết hôn", c.RECEIVED_AT: "02/01/2019 08:31"}
    paper = f.paper(_pair(), _pair(**other))
    electronic = f.electronic(
        _pair(
            **{
                c.DOSSIER_CODE: "000.01.22.H56-190110-0099",
                c.APPLICANT_NAME: "Zzz Khác",
                c.RECEIVED_AT: "10/01/2019 10:00",
                c.PROCEDURE_NAME: "Chứng thực chữ ký",
            }
        )
    )
    return paper, electronic


def _ids(mismatches: pd.DataFrame) -> dict[tuple[str, str], str]:
    """(type, ref) → id."""
    ref = mismatches[c.PAPER_REF].fillna(mismatches[c.ELECTRONIC_REF])
    keys = zip(mismatches[c.MISMATCH_TYPE], ref, strict=True)
    return dict(zip(keys, mismatches[c.MISMATCH_ID], strict=True))


def test_two_rows_of_one_code_missing_from_the_software_get_two_ids() -> None:
    paper, electronic = _same_code_twice()
    found = reconcile(paper, electronic, f.no_quarantine(), PERIOD).mismatches
    assert found[c.MISMATCH_ID].is_unique
    ids = _ids(found)
    first = ids[(c.MISSING_ELECTRONIC, "phuong-1_2019-01.xlsx!T01-2019!10")]
    second = ids[(c.MISSING_ELECTRONIC, "phuong-1_2019-01.xlsx!T01-2019!11")]
    # each told apart by its own ref, neither keeps the identity's id
    assert len({first, second, MISSING_ELECTRONIC_ID}) == 3
    assert all(i.startswith("M") and len(i) == 17 for i in (first, second))
    # the finding that shared nothing keeps its id
    assert ids[(c.MISSING_PAPER, "phuong-1.csv#2")] == MISSING_PAPER_ID


def test_a_sibling_going_away_passes_no_id_to_the_other() -> None:
    # a steward's decision on one of two same-code findings must never land on the other
    paper, electronic = _same_code_twice()
    both = _ids(reconcile(paper, electronic, f.no_quarantine(), PERIOD).mismatches)
    for kept in range(2):
        alone = _ids(reconcile(paper.iloc[[kept]], electronic, f.no_quarantine(), PERIOD).mismatches)
        ref = paper[c.REF].iloc[kept]
        assert alone[(c.MISSING_ELECTRONIC, ref)] == MISSING_ELECTRONIC_ID  # the identity's id again
        assert MISSING_ELECTRONIC_ID not in both.values()
        assert alone[(c.MISSING_ELECTRONIC, ref)] not in both.values()


def test_disambiguated_ids_are_stable_across_runs_and_input_order() -> None:
    paper, electronic = _same_code_twice()
    first = reconcile(paper, electronic, f.no_quarantine(), PERIOD).mismatches
    again = reconcile(paper.copy(), electronic.copy(), f.no_quarantine(), PERIOD).mismatches
    pd.testing.assert_frame_equal(first, again)
    reversed_rows = paper.iloc[::-1].reset_index(drop=True)
    shuffled = reconcile(reversed_rows, electronic, f.no_quarantine(), PERIOD).mismatches
    assert _ids(shuffled) == _ids(first)


def test_one_ref_quarantined_twice_gives_two_invalid_record_ids() -> None:
    paper = f.paper(_pair())
    ref = paper[c.REF].iloc[0]
    quarantine = pd.DataFrame(
        {
            c.SIDE: ["paper", "paper"],
            c.REF: [ref, ref],
            c.SOURCE_FILE: [paper[c.SOURCE_FILE].iloc[0]] * 2,
            c.SOURCE_SHA256: ["x", "x"],
            c.SOURCE_SHEET: ["T01-2019"] * 2,
            c.SOURCE_ROW: [10, 10],
            c.UNIT_CODE: ["000.01.22.H56"] * 2,
            c.DOSSIER_CODE: [None, None],
            c.RAW_VALUES: ["{}", "{}"],
            c.REASONS: ["quantity: below the minimum (0)", "ref: duplicate value"],
        }
    )
    found = reconcile(paper, f.electronic(_pair()), quarantine, PERIOD).mismatches
    invalid = found[found[c.MISMATCH_TYPE] == c.INVALID_RECORD]
    assert len(invalid) == 2 and found[c.MISMATCH_ID].is_unique
    # the same ref twice: the refs cannot tell the rows apart, so they are numbered in the order of
    # their other columns (here the reasons), which does not depend on the quarantine's
    by_detail = dict(zip(invalid[c.DETAIL], invalid[c.MISMATCH_ID], strict=True))
    assert INVALID_ROW_10_ID not in by_detail.values() and len(set(by_detail.values())) == 2
    turned = reconcile(paper, f.electronic(_pair()), quarantine.iloc[::-1].reset_index(drop=True), PERIOD)
    again = turned.mismatches[turned.mismatches[c.MISMATCH_TYPE] == c.INVALID_RECORD]
    assert dict(zip(again[c.DETAIL], again[c.MISMATCH_ID], strict=True)) == by_detail


def _findings(refs: list[str], identity: list[str]) -> pd.DataFrame:
    refs_ = pd.Series(refs, dtype="string")
    return mm.build(
        c.MISSING_ELECTRONIC,
        pd.Series(identity, dtype="string"),
        unit_code=pd.Series(["u"] * len(refs), dtype="string"),
        paper_ref=refs_,
    )


def test_colliding_ids_hash_the_shared_id_with_their_refs() -> None:
    found = _findings(["f.xlsx!S2!1", "f.xlsx!S1!10", "f.xlsx!S1!9", "g.xlsx!S1!1"], ["x", "x", "x", "y"])
    before = found[c.MISMATCH_ID].tolist()
    assert len(set(before)) == 2
    unique = mm.unique_ids(found)
    ids = dict(zip(unique[c.PAPER_REF], unique[c.MISMATCH_ID], strict=True))
    assert ids["g.xlsx!S1!1"] == before[3]  # no collision: untouched
    assert len(set(ids.values())) == 4 and before[0] not in ids.values()
    refs = ["f.xlsx!S2!1", "f.xlsx!S1!10", "f.xlsx!S1!9"]
    want = mm.mismatch_ids(
        pd.Series([c.MISSING_ELECTRONIC] * 3, dtype="string"), pd.Series([f"{before[0]}@{r}|" for r in refs])
    ).tolist()
    assert [ids[r] for r in refs] == want
    # the same rows in another order get the same ids
    turned = mm.unique_ids(found.iloc[::-1].reset_index(drop=True))
    assert dict(zip(turned[c.PAPER_REF], turned[c.MISMATCH_ID], strict=True)) == ids


def test_no_collision_returns_the_frame_as_it_was() -> None:
    found = _findings(["a!S!1", "a!S!2"], ["x", "y"])
    assert mm.unique_ids(found) is found
    assert mm.unique_ids(mm.empty_mismatches()).empty
