"""Record linkage between paper and electronic records: an exact pass, then a fuzzy one.

1. Duplicates: a row whose (office, normalised code) appeared earlier on the same side, for the
   same applicant (or with no name to tell), is the same dossier entered twice. Only the first
   occurrence takes part in linking. A repeated code with *another* applicant is not a duplicate:
   one of the two rows carries a wrong code (often the neighbouring dossier's), so both go on.
2. Exact pass: a code (normalised, see `keys.normalise_code`) found once on each side of an office
   links the two rows, unless their applicants disagree. Such a link is *demoted*: both rows go to
   the fuzzy pass, where the code-equal pair competes with every other candidate (a paper row
   carrying its neighbour's valid code finds its own record there; an applicant typed wrongly for
   the right code still links back, and the comparison reports `applicant_mismatch`).
3. Fuzzy pass, for every row left: candidates are blocked on office and receipt date (the
   electronic date from `fuzzy_block_days` working days before the paper's to the entry lag plus
   `fuzzy_block_days` after, and the same window around the paper date with day and month
   swapped) plus every code-equal pair; each is scored field by field (`evidence.py`), those with
   at least `fuzzy_min_points` are assigned one to one, best first (`assignment.py`).

Method of a link: `exact_code` (codes equal as typed), `normalised_code` (equal after the
tolerant normalisation), `fuzzy` (linked on the other fields).
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

from doisoat import schema as c
from doisoat.reconcile.assignment import greedy_one_to_one
from doisoat.reconcile.calendar import WorkingCalendar
from doisoat.reconcile.codes import SideCodes, shared_codes
from doisoat.reconcile.config import ReconcileConfig
from doisoat.reconcile.evidence import (
    AGREED,
    NAME_CLOSE,
    POINTS,
    TIME_MINUTE,
    Features,
    ScoredNamePairs,
    agreed_bits,
    features,
    minute_of_day,
    ref_hashes,
    score_pairs,
)
from doisoat.reconcile.keys import code_key, office_codes
from doisoat.reconcile.names import SideNames, shared_names
from doisoat.reconcile.procedures import procedure_key

log = logging.getLogger(__name__)

METHOD_EXACT = "exact_code"
METHOD_NORMALISED = "normalised_code"
METHOD_FUZZY = "fuzzy"

# Internal columns of the link frame (positions into the paper / electronic frames).
P_IDX = "paper_idx"
E_IDX = "electronic_idx"
FIRST_IDX = "first_idx"
LINK_COLUMNS = [P_IDX, E_IDX, c.METHOD, c.SCORE]

_DAY_SPAN = 1 << 16  # (office * groups + group) * span + working day: one integer block key
_GROUPS = 1 << 24

PAPER_ORDER = [c.RECEIVED_AT]  # then ledger order
ELECTRONIC_ORDER = [c.DOSSIER_CODE, c.RECEIVED_AT]  # codes number dossiers in order of receipt


def _same_person_mask(names_a: pd.Series, names_b: pd.Series, config: ReconcileConfig) -> np.ndarray:
    from doisoat.reconcile.compare import same_person

    return same_person(names_a, names_b, config)


def find_duplicates(
    records: pd.DataFrame, config: ReconcileConfig | None = None, code_ids: np.ndarray | None = None
) -> pd.DataFrame:
    """Rows whose (office, normalised code) appeared earlier on the same side, same applicant.

    Returns positions `idx` of each repeated row and `first_idx` of the first occurrence.
    `code_ids`: a number per row equal for equal normalised codes, -1 for none (`SideCodes.key_id`),
    when already made; otherwise the codes are numbered here.
    """
    config = config or ReconcileConfig()
    # (office, code) as one integer per row: groups numbered in order of first appearance (any
    # numbering of the codes gives the same groups, so the shared numbers do as well as the side's)
    office, _ = office_codes(records[c.UNIT_CODE])
    key = pd.factorize(code_key(records), use_na_sentinel=True)[0] if code_ids is None else code_ids
    pos = np.flatnonzero(key >= 0)
    group, _ = pd.factorize(office[pos].astype("int64") * (int(key.max(initial=0)) + 1) + key[pos])
    # a group's first row is where the running maximum of the group numbers grows
    appears = np.ones(len(pos), dtype=bool)
    appears[1:] = group[1:] > np.maximum.accumulate(group)[:-1]
    first_pos = pos[np.flatnonzero(appears)][group]
    later = pos != first_pos
    idx, first = pos[later], first_pos[later]
    names = records[c.APPLICANT_NAME].reset_index(drop=True)
    same = _same_person_mask(names.iloc[idx], names.iloc[first], config)
    return pd.DataFrame({"idx": idx[same], FIRST_IDX: first[same]})


def unlinked_duplicates(dups: pd.DataFrame, linked: np.ndarray) -> pd.DataFrame:
    """The rows of each repeated-code group left without a record, each named against the group's
    linked row (else its first row, which then stands for the group and is reported missing)."""
    groups = pd.concat(
        [
            pd.DataFrame({"idx": dups[FIRST_IDX].to_numpy(), FIRST_IDX: dups[FIRST_IDX].to_numpy()}),
            dups[["idx", FIRST_IDX]],
        ],
        ignore_index=True,
    ).drop_duplicates("idx")
    groups["linked"] = np.isin(groups["idx"].to_numpy(), linked)
    linked_rows = groups[groups["linked"]].drop_duplicates(FIRST_IDX).set_index(FIRST_IDX)["idx"]
    anchor = groups[FIRST_IDX].map(linked_rows).fillna(groups[FIRST_IDX]).astype("int64")
    out = groups[~groups["linked"] & (groups["idx"].to_numpy() != anchor.to_numpy())]
    return pd.DataFrame({"idx": out["idx"].to_numpy(), FIRST_IDX: anchor[out.index].to_numpy()})


def written_twice(records: pd.DataFrame, dups: pd.DataFrame, config: ReconcileConfig) -> pd.DataFrame:
    """The leftover rows of `unlinked_duplicates` that can be their anchor written twice: the same
    procedure and, when both rows give a time of day, a time within `same_time_minutes` (or a blank).
    Another procedure or another time means the code was copied onto one person's next dossier of the
    day: that row is a dossier of its own, reported missing if nothing links it."""
    rows = np.concatenate([dups["idx"].to_numpy(), dups[FIRST_IDX].to_numpy()])
    picked = records.iloc[rows].reset_index(drop=True)
    n = len(dups)
    procedure = procedure_key(picked[c.PROCEDURE_NAME])
    same_procedure = (procedure[:n] == procedure[n:]) | (procedure[:n] < 0) | (procedure[n:] < 0)
    minute = minute_of_day(pd.to_datetime(picked[c.RECEIVED_AT]))
    gap = np.abs(minute[:n] - minute[n:])
    same_time = ~(gap > config.same_time_minutes)  # NaN (a time unknown) compares False: kept
    return dups[same_procedure & same_time].reset_index(drop=True)


def _ranges(
    keys_sorted: np.ndarray, targets: np.ndarray, upto: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(which target, position in keys_sorted) of every key equal to a target, or from a target
    to `upto` (inclusive) when given."""
    lo = np.searchsorted(keys_sorted, targets, side="left")
    hi = np.searchsorted(keys_sorted, targets if upto is None else upto, side="right")
    counts = hi - lo
    total = int(counts.sum())
    which = np.repeat(np.arange(len(targets)), counts)
    before = np.repeat(np.cumsum(counts) - counts, counts)
    return which, np.arange(total) - before + np.repeat(lo, counts)


