"""Evidence that a paper row and an electronic row are the same dossier, field by field.

Each compared field gives points (a log-odds-like weight: agreement adds, disagreement subtracts,
a field missing on either side gives 0):

| field | agrees | partly | disagrees |
|---|---|---|---|
| code (normalised) | +6 equal | −1 one character or sequence number apart (0 when the paper code is
  another record's) | −6 |
| applicant | +5 same name (≥95), +4 close (≥ applicant_threshold) with the given name | | −2 (≥60), −4 |
| procedure (abbreviations expanded, reference list) | +2 | | −2 |
| receipt date | +2 same day | +1 within the entry lag, or day and month swapped | −1 |
| due date | +1 equal, or moved by the receipt's lag | | −1 |
| time of day (both known, same day) | +5 same minute, +2 within same_time_minutes | +0.5 (hour) | −1 |
| time of day (both known, other days) | +5 same minute | | 0 |
| quantity (when both sides have one) | +0.5 | | −0.5 |

`score` = points / the points the compared fields could give at most, clipped to 0..1.

A code one character or one sequence number away is worse than no code: the same day's dossiers
of an office share the code up to their sequence number, so the neighbouring dossier (often the
same person's next one) is what such a code usually names; a true pair rarely carries it (a digit
typo, or the neighbour's code copied). It still beats a code that differs outright, so a row with
a mistyped code finds its record when nothing better claims it.

The time of day is compared across days too, but there only agreement counts: a record entered
days later may carry the entry time, so a different time says little, while the same minute by
chance is rare (about 1 in 500 of a working day's minutes).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Levenshtein

from doisoat import schema as c
from doisoat.reconcile import keys
from doisoat.reconcile.calendar import WorkingCalendar
from doisoat.reconcile.codes import SideCodes
from doisoat.reconcile.config import ReconcileConfig
from doisoat.reconcile.names import NameWords, SideNames
from doisoat.reconcile.procedures import procedure_key
from doisoat.reconcile.workdays import workday_numbers

CODE_EQUAL, CODE_NEAR, CODE_DIFFERENT = 6.0, -1.0, -6.0
NAME_SAME, NAME_CLOSE, NAME_FAR, NAME_DIFFERENT = 5.0, 4.0, -2.0, -4.0
NAME_SAME_SCORE, NAME_FAR_SCORE = 95.0, 60.0
PROCEDURE_SAME, PROCEDURE_DIFFERENT = 2.0, -2.0
DATE_SAME, DATE_LAG, DATE_OUTSIDE = 2.0, 1.0, -1.0
TIME_MINUTE, TIME_SAME, TIME_NEAR, TIME_DIFFERENT = 5.0, 2.0, 0.5, -1.0
QUANTITY_SAME, QUANTITY_DIFFERENT = 0.5, -0.5
DUE_SAME, DUE_DIFFERENT = 1.0, -1.0

# Per-field columns added to the matches frame after the contract's, in this order.
FIELDS = ("code", "applicant", "procedure", "date", "due", "time", "quantity")
POINTS = "points"
AGREED = c.AGREED  # which fields agreed: a uint8 bitmask over FIELDS (`agreed_bits`)


@dataclass(frozen=True)
class Features:
    """Comparison keys of one side's rows, computed once (positions as in the frame)."""

    office: np.ndarray  # int, shared numbering across sides
    code_id: np.ndarray  # int64 number of normalise_code, shared by both sides (-1 when NA)
    basic_id: np.ndarray  # int64 number of basic_code, shared by both sides (-1 when NA)
    code_prefix: np.ndarray  # int64 hash of the code without its trailing number (-1 when none)
    code_number: np.ndarray  # float, the trailing number (NaN when none)
    name_key_id: np.ndarray  # int64 number of name_key, shared by both sides (-1 when NA)
    given_id: np.ndarray  # int64 number of given_name, shared by both sides (-1 when NA)
    procedure: np.ndarray  # procedure_key
    day: np.ndarray  # datetime64[D]
    workday: np.ndarray  # int, working days since the calendar's start (-1 when no date)
    swapped_workday: np.ndarray  # workday of the day/month-swapped date, -1 when impossible
    due_workday: np.ndarray  # workday of the due date, -1 when none
    minute: np.ndarray  # float minute of day, NaN when unknown (midnight)
    quantity: np.ndarray  # float, NaN when absent
    rank: np.ndarray  # int, order of the row within its office
    # name, given, folded_name and code as object arrays ("" where NA), made once: the scorers
    # take Python strings, and each row's string is the shared object of its distinct value
    texts: dict[str, np.ndarray]
    has_name: np.ndarray  # bool, name not NA
    name_id: np.ndarray  # int64 number of the folded name, shared by both sides (-1 when NA):
    # names' keys (name, given, folded) all derive from the folded name, so equal numbers score alike
    has_code: np.ndarray  # bool, code not NA
    words: NameWords  # the words of each folded name, by its number (`name_id`), split once


