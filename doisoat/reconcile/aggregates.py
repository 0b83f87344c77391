"""Counts as the offices count them: per office, per level, and per field / channel / month."""

from __future__ import annotations

import numpy as np
import pandas as pd

from doisoat import schema as c
from doisoat.reconcile import timeliness as tl
from doisoat.reconcile.procedures import UNKNOWN_FIELD, resolve
from doisoat.reconcile.result import Period
from doisoat.reference import procedures

LEVEL_NAMES_VI = {c.LEVEL_CITY: "Cấp thành phố, huyện", c.LEVEL_WARD: "Cấp xã, phường, thị trấn"}


def offices_of(paper: pd.DataFrame, electronic: pd.DataFrame) -> pd.DataFrame:
    """Every office seen on either side: code, name, level (first name seen wins)."""
    cols = [c.UNIT_CODE, c.UNIT_NAME, c.LEVEL]
    both = pd.concat([paper[cols], electronic[cols]], ignore_index=True)
    return both.dropna(subset=[c.UNIT_CODE]).drop_duplicates(c.UNIT_CODE).reset_index(drop=True)


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


def _with_rates(df: pd.DataFrame) -> pd.DataFrame:
    df[c.RECEIVED_DIFFERENCE] = df[c.ELECTRONIC_RECEIVED] - df[c.PAPER_RECEIVED]
    df[c.OVERDUE_DIFFERENCE] = df[c.ELECTRONIC_OVERDUE] - df[c.PAPER_OVERDUE]
    for rate, received, overdue in (
        (c.PAPER_ON_TIME_RATE, c.PAPER_RECEIVED, c.PAPER_OVERDUE),
        (c.ELECTRONIC_ON_TIME_RATE, c.ELECTRONIC_RECEIVED, c.ELECTRONIC_OVERDUE),
    ):
        n = df[received].astype("float64")
        df[rate] = np.where(n > 0, (n - df[overdue]) / n.where(n > 0, 1.0), np.nan)
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
    return _with_rates(out)[c.SUMMARY_COLUMNS].reset_index(drop=True)


PAPER_MATCHED = "paper_matched"  # paper rows linked to an electronic record
DIMENSIONS = ("office", "field", "procedure", "channel", "month")


def _month(received: pd.Series) -> np.ndarray:
    """'2019-03' of each date (formatted once per distinct month; NA when no date)."""
    d = pd.to_datetime(received)
    n = (d.dt.year * 100 + d.dt.month).astype("Int64")
    codes, uniques = pd.factorize(n, use_na_sentinel=True)
    labels = np.array([f"{int(v) // 100:04d}-{int(v) % 100:02d}" for v in uniques] + [None], dtype=object)
    return labels[np.where(codes >= 0, codes, len(uniques))]


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


