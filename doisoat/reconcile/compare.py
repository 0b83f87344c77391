"""Field-by-field comparison of linked paper/electronic pairs, with stated tolerances."""

from __future__ import annotations

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from doisoat import schema as c
from doisoat.reconcile import mismatches as mm
from doisoat.reconcile import timeliness as tl
from doisoat.reconcile.calendar import WorkingCalendar
from doisoat.reconcile.config import ReconcileConfig
from doisoat.reconcile.keys import fold_text, normalise_code
from doisoat.reconcile.matching import E_IDX, P_IDX
from doisoat.reconcile.procedures import resolve
from doisoat.reconcile.result import Period


def _fmt_date(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s).dt.strftime("%d/%m/%Y").astype("string")


def _pairs(
    paper: pd.DataFrame, electronic: pd.DataFrame, links: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    p = paper.iloc[links[P_IDX].to_numpy()].reset_index(drop=True)
    e = electronic.iloc[links[E_IDX].to_numpy()].reset_index(drop=True)
    return p, e


def compare_pairs(
    paper: pd.DataFrame,
    electronic: pd.DataFrame,
    links: pd.DataFrame,
    period: Period,
    calendar: WorkingCalendar,
    config: ReconcileConfig,
) -> pd.DataFrame:
    """Every field mismatch of every linked pair (timeliness, dates, procedure, applicant)."""
    p, e = _pairs(paper, electronic, links)
    if p.empty:
        return mm.empty_mismatches()
    code = normalise_code(p[c.DOSSIER_CODE]).fillna(normalise_code(e[c.DOSSIER_CODE]))
    base_identity = mm.identity_of(p[c.UNIT_CODE], code, p[c.REF])
    common = {
        "unit_code": p[c.UNIT_CODE],
        "dossier_code": code,
        "paper_ref": p[c.REF],
        "electronic_ref": e[c.REF],
    }

    def subset(mask: np.ndarray) -> dict[str, pd.Series]:
        return {k: v[mask].reset_index(drop=True) for k, v in common.items()}

    frames: list[pd.DataFrame] = []

    # -- timeliness: paper on time/early but software overdue, or the reverse ------------------
    p_over = tl.paper_effectively_overdue(p, period.end).to_numpy()
    e_over = tl.electronic_overdue(e, period.end).to_numpy()
    conflict = p_over != e_over
    if conflict.any():
        p_desc = tl.describe(p[c.STATED_TIMELINESS], p[c.RETURNED_DATE], p[c.DUE_DATE])[conflict]
        e_desc = tl.describe(e[c.STATED_TIMELINESS], e[c.RETURNED_DATE], e[c.DUE_DATE])[conflict]
        detail = np.where(
            p_over[conflict],
            "Sổ giấy quá hạn, phần mềm không quá hạn",
            "Sổ giấy không quá hạn, phần mềm quá hạn",
        )
        frames.append(
            mm.build(
                c.TIMELINESS_CONFLICT,
                base_identity[conflict].reset_index(drop=True),
                **subset(conflict),
                field=c.STATED_TIMELINESS,
                paper_value=p_desc.reset_index(drop=True),
                electronic_value=e_desc.reset_index(drop=True),
                detail=pd.Series(detail),
            )
        )

    # -- dates -------------------------------------------------------------------------------
    p_recv = p[c.RECEIVED_AT].dt.normalize()
    e_recv = e[c.RECEIVED_AT].dt.normalize()
    lag = calendar.working_days_between(p_recv, e_recv)
    both = (p_recv.notna() & e_recv.notna()).to_numpy()
    lag_np = lag.fillna(0).to_numpy()
    bad_recv = both & ((lag_np < 0) | (lag_np > config.max_entry_lag_days))
    same_recv = both & (lag_np == 0)
    bad_due = same_recv & (p[c.DUE_DATE] != e[c.DUE_DATE]).fillna(False).to_numpy()
    # the software's return date may trail the paper's by the same entry lag; when the receipt
    # dates already disagree, that one finding says it (the return date follows the receipt)
    ret_lag = calendar.working_days_between(p[c.RETURNED_DATE], e[c.RETURNED_DATE]).fillna(0).to_numpy()
    bad_ret = (
        p[c.RETURNED_DATE].notna().to_numpy()
        & e[c.RETURNED_DATE].notna().to_numpy()
        & ((ret_lag < 0) | (ret_lag > config.max_entry_lag_days))
        & ~conflict
        & ~bad_recv
    )
    for field, mask, column, detail_text in (
        (c.RECEIVED_AT, bad_recv, c.RECEIVED_AT, None),
        (c.DUE_DATE, bad_due, c.DUE_DATE, "Cùng ngày tiếp nhận nhưng khác ngày hẹn trả"),
        (c.RETURNED_DATE, bad_ret, c.RETURNED_DATE, "Ngày trả kết quả lệch quá mức cho phép"),
    ):
        if not mask.any():
            continue
        if detail_text is None:
            n = lag[mask].astype("Int64").astype("string")
            detail = (
                "Phần mềm tiếp nhận lệch "
                + n
                + " ngày làm việc so với sổ giấy (cho phép 0.."
                + str(config.max_entry_lag_days)
                + ")"
            )
        else:
            detail = pd.Series([detail_text] * int(mask.sum()), dtype="string")
        frames.append(
            mm.build(
                c.DATE_MISMATCH,
                (base_identity[mask] + "|" + field).reset_index(drop=True),
                **subset(mask),
                field=field,
                paper_value=_fmt_date(p.loc[mask, column]).reset_index(drop=True),
                electronic_value=_fmt_date(e.loc[mask, column]).reset_index(drop=True),
                detail=detail.reset_index(drop=True),
            )
        )

    # -- procedure ---------------------------------------------------------------------------
    same_proc = _same_procedure(p[c.PROCEDURE_NAME], e[c.PROCEDURE_NAME], config.procedure_threshold)
    bad_proc = ~same_proc
    if bad_proc.any():
        frames.append(
            mm.build(
                c.PROCEDURE_MISMATCH,
                base_identity[bad_proc].reset_index(drop=True),
                **subset(bad_proc),
                field=c.PROCEDURE_NAME,
                paper_value=p.loc[bad_proc, c.PROCEDURE_NAME].reset_index(drop=True),
                electronic_value=e.loc[bad_proc, c.PROCEDURE_NAME].reset_index(drop=True),
                detail="Tên thủ tục khác nhau giữa sổ giấy và phần mềm",
            )
        )

    # -- applicant ---------------------------------------------------------------------------
    same_person = _same_person(p[c.APPLICANT_NAME], e[c.APPLICANT_NAME], config)
    bad_person = ~same_person
    if bad_person.any():
        frames.append(
            mm.build(
                c.APPLICANT_MISMATCH,
                base_identity[bad_person].reset_index(drop=True),
                **subset(bad_person),
                field=c.APPLICANT_NAME,
                paper_value=p.loc[bad_person, c.APPLICANT_NAME].reset_index(drop=True),
                electronic_value=e.loc[bad_person, c.APPLICANT_NAME].reset_index(drop=True),
                detail="Người nộp khác nhau (không phải lỗi chính tả)",
            )
        )
    return pd.concat(frames, ignore_index=True) if frames else mm.empty_mismatches()


def _same_procedure(a: pd.Series, b: pd.Series, threshold: float) -> np.ndarray:
    """Same when the folded names are equal, or both resolve to one reference procedure, or
    (when either is unknown to the reference list) their names score at least `threshold`."""
    fa, fb = fold_text(a), fold_text(b)
    equal = (fa == fb).fillna(False).to_numpy()
    missing = (fa.isna() | fb.isna()).to_numpy()  # nothing to compare: not a finding
    ra, rb = resolve(a).to_numpy(), resolve(b).to_numpy()
    known = (ra >= 0) & (rb >= 0)
    scores = process.cpdist(
        fa.fillna("").tolist(), fb.fillna("").tolist(), scorer=fuzz.token_sort_ratio, workers=-1
    )
    return equal | missing | np.where(known, ra == rb, scores >= threshold)


def _same_person(a: pd.Series, b: pd.Series, config: ReconcileConfig) -> np.ndarray:
    """Same person when the folded full names are close (any word order) and so are the given names."""
    fa, fb = fold_text(a), fold_text(b)
    missing = (fa.isna() | fb.isna()).to_numpy()
    fa_l, fb_l = fa.fillna("").tolist(), fb.fillna("").tolist()
    full = process.cpdist(fa_l, fb_l, scorer=fuzz.token_sort_ratio, workers=-1)
    given_a = fa.fillna("").str.split(" ").str[-1].fillna("").tolist()
    given_b = fb.fillna("").str.split(" ").str[-1].fillna("").tolist()
    given = process.cpdist(given_a, given_b, scorer=fuzz.ratio, workers=-1)
    close = (full >= config.applicant_threshold) & (given >= config.applicant_given_name_threshold)
    return np.asarray(missing | close, dtype=bool)
