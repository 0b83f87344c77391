"""Counts as the offices count them: per office, per level, and per field / channel / month."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from doisoat import schema as c
from doisoat.reconcile import timeliness as tl
from doisoat.reconcile.procedures import UNKNOWN_FIELD, resolve
from doisoat.reconcile.result import Period
from doisoat.reference import procedures

LEVEL_NAMES_VI = {c.LEVEL_CITY: "Cấp thành phố, huyện", c.LEVEL_WARD: "Cấp xã, phường, thị trấn"}


def offices_of(paper: pd.DataFrame, electronic: pd.DataFrame) -> pd.DataFrame:
    """Every office seen on either side: code, name, level (first name seen wins). Each side's
    first row per office is found first: a few hundred rows are concatenated, not two million."""
    cols = [c.UNIT_CODE, c.UNIT_NAME, c.LEVEL]

    def first_rows(records: pd.DataFrame) -> pd.DataFrame:
        code = records[c.UNIT_CODE]
        return records.loc[(code.notna() & ~code.duplicated()).to_numpy(dtype=bool), cols]

    both = pd.concat([first_rows(paper), first_rows(electronic)], ignore_index=True)
    return both.drop_duplicates(c.UNIT_CODE).reset_index(drop=True)


def _counts(paper: pd.DataFrame, electronic: pd.DataFrame, period: Period, keys: list[str]) -> pd.DataFrame:
    p = pd.DataFrame({k: paper[k] for k in keys})
    p[c.PAPER_RECEIVED] = 1
    p[c.PAPER_OVERDUE] = tl.paper_overdue(paper).astype("int64").to_numpy()
    e = pd.DataFrame({k: electronic[k] for k in keys})
    e[c.ELECTRONIC_RECEIVED] = 1
    e[c.ELECTRONIC_OVERDUE] = tl.electronic_overdue(electronic, period.end).astype("int64").to_numpy()
    pc = p.groupby(keys, dropna=False, sort=False).sum()
    ec = e.groupby(keys, dropna=False, sort=False).sum()
    out = pc.join(ec, how="outer", sort=False).fillna(0).astype("int64").reset_index()
    return out[[*keys, c.PAPER_RECEIVED, c.ELECTRONIC_RECEIVED, c.PAPER_OVERDUE, c.ELECTRONIC_OVERDUE]]


def with_rates(df: pd.DataFrame) -> pd.DataFrame:
    """`df` (changed in place) with what its counts give: the differences (electronic − paper), the
    on-time rates ((received − overdue) / received) and, when it has `paper_matched`, the sync rate
    (paper_matched / paper_received); a rate is NaN without rows on its side. One definition for
    the summary, the breakdown and the report's level rows summed from it."""
    df[c.RECEIVED_DIFFERENCE] = df[c.ELECTRONIC_RECEIVED] - df[c.PAPER_RECEIVED]
    df[c.OVERDUE_DIFFERENCE] = df[c.ELECTRONIC_OVERDUE] - df[c.PAPER_OVERDUE]
    for rate, received, overdue in (
        (c.PAPER_ON_TIME_RATE, c.PAPER_RECEIVED, c.PAPER_OVERDUE),
        (c.ELECTRONIC_ON_TIME_RATE, c.ELECTRONIC_RECEIVED, c.ELECTRONIC_OVERDUE),
    ):
        n = df[received].astype("float64")
        df[rate] = np.where(n > 0, (n - df[overdue]) / n.where(n > 0, 1.0), np.nan)
    if c.PAPER_MATCHED in df.columns:
        n = df[c.PAPER_RECEIVED].astype("float64")
        df[c.SYNC_RATE] = np.where(n > 0, df[c.PAPER_MATCHED] / n.where(n > 0, 1.0), np.nan)
    return df