def _workdays(calendar: WorkingCalendar, days: pd.Series) -> np.ndarray:
    return workday_numbers(calendar, days)


def swap_day_month(days: pd.Series) -> pd.Series:
    """The date with day and month swapped (NaT when that is no date or the same date), worked
    out once per distinct date (a period holds a few hundred)."""
    dates = pd.Series(pd.to_datetime(days)).reset_index(drop=True)
    codes, uniques = pd.factorize(dates, use_na_sentinel=True)
    d = pd.Series(uniques)
    ok = ((d.dt.day <= 12) & (d.dt.day != d.dt.month)).fillna(False).to_numpy(dtype=bool)
    swapped = pd.Series(pd.NaT, index=d.index, dtype="datetime64[us]")
    if ok.any():
        parts = pd.DataFrame({"year": d.dt.year[ok], "month": d.dt.day[ok], "day": d.dt.month[ok]}).astype(
            "int64"
        )
        swapped[ok] = pd.to_datetime(parts).astype("datetime64[us]").to_numpy()
    values = np.append(swapped.to_numpy(), np.datetime64("NaT", "us"))
    out = pd.Series(values[np.where(codes >= 0, codes, len(d))], dtype="datetime64[us]")
    if isinstance(days, pd.Series):
        out.index = days.index
    return out


def _rank_within(groups: np.ndarray, order_by: list[pd.Series]) -> np.ndarray:
    """Position of each row within its group when the rows are sorted on `order_by` (missing
    values last), then on their position: one lexsort of integer codes (Arrow's dense rank),
    then a count per group."""
    n = len(groups)
    keys = [
        pc.rank(pa.array(values, from_pandas=True), sort_keys="ascending", tiebreaker="dense").to_numpy()
        for values in reversed(order_by)
    ]
    order = np.lexsort(keys) if keys else np.arange(n)
    in_order = groups[order]
    by_group = np.argsort(in_order, kind="stable")
    sorted_groups = in_order[by_group]
    within = np.empty(n, dtype="int64")
    within[by_group] = np.arange(n) - np.searchsorted(sorted_groups, sorted_groups, side="left")
    rank = np.empty(n, dtype="int64")
    rank[order] = within
    return rank


def minute_of_day(received: pd.Series) -> np.ndarray:
    """Minute of the day of each receipt (seconds as a fraction); NaN at midnight, where no time of
    day was written, and where the date is missing."""
    minute = (received.dt.hour * 60 + received.dt.minute + received.dt.second / 60).astype("float64")
    return minute.where(minute > 0).to_numpy("float64", na_value=np.nan)