SharedIds = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def shared_name_ids(p: Features, e: Features) -> SharedIds:
    """Numbers of the name keys and of the given names, shared by both sides (-1 where NA)."""
    return (p.name_key_id, e.name_key_id), (p.given_id, e.given_id)


def block_candidates(
    p: Features,
    e: Features,
    p_rows: np.ndarray,
    e_rows: np.ndarray,
    config: ReconcileConfig,
    ids: SharedIds | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (paper, electronic) in the same office whose receipt dates fall in the window and that
    share the name's words (in any order), the given name and the procedure, or the procedure and
    the minute of receipt. A pair sharing none of them has names too
    far apart to link without an equal code (code-equal pairs are candidates anyway) or the same
    minute. `ids`: `shared_name_ids(p, e)` when already made (the fuzzy pass makes them once for
    all its batches)."""
    b = config.fuzzy_block_days
    windows = (
        (p.workday, range(-b, config.max_entry_lag_days + b + 1)),
        (p.swapped_workday, range(0, config.max_entry_lag_days + 1)),
    )
    minute_p = np.where(
        np.isnan(p.minute) | (p.procedure < 0), -1, p.procedure * 1440 + np.nan_to_num(p.minute)
    )
    minute_e = np.where(
        np.isnan(e.minute) | (e.procedure < 0), -1, e.procedure * 1440 + np.nan_to_num(e.minute)
    )
    name_ids, (given_p, given_e) = ids or shared_name_ids(p, e)
    n_proc = int(max(p.procedure.max(initial=0), e.procedure.max(initial=0))) + 1
    groups = [
        name_ids,  # the same words, in any order
        (  # the same given name and procedure (a typo elsewhere in the name)
            np.where((given_p >= 0) & (p.procedure >= 0), given_p * n_proc + p.procedure, -1),
            np.where((given_e >= 0) & (e.procedure >= 0), given_e * n_proc + e.procedure, -1),
        ),
        (minute_p.astype("int64"), minute_e.astype("int64")),
    ]
    parts_p, parts_e = [], []
    for p_group, e_group in groups:
        e_ok = e_rows[(e.workday[e_rows] >= 0) & (e_group[e_rows] >= 0)]
        e_keys = (e.office[e_ok].astype("int64") * _GROUPS + e_group[e_ok]) * _DAY_SPAN + e.workday[e_ok]
        order = np.argsort(e_keys, kind="stable")
        e_sorted, e_ok = e_keys[order], e_ok[order]
        for base, offsets in windows:
            rows = p_rows[(base[p_rows] >= 0) & (p_group[p_rows] >= 0)]
            start = (p.office[rows].astype("int64") * _GROUPS + p_group[rows]) * _DAY_SPAN + base[rows]
            # searched in sorted order (the binary searches walk memory one way; pairs are sorted later)
            by_start = np.argsort(start)
            rows, start = rows[by_start], start[by_start]
            # the window's days are consecutive keys of the (office, group): one range per row
            which, pos = _ranges(e_sorted, start + offsets[0], start + offsets[-1])
            parts_p.append(rows[which])
            parts_e.append(e_ok[pos])
    if not parts_p:
        return np.empty(0, dtype="int64"), np.empty(0, dtype="int64")
    return np.concatenate(parts_p), np.concatenate(parts_e)


_BATCH_ROWS = 50_000  # paper rows of the fuzzy pool scored together


def _office_batches(offices: np.ndarray, rows: int) -> list[np.ndarray]:
    """Office numbers grouped so that each group holds about `rows` rows (an office is never split)."""
    ids, counts = np.unique(offices, return_counts=True)
    groups = np.cumsum(counts) // max(rows, 1)
    return [ids[groups == g] for g in np.unique(groups)]


def _sorted_unique(keys: np.ndarray) -> np.ndarray:
    """`np.unique(keys)` by a sort and a comparison of neighbours (NumPy 2's np.unique hashes
    first, many times slower on a million distinct integers)."""
    keys = np.sort(keys)
    return keys[np.concatenate([[True], keys[1:] != keys[:-1]])] if len(keys) else keys


def _code_candidates(p: Features, e: Features, p_rows: np.ndarray, e_rows: np.ndarray) -> pd.DataFrame:
    """Every pair of rows (paper in `p_rows`, electronic in `e_rows`) with the same office and
    normalised code, paper rows in their order and each one's records in theirs (an inner merge's
    order); `unique`: the code is that of no other row of the office on either side.

    A join of integers: (office, shared code number) as one int64 key per row, the electronic keys
    sorted once and each paper key's run of equals found by binary search."""
    p_rows, e_rows = p_rows[p.code_id[p_rows] >= 0], e_rows[e.code_id[e_rows] >= 0]
    width = int(max(p.code_id.max(initial=0), e.code_id.max(initial=0))) + 1
    p_keys = p.office[p_rows].astype("int64") * width + p.code_id[p_rows]
    e_keys = e.office[e_rows].astype("int64") * width + e.code_id[e_rows]
    order = np.argsort(e_keys, kind="stable")
    e_sorted, e_ordered = e_keys[order], e_rows[order]
    which, pos = _ranges(e_sorted, p_keys)
    pi, pk = p_rows[which], p_keys[which]
    # rows of each key on either side: a key's run length in the sorted keys
    p_sorted = np.sort(p_keys)
    n_left = np.searchsorted(p_sorted, pk, side="right") - np.searchsorted(p_sorted, pk, side="left")
    n_right = np.searchsorted(e_sorted, pk, side="right") - np.searchsorted(e_sorted, pk, side="left")
    return pd.DataFrame({P_IDX: pi, E_IDX: e_ordered[pos], "unique": (n_left == 1) & (n_right == 1)})