def summarise(paper: pd.DataFrame, electronic: pd.DataFrame, period: Period) -> pd.DataFrame:
    """The Tây Ninh table: one row per level (unit_code '*'), then one per office of that level.

    `paper` and `electronic` are every row read, quarantined ones included: a ledger's total
    counts every row written in it.
    """
    offices = offices_of(paper, electronic)
    per_office = _counts(paper, electronic, period, [c.UNIT_CODE]).merge(offices, on=c.UNIT_CODE, how="left")
    num = [c.PAPER_RECEIVED, c.ELECTRONIC_RECEIVED, c.PAPER_OVERDUE, c.ELECTRONIC_OVERDUE]
    rows = []
    for level in c.LEVELS:
        members = per_office[per_office[c.LEVEL] == level].sort_values(c.UNIT_CODE)
        if members.empty:
            continue
        total = members[num].sum().to_frame().T
        total[c.LEVEL] = level
        total[c.UNIT_CODE] = c.ALL_UNITS
        total[c.UNIT_NAME] = LEVEL_NAMES_VI[level]
        rows += [total, members]
    unknown = per_office[~per_office[c.LEVEL].isin(list(c.LEVELS))]
    if not unknown.empty:
        rows.append(unknown)
    out = pd.concat(rows, ignore_index=True) if rows else per_office.iloc[0:0]
    out[num] = out[num].astype("int64")
    out[c.PERIOD_START] = period.start
    out[c.PERIOD_END] = period.end
    return with_rates(out)[c.SUMMARY_COLUMNS].reset_index(drop=True)


PAPER_MATCHED = c.PAPER_MATCHED  # paper rows linked to an electronic record
DIMENSIONS = ("office", "field", "procedure", "channel", "month")


