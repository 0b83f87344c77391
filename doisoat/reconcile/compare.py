"""Field-by-field comparison of linked paper/electronic pairs, with stated tolerances."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from doisoat import schema as c
from doisoat.reconcile import mismatches as mm
from doisoat.reconcile import timeliness as tl
from doisoat.reconcile.calendar import WorkingCalendar
from doisoat.reconcile.config import ReconcileConfig
from doisoat.reconcile.evidence import given_name_agrees, swap_day_month
from doisoat.reconcile.keys import CODE_KEY, NameKeys, code_key, distinct, name_keys
from doisoat.reconcile.matching import E_IDX, P_IDX
from doisoat.reconcile.names import DistinctNames, SideNames, shared_names
from doisoat.reconcile.procedures import expand, resolve
from doisoat.reconcile.result import Period
from doisoat.reconcile.workdays import NO_DAY, day_numbers, working_day_lags


def _fmt_date(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s).dt.strftime("%d/%m/%Y").astype("string")


# The columns the comparison reads (the rest of the wide frames is not copied per pair).
_COMPARED = [
    c.UNIT_CODE,
    c.REF,
    c.DOSSIER_CODE,
    CODE_KEY,
    c.RECEIVED_AT,
    c.DUE_DATE,
    c.RETURNED_DATE,
    c.STATED_TIMELINESS,
    c.STATUS,
    c.PROCEDURE_NAME,
    c.APPLICANT_NAME,
]
# The columns every pair is tested on; the others are copied for the flagged pairs only.
_TESTED = [c.RECEIVED_AT, c.DUE_DATE, c.RETURNED_DATE, c.STATED_TIMELINESS, c.STATUS]


def _take(records: pd.DataFrame, rows: np.ndarray, columns: list[str] = _COMPARED) -> pd.DataFrame:
    cols = [col for col in columns if col in records.columns]
    return pd.DataFrame({col: records[col].array.take(rows) for col in cols})  # no index to take


def _swapped(values: np.ndarray) -> np.ndarray:
    """`swap_day_month` of datetime64 values (datetime64[us]), worked out once per distinct value
    (factorised as integers: a million dates hold a few hundred days)."""
    codes, uniques = pd.factorize(values.view("int64"))
    swapped = swap_day_month(pd.Series(uniques.view(values.dtype))).to_numpy(dtype="datetime64[us]")
    return swapped[codes]


def per_distinct_pair(
    test: Callable[[pd.Series, pd.Series], np.ndarray],
    a: pd.Series,
    a_rows: np.ndarray,
    b: pd.Series,
    b_rows: np.ndarray,
) -> np.ndarray:
    """`test(a[a_rows], b[b_rows])` (an elementwise boolean test), evaluated once per distinct pair
    of values: a million linked pairs hold tens of thousands of distinct (name, name) pairs."""
    # numbered by `keys.distinct`: a categorical column (the working copies' names and
    # procedures) from its integer codes, without a string per row
    ca, ua = distinct(a)
    cb, ub = distinct(b)
    width = len(ub) + 1
    pair = (ca[a_rows].astype("int64") + 1) * width + (cb[b_rows].astype("int64") + 1)
    codes, pairs = pd.factorize(pair)
    va = pd.Series(ua, dtype="string").reindex(pairs // width - 1).reset_index(drop=True)
    vb = pd.Series(ub, dtype="string").reindex(pairs % width - 1).reset_index(drop=True)
    return np.asarray(test(va, vb), dtype=bool)[codes]


def compare_pairs(
    paper: pd.DataFrame,
    electronic: pd.DataFrame,
    links: pd.DataFrame,
    period: Period,
    calendar: WorkingCalendar,
    config: ReconcileConfig,
    names: tuple[SideNames, SideNames] | None = None,
) -> pd.DataFrame:
    """Every field mismatch of every linked pair (timeliness, dates, procedure, applicant).

    `names`: both sides' applicants' names keyed once for the run (`names.shared_names`, as the
    linkage made them); otherwise they are keyed here."""
    pi, ei = links[P_IDX].to_numpy(), links[E_IDX].to_numpy()
    if not len(pi):
        return mm.empty_mismatches()
    # every pair is tested on dates and statuses, names and procedures once per distinct pair;
    # the text columns of a finding (refs, codes, values as written) are copied for flagged pairs only
    p, e = _take(paper, pi, _TESTED), _take(electronic, ei, _TESTED)

    def flagged(mask: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series, dict[str, pd.Series]]:
        """(paper rows, electronic rows, identity, common finding columns) of the flagged pairs."""
        fp, fe = _take(paper, pi[mask]), _take(electronic, ei[mask])
        code = code_key(fe).fillna(code_key(fp))
        common = {
            "unit_code": fp[c.UNIT_CODE],
            "dossier_code": code,
            "paper_ref": fp[c.REF],
            "electronic_ref": fe[c.REF],
        }
        return fp, fe, mm.identity_of(fp[c.UNIT_CODE], code, fp[c.REF]), common

    frames: list[pd.DataFrame] = []

    # -- timeliness: paper on time/early but software overdue, or the reverse ------------------
    p_over = tl.paper_effectively_overdue(p, period.end).to_numpy()
    e_over = tl.electronic_overdue(e, period.end).to_numpy()
    conflict = p_over != e_over
    if conflict.any():
        pc, ec = p[conflict], e[conflict]
        p_desc = tl.describe(pc[c.STATED_TIMELINESS], pc[c.RETURNED_DATE], pc[c.DUE_DATE])
        e_desc = tl.describe(ec[c.STATED_TIMELINESS], ec[c.RETURNED_DATE], ec[c.DUE_DATE])
        detail = np.where(
            p_over[conflict],
            "Sổ giấy quá hạn, phần mềm không quá hạn",
            "Sổ giấy không quá hạn, phần mềm quá hạn",
        )
        _, _, identity, common = flagged(conflict)
        frames.append(
            mm.build(
                c.TIMELINESS_CONFLICT,
                identity,
                **common,
                field=c.STATED_TIMELINESS,
                paper_value=p_desc.reset_index(drop=True),
                electronic_value=e_desc.reset_index(drop=True),
                detail=pd.Series(detail),
            )
        )

    # -- dates -------------------------------------------------------------------------------
    # a date written with day and month swapped on paper is a typo, not a finding; receipt and
    # return days are compared as day numbers (`workdays`), not as dates per row
    p_recv, e_recv = day_numbers(p[c.RECEIVED_AT]), day_numbers(e[c.RECEIVED_AT])
    both = (p_recv != NO_DAY) & (e_recv != NO_DAY)
    lag = working_day_lags(calendar, p_recv, e_recv, 0)
    swap_recv = day_numbers(pd.Series(_swapped(p_recv.view("datetime64[D]"))))
    swap_lag = working_day_lags(calendar, swap_recv, e_recv, -1)
    swap_ok = (swap_lag >= 0) & (swap_lag <= config.max_entry_lag_days)
    bad_recv = both & ((lag < 0) | (lag > config.max_entry_lag_days)) & ~swap_ok
    same_recv = both & ((lag == 0) | (swap_lag == 0))
    p_due, e_due = p[c.DUE_DATE].to_numpy(), e[c.DUE_DATE].to_numpy()
    due_differs = (p_due != e_due) & (_swapped(p_due) != e_due)  # NaT differs from any date
    bad_due = same_recv & due_differs
    # the software's return date may trail the paper's by the same entry lag; when the receipt
    # dates already disagree, that one finding says it (the return date follows the receipt)
    p_ret, e_ret = day_numbers(p[c.RETURNED_DATE]), day_numbers(e[c.RETURNED_DATE])
    ret_lag = working_day_lags(calendar, p_ret, e_ret, 0)
    bad_ret = (
        (p_ret != NO_DAY)
        & (e_ret != NO_DAY)
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
            n = pd.Series(lag[mask]).astype("string")
            detail = (
                "Phần mềm tiếp nhận lệch "
                + n
                + " ngày làm việc so với sổ giấy (cho phép 0.."
                + str(config.max_entry_lag_days)
                + ")"
            )
        else:
            detail = pd.Series([detail_text] * int(mask.sum()), dtype="string")
        _, _, identity, common = flagged(mask)
        frames.append(
            mm.build(
                c.DATE_MISMATCH,
                identity + "|" + field,
                **common,
                field=field,
                paper_value=_fmt_date(p.loc[mask, column]).reset_index(drop=True),
                electronic_value=_fmt_date(e.loc[mask, column]).reset_index(drop=True),
                detail=detail.reset_index(drop=True),
            )
        )

    # -- procedure and applicant: the value as each side wrote it -----------------------------
    def text_finding(kind: str, mask: np.ndarray, column: str, detail: str) -> None:
        if mask.any():
            fp, fe, identity, common = flagged(mask)
            frames.append(
                mm.build(
                    kind,
                    identity,
                    **common,
                    field=column,
                    paper_value=fp[column],
                    electronic_value=fe[column],
                    detail=detail,
                )
            )

    same_proc = per_distinct_pair(
        lambda a, b: _same_procedure(a, b, config.procedure_threshold),
        paper[c.PROCEDURE_NAME],
        pi,
        electronic[c.PROCEDURE_NAME],
        ei,
    )
    text_finding(
        c.PROCEDURE_MISMATCH, ~same_proc, c.PROCEDURE_NAME, "Tên thủ tục khác nhau giữa sổ giấy và phần mềm"
    )
    p_names, e_names = names or shared_names(paper[c.APPLICANT_NAME], electronic[c.APPLICANT_NAME])
    same_person_ = same_person_by_number(p_names.rows[pi], e_names.rows[ei], p_names.names, config)
    text_finding(
        c.APPLICANT_MISMATCH, ~same_person_, c.APPLICANT_NAME, "Người nộp khác nhau (không phải lỗi chính tả)"
    )
    return pd.concat(frames, ignore_index=True) if frames else mm.empty_mismatches()


def _same_procedure(a: pd.Series, b: pd.Series, threshold: float) -> np.ndarray:
    """Same when both resolve to one reference procedure (abbreviations expanded), or, when either
    is unknown to the reference list, their expanded names score at least `threshold`."""
    a, b = a.reset_index(drop=True), b.reset_index(drop=True)
    ea, eb = expand(a), expand(b)
    missing = (ea.isna() | eb.isna()).to_numpy()  # nothing to compare: not a finding
    ra, rb = resolve(a).to_numpy(), resolve(b).to_numpy()
    known = (ra >= 0) & (rb >= 0)
    scores = process.cpdist(
        ea.fillna("").tolist(), eb.fillna("").tolist(), scorer=fuzz.token_sort_ratio, workers=-1
    )
    return np.asarray(missing | np.where(known, ra == rb, scores >= threshold), dtype=bool)


def same_person(a: pd.Series, b: pd.Series, config: ReconcileConfig) -> np.ndarray:
    """Same person when the folded names are close in any word order (`applicant_threshold`) and
    each given name is close to a word of the other name (`applicant_given_name_threshold`), so
    'Nguyễn Văn An' and 'Nguyễn Văn Bình' are two people. A blank name on either side agrees."""
    return _same_person_of_keys(*_name_keys_of_both(a, b), config)


def same_person_by_number(
    a: np.ndarray, b: np.ndarray, names: DistinctNames, config: ReconcileConfig
) -> np.ndarray:
    """`same_person` of each pair of names given by their numbers among `names` (-1: NA), tested
    once per distinct pair of names, from keys made once per distinct name. The same folded name
    (most pairs), or a blank one, is the same person without a string compared."""
    out = np.ones(len(a), dtype=bool)
    folded = names.folded_id
    a, b = a.astype("int64"), b.astype("int64")
    todo = np.flatnonzero((a >= 0) & (b >= 0))
    todo = todo[folded[a[todo]] != folded[b[todo]]]
    if not len(todo):
        return out
    width = len(folded) + 1
    codes, pairs = pd.factorize(a[todo] * width + b[todo])
    first, second = pairs // width, pairs % width

    def keys_of(rows: np.ndarray) -> NameKeys:
        """The keys of the distinct names at `rows` (one Arrow take each), indexed from 0."""
        return NameKeys(
            *(
                values.take(rows).reset_index(drop=True)
                for values in (names.keys.folded, names.keys.key, names.keys.given)
            )
        )

    out[todo] = _same_person_of_keys(keys_of(first), keys_of(second), config)[codes]
    return out


def _same_person_of_keys(na: NameKeys, nb: NameKeys, config: ReconcileConfig) -> np.ndarray:
    """`same_person` of names whose keys (index from 0) are `na` and `nb`."""
    ka, kb = na.key, nb.key
    missing = (ka.isna() | kb.isna()).to_numpy()
    fa, fb = na.folded.fillna(""), nb.folded.fillna("")
    full = np.maximum.reduce(  # words in any order, or as written (a typo can re-sort the words)
        [
            process.cpdist(ka.fillna("").tolist(), kb.fillna("").tolist(), scorer=fuzz.ratio, workers=-1),
            process.cpdist(fa.tolist(), fb.tolist(), scorer=fuzz.ratio, workers=-1),
            process.cpdist(fa.tolist(), fb.tolist(), scorer=OSA.normalized_similarity, workers=-1) * 100,
        ]
    )
    close = full >= config.applicant_threshold
    same_words = (ka == kb).fillna(False).to_numpy(dtype=bool)
    check = close & ~same_words  # the same words in any order need no given-name check
    if check.any():
        k = np.flatnonzero(check)
        ga, gb = na.given.fillna(""), nb.given.fillna("")
        close[k] = given_name_agrees(
            ga.iloc[k].tolist(),
            fb.iloc[k].tolist(),
            gb.iloc[k].tolist(),
            fa.iloc[k].tolist(),
            config.applicant_given_name_threshold,
        )
    return np.asarray(missing | close, dtype=bool)


def _name_keys_of_both(a: pd.Series, b: pd.Series) -> tuple[NameKeys, NameKeys]:
    """`name_keys` of each side (index reset), in one pass over the distinct names of both: most
    names are typed alike on both sides, and each is folded once."""
    keys = name_keys(pd.concat([a, b], ignore_index=True))

    def part(values: pd.Series, start: int, stop: int) -> pd.Series:
        return values.iloc[start:stop].reset_index(drop=True)

    n, m = len(a), len(a) + len(b)
    return (
        NameKeys(part(keys.folded, 0, n), part(keys.key, 0, n), part(keys.given, 0, n)),
        NameKeys(part(keys.folded, n, m), part(keys.key, n, m), part(keys.given, n, m)),
    )