def _wide_pass(
    p: Features,
    e: Features,
    p_rows: np.ndarray,
    e_rows: np.ndarray,
    config: ReconcileConfig,
    code_exists: np.ndarray,
    uids: tuple[np.ndarray, np.ndarray],
    scored_names: ScoredNamePairs | None = None,
) -> pd.DataFrame:
    """Rows still alone: the same applicant and procedure in the same office within
    `wide_window_days` working days (of the paper date, or of that date with day and month
    swapped), no contradicting code. Dates apart beyond the entry lag are then a `date_mismatch`
    of one dossier, not two missing ones.

    Candidates share the name's words (any order) or the minute of receipt (a typo in the name);
    their names must still be close. Linking across weeks on a name and a procedure alone is
    weak (names collide constantly), so when both sides state a time of day it must be the same
    minute: a record whose date was entered wrongly keeps the time it was received at, while
    another dossier of a namesake almost never falls on the same minute. A disagreeing
    procedure is accepted only within the entry lag, at that minute (as in the fuzzy pass)."""
    empty = pd.DataFrame({P_IDX: np.empty(0, "int64"), E_IDX: np.empty(0, "int64")})
    if config.wide_window_days <= 0 or not len(p_rows) or not len(e_rows):
        return empty
    p_minute, e_minute = np.floor(p.minute[p_rows]), np.floor(e.minute[e_rows])
    left = pd.DataFrame(
        {
            "o": p.office[p_rows],
            "n": np.where(p.has_name[p_rows], p.texts["name"][p_rows], None),
            "m": np.nan_to_num(p_minute, nan=-10).astype("int64"),
            P_IDX: p_rows,
        }
    )
    right = pd.DataFrame(
        {
            "o": e.office[e_rows],
            "n": np.where(e.has_name[e_rows], e.texts["name"][e_rows], None),
            "m": np.nan_to_num(e_minute, nan=-100).astype("int64"),
            E_IDX: e_rows,
        }
    )
    parts = [left.dropna(subset=["n"]).merge(right.dropna(subset=["n"]), on=["o", "n"])[[P_IDX, E_IDX]]]
    for shift in (-1, 0, 1):  # the same minute, the seconds on either side of it
        timed = left[left["m"] >= 0].assign(m=lambda x, d=shift: x["m"] + d)
        parts.append(timed.merge(right[right["m"] >= 0], on=["o", "m"])[[P_IDX, E_IDX]])
    pairs = pd.concat(parts, ignore_index=True).drop_duplicates()
    pi, ei = pairs[P_IDX].to_numpy(), pairs[E_IDX].to_numpy()
    pw, sw, ew = p.workday[pi], p.swapped_workday[pi], e.workday[ei]
    apart = np.where(sw >= 0, np.minimum(np.abs(ew - pw), np.abs(ew - sw)), np.abs(ew - pw))
    near = (pw >= 0) & (ew >= 0) & (apart <= config.wide_window_days)
    pi, ei, apart = pi[near], ei[near], apart[near]
    if not len(pi):
        return empty
    ev = score_pairs(p, e, pi, ei, config, code_exists, scored_names)
    timed = ~np.isnan(p.minute[pi]) & ~np.isnan(e.minute[ei])
    same_minute = ev["time_points"].to_numpy() >= TIME_MINUTE
    procedure = ev["procedure_points"].to_numpy()
    within_lag = apart <= config.max_entry_lag_days
    ok = (
        (ev["applicant_points"].to_numpy() >= NAME_CLOSE)
        & ((procedure > 0) | ((procedure < 0) & same_minute & within_lag))
        & (ev["code_points"].to_numpy() >= 0)
        & (same_minute | ~timed)
    ).astype(bool)
    pi, ei, apart, ev = pi[ok], ei[ok], apart[ok], ev[ok].reset_index(drop=True)
    closeness = -apart.astype("float64")  # nearest dates first
    keep = greedy_one_to_one(pi, ei, closeness, p.rank[pi], e.rank[ei], uids[0][pi], uids[1][ei])
    log.info("wide pass: %d candidate pairs, %d links", len(pairs), int(keep.sum()))
    return pd.concat(
        [pd.DataFrame({P_IDX: pi[keep], E_IDX: ei[keep]}), ev[keep].reset_index(drop=True)], axis=1
    )