def _procedure_labels(names: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(field, procedure label) of each name: the reference procedure's when the name resolves,
    else UNKNOWN_FIELD and the name as typed (trimmed)."""
    pos = resolve(names).to_numpy()
    ref = procedures()
    fields = np.array([*ref["field"].tolist(), UNKNOWN_FIELD], dtype=object)
    labels = np.array([*ref["procedure_name"].tolist(), ""], dtype=object)
    typed = names.astype("string").str.strip().fillna(UNKNOWN_FIELD).to_numpy(dtype=object)
    k = np.where(pos >= 0, pos, len(fields) - 1)
    return fields[k], np.where(pos >= 0, labels[k], typed)


class _Codes:
    """One key's values on both sides as integer codes into `labels` (NA is the last code): the
    breakdown counts with `np.bincount` over these, not group-bys over a million strings."""

    def __init__(self, paper: np.ndarray, electronic: np.ndarray, labels: pd.Series) -> None:
        self.paper, self.electronic, self.labels = paper, electronic, labels

    @classmethod
    def merge(cls, p_codes: np.ndarray, p_labels: object, e_codes: np.ndarray, e_labels: object) -> _Codes:
        """Codes of each side into its own label list (-1 or past the end: NA) → shared codes."""
        pl = pd.Series(np.asarray(p_labels, dtype=object), dtype="string")
        el = pd.Series(np.asarray(e_labels, dtype=object), dtype="string")
        vocab = pd.Index(pd.concat([pl, el], ignore_index=True).dropna().unique())
        na = len(vocab)

        def recode(codes: np.ndarray, labels: pd.Series) -> np.ndarray:
            to = np.append(vocab.get_indexer(labels), -1)
            to = np.where(to >= 0, to, na).astype("int32")  # codes kept while the findings are found
            return to[np.minimum(codes, len(labels))]  # -1 takes the last slot: NA, as past the end

        labels = pd.concat([pd.Series(vocab, dtype="string"), pd.Series([pd.NA], dtype="string")])
        return cls(recode(p_codes, pl), recode(e_codes, el), labels.reset_index(drop=True))

    @classmethod
    def of(cls, paper: pd.Series, electronic: pd.Series) -> _Codes:
        p_codes, p_labels = pd.factorize(paper.astype("string"), use_na_sentinel=True)
        e_codes, e_labels = pd.factorize(electronic.astype("string"), use_na_sentinel=True)
        return cls.merge(p_codes, p_labels, e_codes, e_labels)


def _month_codes(received: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(code of each row, '2019-03' per code, None for the code of rows with no date), formatted
    once per distinct month; months are numbered by one cast of the datetime64 values, not from
    each row's year and month."""
    d = pd.Series(received)
    values = (d if pd.api.types.is_datetime64_dtype(d) else pd.to_datetime(d)).to_numpy()
    months = values.astype("datetime64[M]").view("int64")  # since 1970-01; NaT: int64's minimum
    codes, uniques = pd.factorize(months)
    labels = [None if v == _NO_MONTH else f"{1970 + v // 12:04d}-{v % 12 + 1:02d}" for v in uniques.tolist()]
    return codes, np.array(labels, dtype=object)


_NO_MONTH = int(np.iinfo("int64").min)


def _procedure_codes(names: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(code of each row, field per code, procedure label per code): `_procedure_labels` of the
    distinct names only (NA names have the last code)."""
    codes, uniques = pd.factorize(names.astype("string"), use_na_sentinel=True)
    distinct = pd.concat([pd.Series(uniques, dtype="string"), pd.Series([pd.NA], dtype="string")])
    fields, labels = _procedure_labels(distinct.reset_index(drop=True))
    return np.where(codes >= 0, codes, len(uniques)), fields, labels


def _first_positions(refs: pd.Series, wanted: pd.Series) -> np.ndarray:
    """Position of the first row whose ref is each wanted ref (-1 when none), hashed by Arrow.
    The distinct wanted refs are hashed, and the rows' refs looked up in them: the findings are
    a few thousand refs among a million rows (hashing a million strings costs far more than
    looking them up)."""
    values = pa.array(refs.astype("string").array).cast(pa.large_string())
    keys = pa.array(wanted.astype("string").array).cast(pa.large_string())
    distinct = pc.unique(keys)
    found = pc.fill_null(pc.index_in(values, value_set=distinct), -1).to_numpy(zero_copy_only=False)
    rows = np.flatnonzero(found >= 0)
    seen, first = np.unique(found[rows], return_index=True)  # the first row of each found ref
    first_row = np.full(len(distinct), -1, dtype="int64")
    first_row[seen] = rows[first]
    # every wanted ref (null included: nulls match nulls, as above) is one of the distinct ones
    own = pc.index_in(keys, value_set=distinct).to_numpy(zero_copy_only=False)
    return first_row[np.asarray(own, dtype="int64")]


@dataclass(frozen=True)
class RowCodes:
    """What the breakdown reads of the rows before any link is known (`row_codes`): level, office
    and every dimension as shared codes, except the paper rows' channel (they take their linked
    record's); the records' channels; each row's overdue flag."""

    keys: dict[str, _Codes]
    e_channel: np.ndarray
    e_channel_labels: np.ndarray
    overdue_p: np.ndarray
    overdue_e: np.ndarray


def row_codes(paper: pd.DataFrame, electronic: pd.DataFrame, period: Period) -> RowCodes:
    """The breakdown's codes of the rows (field and procedure from the reference procedure when
    the name resolves): the bulk of its work, and independent of the links and findings (the
    engine works it out on a second thread meanwhile; its hashing is Arrow's, out of the GIL)."""
    e_channel, e_channel_labels = pd.factorize(electronic[c.CHANNEL].astype("string"), use_na_sentinel=True)
    p_proc, p_fields, p_labels = _procedure_codes(paper[c.PROCEDURE_NAME])
    e_proc, e_ref_fields, e_labels = _procedure_codes(electronic[c.PROCEDURE_NAME])
    # the software's own field where it states one, else the reference procedure's
    e_field, e_field_labels = pd.factorize(electronic[c.FIELD].astype("string"), use_na_sentinel=True)
    e_field = np.where(e_field >= 0, e_field, len(e_field_labels) + e_proc)
    p_month, p_months = _month_codes(paper[c.RECEIVED_AT])
    e_month, e_months = _month_codes(electronic[c.RECEIVED_AT])
    office = _Codes.of(paper[c.UNIT_CODE], electronic[c.UNIT_CODE])
    keys = {
        c.LEVEL: _Codes.of(paper[c.LEVEL], electronic[c.LEVEL]),
        c.UNIT_CODE: office,
        "office": office,
        "field": _Codes.merge(
            p_proc,
            p_fields,
            e_field,
            np.concatenate([np.asarray(e_field_labels, dtype=object), e_ref_fields]),
        ),
        "procedure": _Codes.merge(p_proc, p_labels, e_proc, e_labels),
        "month": _Codes.merge(p_month, p_months, e_month, e_months),
    }
    return RowCodes(
        keys,
        e_channel,
        np.asarray(e_channel_labels, dtype=object),
        tl.paper_overdue(paper).to_numpy(dtype=bool),
        tl.electronic_overdue(electronic, period.end).to_numpy(dtype=bool),
    )


def _keys(rows: RowCodes, link: np.ndarray, match_records: np.ndarray) -> dict[str, _Codes]:
    """Every key of `rows`, and the channel: a paper row takes its linked record's. `link`: each
    paper row's position in the matches, or -1; `match_records`: each match's electronic row, or
    -1."""
    p_channel = np.full(len(link), -1, dtype="int64")
    if len(match_records):
        record = np.append(match_records, -1)[np.where(link >= 0, link, len(match_records))]
        p_channel = np.where(record >= 0, rows.e_channel[np.maximum(record, 0)], -1)
    channel = _Codes.merge(p_channel, rows.e_channel_labels, rows.e_channel, rows.e_channel_labels)
    return {**rows.keys, "channel": channel}


def _finding_rows(
    paper: pd.DataFrame,
    electronic: pd.DataFrame,
    matches: pd.DataFrame | None,
    mismatches: pd.DataFrame | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(is a paper row, paper row or -1 when the ref is not found, electronic row or -1, type
    number) of each finding, and the electronic row of each match: a finding counts where its
    paper row belongs, else where its electronic row belongs. The electronic refs of the matches
    and of the findings are looked up together (one hash of the electronic refs)."""
    n_matches = 0 if matches is None else len(matches)
    match_e_refs = pd.Series([], dtype="string") if matches is None else matches[c.ELECTRONIC_REF]
    if mismatches is None or mismatches.empty:
        empty = np.zeros(0, dtype="int64")
        records = _first_positions(electronic[c.REF], match_e_refs) if n_matches else empty
        return empty.astype(bool), empty, empty, empty, records
    has_p = mismatches[c.PAPER_REF].notna().to_numpy(dtype=bool)
    p_pos = _first_positions(paper[c.REF], mismatches[c.PAPER_REF])
    both = pd.concat(
        [match_e_refs.astype("string"), mismatches[c.ELECTRONIC_REF].astype("string")], ignore_index=True
    )
    found = _first_positions(electronic[c.REF], both)
    records, e_pos = found[:n_matches], found[n_matches:]
    kind = pd.Index(list(c.MISMATCH_TYPES)).get_indexer(mismatches[c.MISMATCH_TYPE].astype("string"))
    return has_p, np.where(has_p, p_pos, -1), np.where(has_p, -1, e_pos), kind, records


def _office_key(level: np.ndarray, unit: np.ndarray, n_unit: int) -> np.ndarray:
    """One integer per (level, office) code pair."""
    return level.astype("int64") * n_unit + unit


def breakdown(
    paper: pd.DataFrame,
    electronic: pd.DataFrame,
    period: Period,
    matches: pd.DataFrame | None = None,
    mismatches: pd.DataFrame | None = None,
    match_rows: tuple[np.ndarray, np.ndarray] | None = None,
    rows: RowCodes | None = None,
) -> pd.DataFrame:
    """Counts per office and dimension value (office, field, procedure, channel, month), and the
    same per level (unit_code '*').

    Columns: schema.BREAKDOWN_COLUMNS: the counts of each side, their differences and on-time
    rates as in the summary (`with_rates`), `paper_matched`, `sync_rate` (paper_matched /
    paper_received: the share of paper dossiers found in the software; NaN without paper rows)
    and one count column per mismatch type (schema.MISMATCH_TYPES). A value group exists when a
    row of either side has it; findings count where their paper row (else electronic row) is.
    Every key is an integer code (`_Codes`), each count one `np.bincount` per (level, office,
    value), the level totals summed from those. `match_rows`: the
    (paper, electronic) rows of each link when the caller knows them (the engine does; any order),
    else they are found by the refs of `matches` (refs name one row each). `rows`: `row_codes`
    of `paper` and `electronic` when already worked out.
    """
    link = np.full(len(paper), -1, dtype="int64")
    if match_rows is not None:
        link[match_rows[0]] = np.arange(len(match_rows[0]))
        has_p, f_paper, f_electronic, kind, _ = _finding_rows(paper, electronic, None, mismatches)
        match_records = np.asarray(match_rows[1], dtype="int64")
    else:
        if matches is not None and len(matches) > 0:
            link = _first_positions(matches[c.PAPER_REF], paper[c.REF])
        has_p, f_paper, f_electronic, kind, match_records = _finding_rows(
            paper, electronic, matches, mismatches
        )
    rows = row_codes(paper, electronic, period) if rows is None else rows
    keys = _keys(rows, link, match_records)
    overdue_p, overdue_e, matched = rows.overdue_p, rows.overdue_e, link >= 0

    def of_findings(codes: _Codes) -> np.ndarray:
        """The code of each finding's row (NA when its ref is not found)."""
        na = len(codes.labels) - 1

        def at(side: np.ndarray, rows: np.ndarray) -> np.ndarray:
            found = rows >= 0
            out = np.full(len(rows), na, dtype="int64")
            out[found] = side[rows[found]]
            return out

        return np.where(has_p, at(codes.paper, f_paper), at(codes.electronic, f_electronic))

    level, unit = keys[c.LEVEL], keys[c.UNIT_CODE]
    n_level, n_unit = len(level.labels), len(unit.labels)
    # each row's (level, office) as one number; a dimension's value is then appended to it
    office_p = _office_key(level.paper, unit.paper, n_unit)
    office_e = _office_key(level.electronic, unit.electronic, n_unit)
    office_f = _office_key(of_findings(level), of_findings(unit), n_unit)
    frames = []
    for dimension in DIMENSIONS:
        dim = keys[dimension]
        n_dim = len(dim.labels)
        size = n_level * n_unit * n_dim
        kp, ke = office_p * n_dim + dim.paper, office_e * n_dim + dim.electronic
        kf = office_f * n_dim + of_findings(dim)
        # counted per (level, office, value); the level totals are these summed over the offices
        per_office = {
            c.PAPER_RECEIVED: np.bincount(kp, minlength=size),
            c.ELECTRONIC_RECEIVED: np.bincount(ke, minlength=size),
            c.PAPER_OVERDUE: np.bincount(kp[overdue_p], minlength=size),
            c.ELECTRONIC_OVERDUE: np.bincount(ke[overdue_e], minlength=size),
            PAPER_MATCHED: np.bincount(kp[matched], minlength=size),
            **{t: np.bincount(kf[kind == k], minlength=size) for k, t in enumerate(c.MISMATCH_TYPES)},
        }
        for total in (True, False):
            n_office = 1 if total else n_unit
            grid = {
                name: counts.reshape(n_level, n_unit, n_dim).sum(axis=1).ravel() if total else counts
                for name, counts in per_office.items()
            }
            present = np.flatnonzero((grid[c.PAPER_RECEIVED] + grid[c.ELECTRONIC_RECEIVED]) > 0)
            lv, rest = np.divmod(present, n_office * n_dim)
            un, dv = np.divmod(rest, n_dim)
            labels = {
                c.DIMENSION: pd.Series([dimension] * len(present), dtype="str"),
                c.DIMENSION_VALUE: dim.labels.take(dv).reset_index(drop=True),
                c.LEVEL: level.labels.take(lv).reset_index(drop=True),
                c.UNIT_CODE: (
                    pd.Series([c.ALL_UNITS] * len(present), dtype="string")
                    if total
                    else unit.labels.take(un).reset_index(drop=True)
                ),
            }
            frames.append(pd.DataFrame({**labels, **{name: v[present] for name, v in grid.items()}}))
    out = pd.concat(frames, ignore_index=True)
    numbers = [*c.BREAKDOWN_COLUMNS[4:8], PAPER_MATCHED, *c.MISMATCH_TYPES]
    out[numbers] = out[numbers].round().astype("int64")
    out = with_rates(out)
    out = out[c.BREAKDOWN_COLUMNS]
    return out.sort_values([c.DIMENSION, c.LEVEL, c.UNIT_CODE, c.DIMENSION_VALUE], ignore_index=True)