def _attributes(
    paper: pd.DataFrame, electronic: pd.DataFrame, period: Period, matches: pd.DataFrame | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Dimension values and counts of every row of each side (a paper row takes its channel from
    the record it is linked to)."""
    linked = matches is not None and len(matches) > 0
    e_channel = electronic[c.CHANNEL].astype("string")
    if linked:
        assert matches is not None
        # positions, not two Series.map over the refs: paper row → its link → its record's row
        link = pd.Index(matches[c.PAPER_REF].to_numpy(dtype=object)).get_indexer(
            paper[c.REF].to_numpy(dtype=object)
        )
        matched = link >= 0
        e_refs = matches[c.ELECTRONIC_REF].to_numpy(dtype=object)[np.maximum(link, 0)]
        e_refs = np.where(matched, e_refs, np.nan)
        record = pd.Index(electronic[c.REF].to_numpy(dtype=object)).get_indexer(e_refs)
        p_channel = pd.Series(
            e_channel.take(np.maximum(record, 0)).where(record >= 0).to_numpy(),
            index=paper.index,
            dtype="string",
        )
    else:
        p_channel = pd.Series(pd.NA, index=paper.index, dtype="string")
        matched = np.zeros(len(paper), dtype=bool)
    p_field, p_proc = _procedure_labels(paper[c.PROCEDURE_NAME])
    e_field_ref, e_proc = _procedure_labels(electronic[c.PROCEDURE_NAME])
    e_field = electronic[c.FIELD].astype("string").fillna(pd.Series(e_field_ref, index=electronic.index))

    def frame(df: pd.DataFrame, **cols: object) -> pd.DataFrame:
        out = pd.DataFrame(
            {
                c.REF: df[c.REF].to_numpy(),
                c.LEVEL: df[c.LEVEL].to_numpy(),
                c.UNIT_CODE: df[c.UNIT_CODE].to_numpy(),
                **cols,
            }
        )
        return out.astype({k: "string" for k in (c.LEVEL, c.UNIT_CODE, *DIMENSIONS)})

    p = frame(
        paper,
        office=paper[c.UNIT_CODE].to_numpy(),
        field=p_field,
        procedure=p_proc,
        channel=p_channel.to_numpy(),
        month=_month(paper[c.RECEIVED_AT]),
        **{
            c.PAPER_RECEIVED: 1,
            c.PAPER_OVERDUE: tl.paper_overdue(paper).to_numpy().astype("int64"),
            PAPER_MATCHED: matched.astype("int64"),
        },
    )
    e = frame(
        electronic,
        office=electronic[c.UNIT_CODE].to_numpy(),
        field=e_field.to_numpy(),
        procedure=e_proc,
        channel=e_channel.to_numpy(),
        month=_month(electronic[c.RECEIVED_AT]),
        **{
            c.ELECTRONIC_RECEIVED: 1,
            c.ELECTRONIC_OVERDUE: tl.electronic_overdue(electronic, period.end).to_numpy().astype("int64"),
        },
    )
    return p, e


def _attributed_findings(p: pd.DataFrame, e: pd.DataFrame, mismatches: pd.DataFrame | None) -> pd.DataFrame:
    """Each finding with the dimension values of its paper row (else of its electronic row)."""
    cols = [c.LEVEL, c.UNIT_CODE, *DIMENSIONS]
    if mismatches is None or mismatches.empty:
        return pd.DataFrame({k: pd.Series(dtype="string") for k in [*cols, "_type"]})
    pa = p[[c.REF, *cols]].drop_duplicates(c.REF).set_index(c.REF)
    ea = e[[c.REF, *cols]].drop_duplicates(c.REF).set_index(c.REF)
    has_p = mismatches[c.PAPER_REF].notna().to_numpy()
    rows = pd.concat(
        [
            pa.reindex(mismatches.loc[has_p, c.PAPER_REF].to_numpy()).assign(
                _type=mismatches.loc[has_p, c.MISMATCH_TYPE].to_numpy()
            ),
            ea.reindex(mismatches.loc[~has_p, c.ELECTRONIC_REF].to_numpy()).assign(
                _type=mismatches.loc[~has_p, c.MISMATCH_TYPE].to_numpy()
            ),
        ],
        ignore_index=True,
    )
    return rows.astype({k: "string" for k in cols})


def breakdown(
    paper: pd.DataFrame,
    electronic: pd.DataFrame,
    period: Period,
    matches: pd.DataFrame | None = None,
    mismatches: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Counts per office and dimension value (office, field, procedure, channel, month), and the
    same per level (unit_code '*').

    Columns: schema.BREAKDOWN_COLUMNS, then `paper_matched`, `sync_rate` (paper_matched /
    paper_received: the share of paper dossiers found in the software; NaN without paper rows)
    and one count column per mismatch type (schema.MISMATCH_TYPES).
    """
    p, e = _attributes(paper, electronic, period, matches)
    found = _attributed_findings(p, e, mismatches)
    p_sums = [c.PAPER_RECEIVED, c.PAPER_OVERDUE, PAPER_MATCHED]
    e_sums = [c.ELECTRONIC_RECEIVED, c.ELECTRONIC_OVERDUE]
    frames = []
    for dimension in DIMENSIONS:
        for total in (True, False):
            keys = [c.LEVEL, c.UNIT_CODE, dimension]
            pp, ee, ff = p, e, found
            if total:
                pp = pp.assign(**{c.UNIT_CODE: c.ALL_UNITS})
                ee = ee.assign(**{c.UNIT_CODE: c.ALL_UNITS})
                ff = ff.assign(**{c.UNIT_CODE: c.ALL_UNITS})
            pc = pp.groupby(keys, dropna=False, sort=False)[p_sums].sum()
            ec = ee.groupby(keys, dropna=False, sort=False)[e_sums].sum()
            fc = ff.groupby([*keys, "_type"], dropna=False, sort=False).size().unstack("_type", fill_value=0)
            counts = pc.join(ec, how="outer", sort=False).join(fc, how="left", sort=False).reset_index()
            counts = counts.rename(columns={dimension: c.DIMENSION_VALUE})
            counts[c.DIMENSION] = dimension
            frames.append(counts)
    out = pd.concat(frames, ignore_index=True).reindex(
        columns=[*c.BREAKDOWN_COLUMNS, PAPER_MATCHED, *c.MISMATCH_TYPES]
    )
    numbers = [*c.BREAKDOWN_COLUMNS[4:], PAPER_MATCHED, *c.MISMATCH_TYPES]
    out[numbers] = out[numbers].fillna(0).astype("int64")
    n = out[c.PAPER_RECEIVED].astype("float64")
    out[c.SYNC_RATE] = np.where(n > 0, out[PAPER_MATCHED] / n.where(n > 0, 1.0), np.nan)
    out = out[[*c.BREAKDOWN_COLUMNS, PAPER_MATCHED, c.SYNC_RATE, *c.MISMATCH_TYPES]]
    return out.sort_values([c.DIMENSION, c.LEVEL, c.UNIT_CODE, c.DIMENSION_VALUE], ignore_index=True)