def _scored_in_halves(
    p: Features, e: Features, pi: np.ndarray, ei: np.ndarray, config: ReconcileConfig, names: ScoredNamePairs
) -> pd.DataFrame:
    """`score_pairs` of the pairs, the two halves on two threads (each pair is scored on its own,
    and the NumPy gathers and rapidfuzz let go of the GIL): the exact pass's several hundred
    thousand code-equal pairs take half the time on the machine's second core."""
    half = len(pi) // 2
    with ThreadPoolExecutor(max_workers=1) as pool:
        second = pool.submit(score_pairs, p, e, pi[half:], ei[half:], config, None, names)
        first = score_pairs(p, e, pi[:half], ei[:half], config, scored_names=names)
        return pd.concat([first, second.result()], ignore_index=True)


def link(
    paper: pd.DataFrame,
    electronic: pd.DataFrame,
    calendar: WorkingCalendar,
    config: ReconcileConfig,
    defer_paper: np.ndarray | None = None,
    skip_electronic: np.ndarray | None = None,
    codes: tuple[SideCodes, SideCodes] | None = None,
    applicants: tuple[SideNames, SideNames] | None = None,
) -> pd.DataFrame:
    """One-to-one links between the rows (positions) of the two frames, with their evidence.

    Columns: P_IDX, E_IDX, method, score, then `<field>_points` per field, `points`,
    `agreed` (uint8 bitmask over evidence.FIELDS).
    Paper rows at `defer_paper` (duplicate candidates) skip the exact pass: they link only fuzzily,
    to a record their first occurrence did not take (a same-person dossier of the day whose code
    was copied from the row above); those left unlinked are the duplicates. Electronic rows at
    `skip_electronic` (the software numbers its records itself: a repeated code is a repeated
    record) take no part. `codes`, `applicants`: both sides' code and name keys (`shared_codes`,
    `shared_names`) when already made.
    """
    # both sides' offices, numbered in order of first appearance ("" for none)
    offices = pd.Index(
        pd.concat([office_codes(paper[c.UNIT_CODE])[1], office_codes(electronic[c.UNIT_CODE])[1]]).unique()
    )
    p_codes, e_codes = codes or shared_codes(paper[c.DOSSIER_CODE], electronic[c.DOSSIER_CODE])
    p_names, e_names = applicants or shared_names(paper[c.APPLICANT_NAME], electronic[c.APPLICANT_NAME])
    # the two sides' features on two threads: their heavy steps (Arrow kernels, NumPy sorts) let go
    # of the GIL, and each side's temporaries are a few arrays of a million rows
    with ThreadPoolExecutor(max_workers=1) as pool:
        paper_side = pool.submit(features, paper, offices, calendar, PAPER_ORDER, p_codes, p_names)
        fe = features(electronic, offices, calendar, ELECTRONIC_ORDER, e_codes, e_names)
        fp = paper_side.result()
    p_pool = np.ones(len(paper), dtype=bool)
    e_pool = np.ones(len(electronic), dtype=bool)
    deferred_p = np.zeros(len(paper), dtype=bool)
    if defer_paper is not None:
        deferred_p[defer_paper] = True
    if skip_electronic is not None:
        e_pool[skip_electronic] = False
    p_pool &= ~deferred_p

    # exact pass: unique codes on both sides, applicants not disagreeing
    code_pairs = _code_candidates(fp, fe, np.flatnonzero(p_pool), np.flatnonzero(e_pool))
    names = ScoredNamePairs()  # the pairs of names scored, for every call below
    code_ev = _scored_in_halves(
        fp, fe, code_pairs[P_IDX].to_numpy(), code_pairs[E_IDX].to_numpy(), config, names
    )
    clean = (
        code_pairs["unique"].to_numpy()
        & (code_ev["applicant_points"].to_numpy() >= 0)
        & (code_ev["procedure_points"].to_numpy() >= 0)
    )
    exact = pd.concat(
        [code_pairs[clean].reset_index(drop=True), code_ev[clean].reset_index(drop=True)], axis=1
    )
    del code_ev  # (the memory peak is the end of linking: nothing held longer than needed)
    p_pool[exact[P_IDX].to_numpy()] = False
    e_pool[exact[E_IDX].to_numpy()] = False
    log.info("exact pass: %d links, %d code-equal pairs demoted", len(exact), int((~clean).sum()))

    # fuzzy pass over what is left: blocked pairs and the remaining code-equal pairs
    p_pool |= deferred_p
    p_rows, e_rows = np.flatnonzero(p_pool), np.flatnonzero(e_pool)
    p_uid, e_uid = ref_hashes(paper[c.REF], p_rows), ref_hashes(electronic[c.REF], e_rows)
    rest = code_pairs[~clean]
    rest = rest[p_pool[rest[P_IDX].to_numpy()] & e_pool[rest[E_IDX].to_numpy()]]
    code_exists = np.zeros(len(paper), dtype=bool)
    code_exists[code_pairs[P_IDX].to_numpy()] = True
    code_exists |= deferred_p
    # candidates are scored a batch of offices at a time (only those above threshold are kept),
    # so memory follows the largest office, not the whole province
    rest_office = fp.office[rest[P_IDX].to_numpy()]
    ids = shared_name_ids(fp, fe)
    n_e = max(len(electronic), 1)

    def score_batch(batch: np.ndarray) -> tuple[np.ndarray, np.ndarray, pd.DataFrame, int]:
        """(paper rows, electronic rows, evidence) of the batch's candidates that pass, and how
        many candidates were scored."""
        in_batch_p = p_rows[np.isin(fp.office[p_rows], batch)]
        in_batch_e = e_rows[np.isin(fe.office[e_rows], batch)]
        bp, be = block_candidates(fp, fe, in_batch_p, in_batch_e, config, ids)
        rb = rest[np.isin(rest_office, batch)]
        pi = np.concatenate([bp, rb[P_IDX].to_numpy()])
        ei = np.concatenate([be, rb[E_IDX].to_numpy()])
        pair_key = _sorted_unique(pi.astype("int64") * n_e + ei)
        pi, ei = pair_key // n_e, pair_key % n_e
        ev = score_pairs(fp, fe, pi, ei, config, code_exists, names)
        ok = ev[POINTS].to_numpy() >= config.fuzzy_min_points
        # without an equal code, a disagreeing procedure or applicant needs the same minute of receipt
        disagree = (ev["procedure_points"].to_numpy() < 0) | (ev["applicant_points"].to_numpy() < 0)
        ok &= (
            ev["code_equal"].to_numpy(dtype=bool) | ~disagree | (ev["time_points"].to_numpy() >= TIME_MINUTE)
        )
        return pi[ok], ei[ok], ev[ok].reset_index(drop=True), len(pi)

    # two batches at a time, on two threads: the NumPy gathers and sorts and rapidfuzz let go of the
    # GIL. Results come back in batch order; the pairs of names scored are shared (a pair both threads
    # meet at once may be scored twice, to the same points). The second thread's heap costs about
    # 100 MiB at 1M, paid for by freeing each pass's evidence early (below).
    with ThreadPoolExecutor(max_workers=2) as pool:
        kept = list(pool.map(score_batch, _office_batches(fp.office[p_rows], _BATCH_ROWS)))
    scored = sum(k[3] for k in kept)
    pi = np.concatenate([k[0] for k in kept]) if kept else np.empty(0, "int64")
    ei = np.concatenate([k[1] for k in kept]) if kept else np.empty(0, "int64")
    ev = pd.concat([k[2] for k in kept], ignore_index=True) if kept else score_pairs(fp, fe, pi, ei, config)
    del kept
    keep = greedy_one_to_one(pi, ei, ev[POINTS].to_numpy(), fp.rank[pi], fe.rank[ei], p_uid[pi], e_uid[ei])
    fuzzy = pd.concat(
        [pd.DataFrame({P_IDX: pi[keep], E_IDX: ei[keep]}), ev[keep].reset_index(drop=True)], axis=1
    )
    del ev
    log.info(
        "fuzzy pass: %d candidate pairs scored, %d above threshold, %d links",
        scored,
        len(pi),
        int(keep.sum()),
    )
    p_pool[pi[keep]] = False
    e_pool[ei[keep]] = False
    wide = _wide_pass(
        fp, fe, np.flatnonzero(p_pool), np.flatnonzero(e_pool), config, code_exists, (p_uid, e_uid), names
    )
    fuzzy = pd.concat([fuzzy, wide], ignore_index=True)

    links = pd.concat([exact.drop(columns="unique"), fuzzy], ignore_index=True)
    del exact, fuzzy, wide
    # codes equal as typed (their shared numbers); missing on either side: not equal
    p_basic, e_basic = fp.basic_id[links[P_IDX].to_numpy()], fe.basic_id[links[E_IDX].to_numpy()]
    same_basic = (p_basic == e_basic) & (p_basic >= 0)
    code_equal = links["code_equal"].to_numpy(dtype=bool)
    methods = pd.array([METHOD_EXACT, METHOD_NORMALISED, METHOD_FUZZY], dtype="str")  # taken per link
    links[c.METHOD] = methods.take(np.where(code_equal, np.where(same_basic, 0, 1), 2))
    links[AGREED] = agreed_bits(links)  # one byte per link; text only in the outputs
    ordered = [*LINK_COLUMNS, *[col for col in links.columns if col.endswith("_points")], POINTS, AGREED]
    # one copy in paper order (a paper row has at most one link, so any sort gives this order)
    order = np.argsort(links[P_IDX].to_numpy(), kind="stable")
    return links[ordered].take(order).reset_index(drop=True)
