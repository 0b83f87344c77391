"""Checks shared by the scenario tests: the truth file against the rows it points at."""

from __future__ import annotations

import pandas as pd

from doisoat.reconcile.calendar import calendar_for_years
from doisoat.scenario.text import strip_diacritics


def _key(names: pd.Series) -> pd.Series:
    return strip_diacritics(names.astype("str")).str.casefold()


def paper_ref(ledgers: pd.DataFrame) -> pd.Series:
    return ledgers["file"] + "!" + ledgers["sheet"] + "!" + ledgers["row"].astype("str")


def electronic_ref(exports: pd.DataFrame) -> pd.Series:
    return exports["file"] + "#" + exports["row"].astype("str")


def electronic_late(exports: pd.DataFrame, end: pd.Timestamp) -> pd.Series:
    from tests.scenario.readback import OPEN_LABELS

    open_past_due = (
        exports["Trạng thái"].isin(OPEN_LABELS) & exports["Ngày có kết quả"].isna()
        & (exports["Ngày hẹn trả"].dt.normalize() < end)
    )
    return (exports["Tiến độ"] == "Quá hạn") | open_past_due


def check_truth(truth: pd.DataFrame, ledgers: pd.DataFrame, exports: pd.DataFrame, end: pd.Timestamp) -> None:
    """Every ref exists and names the truth's dossier code; every row is explained exactly once;
    each finding is visible in the rows and unflagged pairs differ only benignly."""
    paper = ledgers.assign(ref=paper_ref(ledgers)).set_index("ref")
    soft = exports.assign(ref=electronic_ref(exports)).set_index("ref")
    assert paper.index.is_unique and soft.index.is_unique

    p_refs, e_refs = truth["paper_ref"].dropna(), truth["electronic_ref"].dropna()
    assert p_refs.isin(paper.index).all(), p_refs[~p_refs.isin(paper.index)].head()
    assert e_refs.isin(soft.index).all(), e_refs[~e_refs.isin(soft.index)].head()
    with_p, with_e = truth[truth["paper_ref"].notna()], truth[truth["electronic_ref"].notna()]
    assert (paper.loc[with_p["paper_ref"], "code"].to_numpy() == with_p["dossier_code"].to_numpy()).all()
    e_codes_at = soft.loc[with_e["electronic_ref"], "Mã hồ sơ"].to_numpy()
    assert (e_codes_at == with_e["dossier_code"].to_numpy()).all()

    # each paper row is a link, a missing_electronic, an invalid_record or a duplicate_paper: once
    links = truth[truth["kind"] == "link"]
    mism = truth[truth["kind"] == "mismatch"]
    paper_explained = pd.concat([
        links["paper_ref"],
        mism.loc[mism["mismatch_type"].isin(
            ["missing_electronic", "invalid_record", "duplicate_paper"]), "paper_ref"],
    ])
    assert paper_explained.is_unique and set(paper_explained) == set(paper.index)
    soft_explained = pd.concat([
        links["electronic_ref"],
        mism.loc[mism["mismatch_type"].isin(["missing_paper", "duplicate_electronic"]), "electronic_ref"],
    ])
    assert soft_explained.is_unique and set(soft_explained) == set(soft.index)
    assert links["mismatch_type"].isna().all()
    assert mism["mismatch_type"].notna().all()
    # one injected finding per dossier (duplicates name the extra row, not the dossier's first)
    findings = mism[~mism["mismatch_type"].str.startswith("duplicate")]
    assert not findings.duplicated(["unit_code", "dossier_code"]).any()

    # missing on one side: the code is absent from that side of the office
    p_codes = set(zip(paper["office"], paper["code"], strict=True))
    e_codes = set(zip(soft["file"].str.removesuffix(".csv"), soft["Mã hồ sơ"], strict=True))
    me = mism[mism["mismatch_type"] == "missing_electronic"]
    me_office = paper.loc[me["paper_ref"], "office"].to_numpy()
    assert not any((o, code) in e_codes for o, code in zip(me_office, me["dossier_code"], strict=True))
    mp = mism[mism["mismatch_type"] == "missing_paper"]
    mp_office = soft.loc[mp["electronic_ref"], "file"].str.removesuffix(".csv").to_numpy()
    assert not any((o, code) in p_codes for o, code in zip(mp_office, mp["dossier_code"], strict=True))

    # duplicates: the extra row repeats a code written earlier in the same file
    for kind, side, code_col, ref_col in (
        ("duplicate_paper", paper, "code", "paper_ref"),
        ("duplicate_electronic", soft, "Mã hồ sơ", "electronic_ref"),
    ):
        extra = side.loc[mism.loc[mism["mismatch_type"] == kind, ref_col]]
        assert len(extra) > 0
        for ref, row in extra.iterrows():  # a handful of rows
            same = side[(side["file"] == row["file"]) & (side[code_col] == row[code_col])]
            assert len(same) == 2 and same["row"].min() < row["row"], ref

    # invalid rows break a rule a validator checks
    inv = paper.loc[mism.loc[mism["mismatch_type"] == "invalid_record", "paper_ref"]]
    marks = inv[["early", "on_time", "late"]].notna().sum(axis=1)
    returned = inv[["early", "on_time", "late"]].min(axis=1)
    broken = (marks > 1) | (inv["quantity"] == 0) | (returned < inv["received"].dt.normalize())
    assert len(inv) > 0 and broken.all()

    # stated contradictions: on a pair's paper row only, the return written in a column its own
    # dates contradict (an on-time return under Trước hạn, an early one under Đúng hạn)
    st = mism[mism["mismatch_type"] == "stated_timeliness_contradiction"]
    assert st["electronic_ref"].isna().all() and st["paper_ref"].isin(set(links["paper_ref"])).all()
    wrong = paper.loc[st["paper_ref"]]
    written_wrong = (wrong["early"] == wrong["due"]) | (wrong["on_time"] < wrong["due"])
    assert (written_wrong & wrong["late"].isna()).all()

    # pairs: compare both sides
    p = paper.loc[links["paper_ref"]].reset_index()
    e = soft.loc[links["electronic_ref"]].reset_index()
    finding = (
        links[["unit_code", "dossier_code"]]
        .merge(mism[["unit_code", "dossier_code", "mismatch_type"]], how="left")["mismatch_type"]
    )
    cal = calendar_for_years(2018, 2019)
    lag = cal.working_days_between(p["received"].dt.normalize(), e["Ngày tiếp nhận"].dt.normalize())
    late_p = p["late"].notna().to_numpy()
    late_e = electronic_late(e, end).to_numpy()
    same_proc = (p["procedure"] == e["Tên thủ tục"]).to_numpy()
    same_name = (_key(p["applicant"]) == _key(e["Người nộp"])).to_numpy()
    f = finding.fillna("").to_numpy()
    clean = f == ""
    assert (lag[clean].between(0, 2)).all()
    assert (late_p[clean] == late_e[clean]).all()
    assert same_proc[clean].all() and same_name[clean].all()
    assert (late_p[f == "timeliness_conflict"] != late_e[f == "timeliness_conflict"]).all()
    assert (lag[f == "date_mismatch"].abs() >= 10).all()
    assert (~same_proc[f == "procedure_mismatch"]).all()
    assert (~same_name[f == "applicant_mismatch"]).all()
    # single-finding pairs differ in that one respect only
    for kind in ("date_mismatch", "procedure_mismatch", "applicant_mismatch",
                 "stated_timeliness_contradiction"):
        sel = f == kind
        assert (late_p[sel] == late_e[sel]).all(), kind
    assert same_proc[f != "procedure_mismatch"].all()
    assert same_name[f != "applicant_mismatch"].all()