def features(
    records: pd.DataFrame,
    offices: pd.Index,
    calendar: WorkingCalendar,
    order_by: list[str],
    codes: SideCodes,
    names: SideNames,
) -> Features:
    """Keys of every row. `order_by` are the columns ranking rows within their office (ties between
    equally good candidates go to the rows that come first on both sides). `codes`, `names`: the
    rows' code and name keys, numbered together with the other side's (`codes.shared_codes`,
    `names.shared_names`): the scorer and the joins compare codes and names by those numbers."""
    recv = pd.to_datetime(records[c.RECEIVED_AT])
    day = recv.dt.normalize()
    office_rows, office_values = keys.office_codes(records[c.UNIT_CODE])
    office = offices.get_indexer(office_values)[office_rows]
    rank = _rank_within(office, [records[k] for k in order_by])
    quantity = (
        pd.to_numeric(records[c.QUANTITY], errors="coerce").astype("float64").to_numpy()
        if c.QUANTITY in records.columns
        else np.full(len(records), np.nan)
    )
    distinct_names, per_row = names.names, names.per_row
    # the scorers' strings made from the distinct names (a few hundred thousand), then taken per row
    texts = {
        "name": per_row(text_array(distinct_names.keys.key), ""),
        "given": per_row(text_array(distinct_names.keys.given), ""),
        "folded_name": per_row(text_array(distinct_names.keys.folded), ""),
        "code": codes.text,
    }
    return Features(
        texts=texts,
        has_name=per_row(distinct_names.keys.key.notna().to_numpy(dtype=bool), False),
        name_id=per_row(distinct_names.folded_id, -1),
        name_key_id=per_row(distinct_names.key_id, -1),
        given_id=per_row(distinct_names.given_id, -1),
        has_code=codes.has_code,
        words=distinct_names.words,
        office=office,
        code_id=codes.key_id,
        basic_id=codes.basic_id,
        code_prefix=codes.prefix,
        code_number=codes.number,
        procedure=procedure_key(records[c.PROCEDURE_NAME]),
        day=day.to_numpy("datetime64[D]"),
        workday=_workdays(calendar, day),
        swapped_workday=_workdays(calendar, swap_day_month(day)),
        due_workday=_workdays(calendar, pd.to_datetime(records[c.DUE_DATE]).dt.normalize()),
        minute=minute_of_day(recv),
        quantity=quantity,
        rank=rank,
    )


def ref_hashes(refs: pd.Series, rows: np.ndarray) -> np.ndarray:
    """int64 hash of the refs at `rows` (the symmetric tie-break of `greedy_one_to_one`), 0
    elsewhere: hashed only for the rows left to the fuzzy passes, each hash that of its ref alone."""
    out = np.zeros(len(refs), dtype="int64")
    if len(rows):
        taken = refs.take(rows).astype("string")
        # refs are all distinct: hashed as they are (the hashes do not depend on `categorize`,
        # which would factorize them first, four times slower)
        out[rows] = pd.util.hash_pandas_object(taken, index=False, categorize=False).to_numpy().view("int64")
    return out


def text_array(s: pd.Series) -> np.ndarray:
    """The strings of a column as an object array, "" where NA (converted once per distinct value)."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    values = np.append(np.asarray(uniques, dtype=object), "")
    return values[np.where(codes >= 0, codes, len(values) - 1)]


def _strings(f: Features, name: str, idx: np.ndarray) -> list[str]:
    return list(f.texts[name][idx].tolist())


def given_name_agrees(
    a_given: list[str], b_tokens: list[str], b_given: list[str], a_tokens: list[str], threshold: float
) -> np.ndarray:
    """Each given name is close to some word of the other name (so word order does not matter,
    but 'Nguyễn Văn An' and 'Nguyễn Văn Bình' differ)."""

    def one_way(given: list[str], tokens: list[str]) -> np.ndarray:
        words = pd.Series(tokens, dtype="string").str.split(" ")
        counts = words.str.len().fillna(0).astype("int64").to_numpy()
        return _given_in_words(given, words.explode().fillna("").tolist(), counts, threshold)

    return one_way(a_given, b_tokens) & one_way(b_given, a_tokens)


def given_name_agrees_by_number(
    a_given: list[str],
    b_names: np.ndarray,
    b_words: NameWords,
    b_given: list[str],
    a_names: np.ndarray,
    a_words: NameWords,
    threshold: float,
) -> np.ndarray:
    """`given_name_agrees`, the other name's words taken from its folded name's number (`names`'
    `folded_id`, -1 for NA) among words split once per distinct name: no string split per pair."""

    def one_way(given: list[str], names: np.ndarray, words: NameWords) -> np.ndarray:
        flat, counts = words.of(names)
        return _given_in_words(given, flat.tolist(), counts, threshold)

    return one_way(a_given, b_names, b_words) & one_way(b_given, a_names, a_words)


def _given_in_words(given: list[str], flat: list[str], counts: np.ndarray, threshold: float) -> np.ndarray:
    """Each given name is close to one of its pair's words (`counts[i]` of `flat`, in order; a name
    without words stands for one word)."""
    rep = np.repeat(np.asarray(given, dtype=object), np.maximum(counts, 1)).tolist()
    if not flat:
        return np.zeros(0, dtype=bool)
    scores = np.asarray(process.cpdist(rep, flat, scorer=fuzz.ratio, workers=-1), dtype="float64")
    # one typo (a letter dropped, added, changed or two swapped) still agrees: 'Vy' / 'y', 'Nga' / 'gNa'
    typo = np.asarray(process.cpdist(rep, flat, scorer=OSA.distance, workers=-1)) <= 1
    scores = np.where(typo, 100.0, scores)
    starts = np.concatenate([[0], np.cumsum(np.maximum(counts, 1))[:-1]])
    return np.asarray(np.maximum.reduceat(scores, starts) >= threshold)


class ScoredNamePairs:
    """The applicant points of the pairs of names scored so far, by the pair's key (the two folded
    names' numbers): the fuzzy pass scores its candidates a batch of offices at a time, and a third
    of the pairs of names a batch meets were met in an earlier one (common names), so each is
    scored once. Each batch's pairs are kept as one sorted chunk, searched by binary search."""

    def __init__(self) -> None:
        self._chunks: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def find(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(found, points, compared) of each key; points 0 and compared False where not found."""
        found = np.zeros(len(keys), dtype=bool)
        points, compared = np.zeros(len(keys)), np.zeros(len(keys), dtype=bool)
        # the keys searched in sorted order: the binary searches then walk memory in one direction
        order = np.argsort(keys)
        ordered = keys[order]
        for known, known_points, known_compared in self._chunks:
            at = np.minimum(np.searchsorted(known, ordered), len(known) - 1)
            hit = order[known[at] == ordered]
            at = at[known[at] == ordered]
            points[hit], compared[hit] = known_points[at], known_compared[at]
            found[hit] = True
        return found, points, compared

    def add(self, keys: np.ndarray, points: np.ndarray, compared: np.ndarray) -> None:
        if len(keys):
            order = np.argsort(keys)
            self._chunks.append((keys[order], points[order], compared[order]))


def applicant_points(
    p: Features,
    e: Features,
    pi: np.ndarray,
    ei: np.ndarray,
    config: ReconcileConfig,
    scored: ScoredNamePairs | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(points, compared) of the applicant names of each pair, scored once per distinct pair of
    names (`applicant_points_per_pair`): the fuzzy pass's millions of candidate pairs repeat the
    same (name, name) pairs many times over (a block shares the name's words). `scored`: the pairs
    of names scored by earlier calls, taken from there (and this call's added to it)."""
    if not len(pi):
        return applicant_points_per_pair(p, e, pi, ei, config)
    width = int(max(p.name_id.max(initial=-1), e.name_id.max(initial=-1))) + 2
    codes, distinct = pd.factorize((p.name_id[pi] + 1) * width + (e.name_id[ei] + 1))
    first = np.empty(len(distinct), dtype="int64")  # a pair of rows standing for each distinct pair
    first[codes[::-1]] = np.arange(len(pi) - 1, -1, -1)
    scored = scored or ScoredNamePairs()
    found, points, compared = scored.find(distinct)
    todo = np.flatnonzero(~found)
    points[todo], compared[todo] = _points_unless_same_name(p, e, pi[first[todo]], ei[first[todo]], config)
    scored.add(distinct[todo], points[todo], compared[todo])
    return points[codes], compared[codes]


def _points_unless_same_name(
    p: Features, e: Features, pi: np.ndarray, ei: np.ndarray, config: ReconcileConfig
) -> tuple[np.ndarray, np.ndarray]:
    """`applicant_points_per_pair`, with the pairs of one folded name (most of them) given their
    points without a string compared: the same folded name has the same words, so NAME_SAME."""
    same = (p.name_id[pi] == e.name_id[ei]) & (p.name_id[pi] >= 0)  # numbers shared by both sides
    points, compared = np.where(same, NAME_SAME, 0.0), same.copy()
    k = np.flatnonzero(~same)
    if len(k):
        points[k], compared[k] = applicant_points_per_pair(p, e, pi[k], ei[k], config)
    return points, compared


def applicant_points_per_pair(
    p: Features, e: Features, pi: np.ndarray, ei: np.ndarray, config: ReconcileConfig
) -> tuple[np.ndarray, np.ndarray]:
    """(points, compared) of the applicant names of each pair, every pair scored (the plain form)."""
    a, b = _strings(p, "name", pi), _strings(e, "name", ei)
    compared = p.has_name[pi] & e.has_name[ei]
    fa, fb = _strings(p, "folded_name", pi), _strings(e, "folded_name", ei)
    key_ratio = np.asarray(process.cpdist(a, b, scorer=fuzz.ratio, workers=-1), dtype="float64")
    ratio = np.maximum.reduce(
        [
            key_ratio,
            process.cpdist(fa, fb, scorer=fuzz.ratio, workers=-1),
            process.cpdist(fa, fb, scorer=OSA.normalized_similarity, workers=-1) * 100,
        ]
    )
    points = np.where(ratio >= NAME_FAR_SCORE, NAME_FAR, NAME_DIFFERENT)
    same_words = compared & (key_ratio >= 100.0)  # the same words: the given names agree too
    points = np.where(same_words, NAME_SAME, points)
    close = compared & (ratio >= config.applicant_threshold) & ~same_words
    if close.any():
        k = np.flatnonzero(close)
        ok = given_name_agrees_by_number(
            _strings(p, "given", pi[k]),
            e.name_id[ei[k]],
            e.words,
            _strings(e, "given", ei[k]),
            p.name_id[pi[k]],
            p.words,
            config.applicant_given_name_threshold,
        )
        points[k] = np.where(ok, np.where(ratio[k] >= NAME_SAME_SCORE, NAME_SAME, NAME_CLOSE), NAME_FAR)
    return np.where(compared, points, 0.0), compared


def score_pairs(
    p: Features,
    e: Features,
    pi: np.ndarray,
    ei: np.ndarray,
    config: ReconcileConfig,
    p_code_exists: np.ndarray | None = None,
    scored_names: ScoredNamePairs | None = None,
) -> pd.DataFrame:
    """Points per field, total points and score of each candidate pair (paper pi, electronic ei).

    `p_code_exists` marks paper rows whose code is some electronic record's code: such a code is
    no typo, so a code one character away from it earns nothing. `scored_names`: the pairs of
    names scored by earlier calls on the same features (`applicant_points`)."""
    out: dict[str, np.ndarray] = {}
    attainable = np.zeros(len(pi))
    # code
    has = p.has_code[pi] & e.has_code[ei]
    equal = has & (p.code_id[pi] == e.code_id[ei])  # numbers shared by both sides: no string compared
    near = np.zeros(len(pi), dtype=bool)
    k = np.flatnonzero(has & ~equal)
    if len(k):
        pc, ec = p.texts["code"][pi[k]], e.texts["code"][ei[k]]  # object arrays: no list per pair
        dist = process.cpdist(pc.tolist(), ec.tolist(), scorer=Levenshtein.distance, workers=-1)
        # one character apart, or the same prefix with the neighbouring sequence number (…0009 / …0010)
        neighbour = (p.code_prefix[pi[k]] == e.code_prefix[ei[k]]) & (
            np.abs(p.code_number[pi[k]] - e.code_number[ei[k]]) == 1
        )
        near[k] = (dist <= 1) | neighbour
    # a paper code that is some record's code is no typo: one character away earns nothing (0)
    real = np.zeros(len(pi), dtype=bool) if p_code_exists is None else p_code_exists[pi]
    muted = near & real
    out["code"] = np.where(
        equal, CODE_EQUAL, np.where(muted, 0.0, np.where(near, CODE_NEAR, np.where(has, CODE_DIFFERENT, 0.0)))
    )
    attainable += np.where(has, CODE_EQUAL, 0.0)
    # applicant
    out["applicant"], compared = applicant_points(p, e, pi, ei, config, scored_names)
    attainable += np.where(compared, NAME_SAME, 0.0)
    # procedure
    pp, ep = p.procedure[pi], e.procedure[ei]
    compared = (pp >= 0) & (ep >= 0)
    out["procedure"] = np.where(compared, np.where(pp == ep, PROCEDURE_SAME, PROCEDURE_DIFFERENT), 0.0)
    attainable += np.where(compared, PROCEDURE_SAME, 0.0)
    # receipt date: the software may trail by the entry lag; a swapped day/month on paper is a typo
    pw, sw, ew = p.workday[pi], p.swapped_workday[pi], e.workday[ei]
    compared = (pw >= 0) & (ew >= 0)
    lag, slag = ew - pw, ew - sw
    same_day = p.day[pi] == e.day[ei]
    in_lag = (lag >= 0) & (lag <= config.max_entry_lag_days)
    swapped_ok = (sw >= 0) & (slag >= 0) & (slag <= config.max_entry_lag_days)
    out["date"] = np.where(
        compared,
        np.where(same_day, DATE_SAME, np.where(in_lag | swapped_ok, DATE_LAG, DATE_OUTSIDE)),
        0.0,
    )
    attainable += np.where(compared, DATE_SAME, 0.0)
    # due date: equal, or moved by the same working days as the receipt (entered later)
    pd_, ed_ = p.due_workday[pi], e.due_workday[ei]
    compared = (pd_ >= 0) & (ed_ >= 0) & (pw >= 0) & (ew >= 0)
    due_ok = (pd_ == ed_) | ((ed_ - pd_) == lag)
    out["due"] = np.where(compared, np.where(due_ok, DUE_SAME, DUE_DIFFERENT), 0.0)
    attainable += np.where(compared, DUE_SAME, 0.0)
    # time of day: on the same day, closeness counts either way; on other days only the same minute
    pm, em = p.minute[pi], e.minute[ei]
    timed = ~np.isnan(pm) & ~np.isnan(em)
    compared = same_day & timed
    gap = np.abs(np.nan_to_num(pm) - np.nan_to_num(em))
    across = ~same_day & timed & (gap <= 1)
    out["time"] = np.where(
        compared,
        np.where(
            gap <= 1,
            TIME_MINUTE,
            np.where(
                gap <= config.same_time_minutes, TIME_SAME, np.where(gap <= 60, TIME_NEAR, TIME_DIFFERENT)
            ),
        ),
        np.where(across, TIME_MINUTE, 0.0),
    )
    attainable += np.where(compared | across, TIME_MINUTE, 0.0)
    # quantity, when both sides state one
    pq, eq = p.quantity[pi], e.quantity[ei]
    compared = ~np.isnan(pq) & ~np.isnan(eq)
    out["quantity"] = np.where(compared, np.where(pq == eq, QUANTITY_SAME, QUANTITY_DIFFERENT), 0.0)
    attainable += np.where(compared, QUANTITY_SAME, 0.0)

    # copy=False: the fresh arrays become the frame's columns as they are, not copied into one block
    frame = pd.DataFrame({f"{name}_points": out[name] for name in FIELDS}, copy=False)
    # summed field by field (no 2-D copy of the frame); points are multiples of 0.5: sums are exact
    total = np.zeros(len(pi))
    for name in FIELDS:
        total += out[name]
    frame[POINTS] = total
    frame[c.SCORE] = np.clip(
        np.divide(total, attainable, out=np.zeros_like(total), where=attainable > 0), 0, 1
    )
    frame["code_equal"] = equal
    return frame


AGREED_SEPARATOR = "+"


def agreed_bits(points: pd.DataFrame) -> np.ndarray:
    """Bit i set when FIELDS[i] gave the pair positive points: each link's explanation as one
    uint8 (7 fields), the form the engine's matches frame keeps (`agreed_text` renders it)."""
    bits = np.zeros(len(points), dtype="uint8")
    for i, name in enumerate(FIELDS):
        bits |= (points[f"{name}_points"].to_numpy() > 0).astype("uint8") << np.uint8(i)
    return bits


def agreed_labels() -> list[str]:
    """The text of each of the 128 possible sets of agreeing fields, by bitmask:
    'code+applicant+date' (FIELDS order; '' when none agreed)."""
    return [
        AGREED_SEPARATOR.join(n for i, n in enumerate(FIELDS) if combo >> i & 1)
        for combo in range(1 << len(FIELDS))
    ]


def agreed_text(bits: pd.Series | np.ndarray) -> pd.Series:
    """`agreed_bits` as text, a category of the 128 labels (each label written once, taken by
    its bitmask: no string built per link); missing bitmasks stay missing. Values that are text
    already (an explanation read back from a file or the warehouse) are returned unchanged."""
    values = pd.Series(bits)
    numeric = pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype)
    if not numeric and not (len(values) and values.isna().all()):
        return values
    codes = pd.to_numeric(values).fillna(-1).to_numpy(dtype="int64")
    dtype = pd.CategoricalDtype(pd.Index(agreed_labels(), dtype="str"))
    return pd.Series(pd.Categorical.from_codes(codes, dtype=dtype), index=values.index)
