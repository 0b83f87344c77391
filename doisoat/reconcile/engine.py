"""The engine's public entry point: one call from canonical records to a ReconcileResult."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

from doisoat import schema as c
from doisoat.reconcile import aggregates, compare, matching
from doisoat.reconcile import mismatches as mm
from doisoat.reconcile.calendar import WorkingCalendar, calendar_covering
from doisoat.reconcile.codes import shared_codes
from doisoat.reconcile.config import ReconcileConfig
from doisoat.reconcile.keys import CODE_KEY, code_key
from doisoat.reconcile.names import SideNames, shared_names
from doisoat.reconcile.result import Period, ReconcileResult

log = logging.getLogger(__name__)


def within_period(records: pd.DataFrame, period: Period) -> pd.Series:
    """Rows received within the period; rows with no readable receipt date are kept (they are
    quarantined, and still counted where their ledger is)."""
    day = records[c.RECEIVED_AT].dt.normalize()
    inside = (day >= pd.Timestamp(period.start)) & (day <= pd.Timestamp(period.end))
    return (inside | day.isna()).astype(bool)


_UNUSED = frozenset({c.RAW_VALUES, c.PARSE_ERRORS})
PAPER_LINEAGE = [c.SOURCE_FILE, c.SOURCE_SHEET, c.SOURCE_ROW, c.REF]
ELECTRONIC_LINEAGE = [c.SOURCE_FILE, c.SOURCE_ROW, c.REF]


def _in_period(records: pd.DataFrame, period: Period) -> pd.DataFrame:
    """The rows within the period (`within_period`), without the raw cell texts; no copy of the
    columns when every row is inside (the usual case: copy-on-write shares them)."""
    cols = [col for col in records.columns if col not in _UNUSED]
    inside = within_period(records, period).to_numpy()
    kept = records[cols] if inside.all() else records.loc[inside, cols]
    return kept.reset_index(drop=True)


# The columns matching and comparison read from the working copies (the rest is not copied).
WORKING_COLUMNS = [
    c.REF,
    c.UNIT_CODE,
    c.DOSSIER_CODE,
    c.PROCEDURE_NAME,
    c.APPLICANT_NAME,
    c.QUANTITY,
    c.RECEIVED_AT,
    c.DUE_DATE,
    c.RETURNED_DATE,
    c.STATED_TIMELINESS,
    c.STATUS,
]


# Working columns with few distinct values (offices, procedures, statuses, applicants' names).
_FEW_VALUES = [c.UNIT_CODE, c.PROCEDURE_NAME, c.STATED_TIMELINESS, c.STATUS, c.APPLICANT_NAME]


def _sort_codes(values: pd.Series) -> np.ndarray:
    """Integers that sort as the values do, missing values last."""
    codes, uniques = pd.factorize(values, sort=True, use_na_sentinel=True)
    return np.where(codes >= 0, codes, len(uniques))


def _lineage_order(key: pd.DataFrame, lineage: list[str]) -> np.ndarray:
    """`key.sort_values(lineage, na_position="last", kind="stable")`'s order, by one lexsort of
    integer codes of the columns before the last (file, sheet, row); the last (the ref) is only
    sorted on when two rows share all the others."""
    first = [_sort_codes(key[col]) for col in lineage[:-1]]
    if first and len(key) > 1:
        order = np.lexsort(first[::-1])
        tied = np.ones(len(order) - 1, dtype=bool)
        for codes in first:
            ranked = codes[order]
            tied &= ranked[1:] == ranked[:-1]
        if not tied.any():
            return order
    return key.sort_values(lineage, na_position="last", kind="stable").index.to_numpy()


def canonical_rows(records: pd.DataFrame, lineage: list[str], keep: np.ndarray | None = None) -> np.ndarray:
    """Positions of the rows (those where `keep`, all by default) in the order they stand in their
    files, whatever order they came in: "first occurrence", ranks and tie-breaks then do not depend
    on how the inputs were concatenated. Only the lineage columns are sorted."""
    rows = np.arange(len(records)) if keep is None else np.flatnonzero(keep)
    key = pd.DataFrame({col: records[col].take(rows).reset_index(drop=True) for col in lineage})
    return rows[_lineage_order(key, lineage)]


def canonical_order(
    records: pd.DataFrame,
    lineage: list[str],
    keep: np.ndarray | None = None,
    columns: list[str] | None = None,
    rows: np.ndarray | None = None,
) -> pd.DataFrame:
    """The rows of `canonical_rows` (`rows` when already found); the rows of `columns` (all by
    default) are copied once."""
    rows = canonical_rows(records, lineage, keep) if rows is None else rows
    kept = records if columns is None else records[[col for col in columns if col in records.columns]]
    # a few distinct values per column: copied as small integer codes, not as strings
    kept = kept.astype({col: "category" for col in _FEW_VALUES if col in kept.columns})
    return kept.take(rows).reset_index(drop=True)


def _working_copy(
    records: pd.DataFrame, lineage: list[str], bad_refs: set[object]
) -> tuple[np.ndarray, pd.DataFrame]:
    """(rows of `records` not quarantined, in their canonical order; the WORKING_COLUMNS of those
    rows in that order)."""
    rows = canonical_rows(records, lineage, ~records[c.REF].isin(bad_refs).to_numpy())
    return rows, canonical_order(records, lineage, columns=WORKING_COLUMNS, rows=rows)


def _link(
    p_valid: pd.DataFrame, e_valid: pd.DataFrame, calendar: WorkingCalendar, config: ReconcileConfig
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, tuple[SideNames, SideNames]]:
    """(links, paper duplicates, electronic duplicates, both sides' applicants' names keyed) of the
    working copies, to which the normalised code (CODE_KEY) is added. The code keys of both sides
    live only here: they are freed before the comparison and the counts, where the run's memory
    peaks. The name keys (a number per row and the keys of the distinct names) go on to the
    comparison, which tests the linked pairs' applicants on them."""
    # the code keys of both sides, worked out once per distinct code and numbered across the sides
    p_codes, e_codes = shared_codes(p_valid[c.DOSSIER_CODE], e_valid[c.DOSSIER_CODE])
    p_valid[CODE_KEY] = p_codes.key  # normalise_code of the dossier code
    e_valid[CODE_KEY] = e_codes.key
    dups_p = matching.find_duplicates(p_valid, config, p_codes.key_id)
    dups_e = matching.find_duplicates(e_valid, config, e_codes.key_id)
    # every row of a repeated paper code goes to the fuzzy pass, where the evidence (time of day,
    # dates) decides which one is the record's; a row that finds another record had a copied code
    group_p = np.union1d(dups_p["idx"].to_numpy(), dups_p[matching.FIRST_IDX].to_numpy())
    # the applicants' names of both sides, keyed once per distinct name for linkage and comparison
    p_names, e_names = shared_names(p_valid[c.APPLICANT_NAME], e_valid[c.APPLICANT_NAME])
    names = (p_names, e_names)
    links = matching.link(
        p_valid,
        e_valid,
        calendar,
        config,
        group_p,
        dups_e["idx"].to_numpy(),
        codes=(p_codes, e_codes),
        applicants=names,
    )
    return links, dups_p, dups_e, names


def reconcile(
    paper: pd.DataFrame,
    electronic: pd.DataFrame,
    quarantine: pd.DataFrame,
    period: Period,
    config: ReconcileConfig | None = None,
    calendar: WorkingCalendar | None = None,
    findings: pd.DataFrame | None = None,
) -> ReconcileResult:
    """Match, compare and count.

    `paper` and `electronic` hold every row read (schema.PAPER_COLUMNS / ELECTRONIC_COLUMNS);
    rows whose ref is in `quarantine` are counted but take no part in matching, and each becomes
    an `invalid_record` finding. `findings` (schema.MISMATCH_COLUMNS) are findings made before
    matching (the validators' `stated_timeliness_contradiction`): they join the engine's before
    ids are made unique and the breakdown counts them.
    """
    config = config or ReconcileConfig()
    # the raw cell texts are not compared: they are left out before any copy is made
    paper = _in_period(paper, period)
    electronic = _in_period(electronic, period)
    calendar = calendar or calendar_covering(
        paper[c.RECEIVED_AT], electronic[c.RECEIVED_AT], pd.Series(pd.to_datetime([period.end]))
    )
    bad_refs = set(quarantine[c.REF]) if len(quarantine) else set()
    # narrow working copies: only the columns matching and comparison read, in ledger order
    # (the rows of `paper` / `electronic` each working row is: the breakdown counts links there);
    # the two sides' on two threads (their sorts, Arrow takes and hashes let go of the GIL)
    with ThreadPoolExecutor(max_workers=1) as pool:
        electronic_side = pool.submit(_working_copy, electronic, ELECTRONIC_LINEAGE, bad_refs)
        p_rows, p_valid = _working_copy(paper, PAPER_LINEAGE, bad_refs)
        e_rows, e_valid = electronic_side.result()

    links, dups_p, dups_e, names = _link(p_valid, e_valid, calendar, config)
    dups_p = matching.written_twice(
        p_valid, matching.unlinked_duplicates(dups_p, links[matching.P_IDX].to_numpy()), config
    )
    log.info("linked %d pairs: %s", len(links), links[c.METHOD].value_counts().to_dict())
    # the counts read only the rows read, not the links: a second thread works them out while
    # this one compares (Arrow's hashing there runs outside the GIL; the text work here holds it)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="counts") as counts:
        summary = counts.submit(aggregates.summarise, paper, electronic, period)
        row_codes = counts.submit(aggregates.row_codes, paper, electronic, period)
        mismatches = _findings(
            p_valid, e_valid, quarantine, links, dups_p, dups_e, period, calendar, config, names,
            findings,
        )
        matches, match_rows = _matches(p_valid, e_valid, links, p_rows, e_rows)
        # the working copies are done with: free them before the counts
        del p_valid, e_valid, links, names
        breakdown = aggregates.breakdown(
            paper, electronic, period, matches, mismatches, match_rows, row_codes.result()
        )
        summary_ = summary.result()
    return ReconcileResult(
        period=period, matches=matches, mismatches=mismatches, summary=summary_, breakdown=breakdown
    )


def _findings(
    p_valid: pd.DataFrame,
    e_valid: pd.DataFrame,
    quarantine: pd.DataFrame,
    links: pd.DataFrame,
    dups_p: pd.DataFrame,
    dups_e: pd.DataFrame,
    period: Period,
    calendar: WorkingCalendar,
    config: ReconcileConfig,
    names: tuple[SideNames, SideNames] | None = None,
    made_before: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every finding (schema.MISMATCH_COLUMNS), sorted by type, office, refs and field: the
    duplicates, the linked pairs' field mismatches, the rows left unlinked, the quarantined rows,
    and `made_before` (findings made before matching). `names`: both sides' names keyed by the
    linkage (`shared_names`)."""
    findings = [
        _duplicates(p_valid, dups_p, c.DUPLICATE_PAPER, c.PAPER_REF),
        _duplicates(e_valid, dups_e, c.DUPLICATE_ELECTRONIC, c.ELECTRONIC_REF),
        compare.compare_pairs(p_valid, e_valid, links, period, calendar, config, names),
    ]
    unmatched_p = np.ones(len(p_valid), dtype=bool)
    unmatched_p[links[matching.P_IDX].to_numpy()] = False
    unmatched_p[dups_p["idx"].to_numpy()] = False
    unmatched_e = np.ones(len(e_valid), dtype=bool)
    unmatched_e[links[matching.E_IDX].to_numpy()] = False
    unmatched_e[dups_e["idx"].to_numpy()] = False
    findings.append(_missing(p_valid[unmatched_p], c.MISSING_ELECTRONIC, c.PAPER_REF))
    findings.append(_missing(e_valid[unmatched_e], c.MISSING_PAPER, c.ELECTRONIC_REF))
    findings.append(_invalid(quarantine))
    if made_before is not None and len(made_before):
        findings.append(made_before[c.MISMATCH_COLUMNS])
    mismatches = (
        pd.concat([f for f in findings if len(f)], ignore_index=True)
        if any(len(f) for f in findings)
        else mm.empty_mismatches()
    )
    # ids unique within the run: findings of one identity are told apart by their refs
    mismatches = mm.unique_ids(mismatches)
    return mismatches[c.MISMATCH_COLUMNS].sort_values(
        [c.MISMATCH_TYPE, c.UNIT_CODE, c.PAPER_REF, c.ELECTRONIC_REF, c.MISMATCH_FIELD],
        na_position="last",
        ignore_index=True,
    )


def _matches(
    p_valid: pd.DataFrame, e_valid: pd.DataFrame, links: pd.DataFrame, p_rows: np.ndarray, e_rows: np.ndarray
) -> tuple[pd.DataFrame, tuple[np.ndarray, np.ndarray]]:
    """The matches frame (schema.MATCH_COLUMNS, office, code, the links' evidence) sorted by paper
    ref, and each match's rows in `paper` and `electronic` (`p_rows` / `e_rows`: the working rows'
    rows there). The order is found by sorting the paper refs alone, as the frame's sort would;
    every other column is then taken once, in that order."""
    pi, ei = links[matching.P_IDX].to_numpy(), links[matching.E_IDX].to_numpy()
    refs = pd.DataFrame({c.PAPER_REF: _taken(p_valid[c.REF], pi)})
    order = refs.sort_values([c.PAPER_REF]).index.to_numpy()
    pi, ei = pi[order], ei[order]
    e_code = pd.Series(e_valid[CODE_KEY].astype("string").array.take(ei))
    p_code = pd.Series(p_valid[CODE_KEY].astype("string").array.take(pi))
    matches = pd.DataFrame(
        {
            c.PAPER_REF: _taken(p_valid[c.REF], pi),
            c.ELECTRONIC_REF: _taken(e_valid[c.REF], ei),
            c.METHOD: _taken(links[c.METHOD], order),
            c.SCORE: links[c.SCORE].to_numpy()[order],
            c.UNIT_CODE: _taken(p_valid[c.UNIT_CODE], pi),
            c.DOSSIER_CODE: e_code.fillna(p_code),
            **{col: _taken(links[col], order) for col in links.columns if col not in matching.LINK_COLUMNS},
        },
        copy=False,  # the taken columns are new: kept as they are, not copied again into blocks
    )
    return matches, (p_rows[pi], e_rows[ei])


def _taken(values: pd.Series, rows: np.ndarray | None = None) -> object:
    """The values (at `rows`, all by default) as `values.to_numpy()[rows]` would be stored in a new
    frame (strings as the default `str` dtype), but by an Arrow take when they are Arrow strings
    already or categories of strings (the working copies' offices): no Python string object per
    row. (No rows: an empty object array, as before.)"""
    if isinstance(values.dtype, pd.StringDtype) and len(values if rows is None else rows):
        strings = values.astype("str").array
        return strings if rows is None else strings.take(rows)
    if isinstance(values.dtype, pd.CategoricalDtype) and _all_strings(values.cat.categories):
        codes = values.cat.codes.to_numpy()
        codes = codes if rows is None else codes[rows]
        if (codes >= 0).any():  # (all missing: a frame would store objects)
            names = pd.array(values.cat.categories.astype("str"), dtype="str")
            return names.take(codes, allow_fill=True)  # code -1: missing
    return values.to_numpy() if rows is None else values.to_numpy()[rows]


def _all_strings(categories: pd.Index) -> bool:
    """Categories a frame would store as `str` (strings only), not as numbers or objects."""
    return isinstance(categories.dtype, pd.StringDtype) or pd.api.types.infer_dtype(categories) == "string"


def _missing(rows: pd.DataFrame, mismatch_type: str, ref_column: str) -> pd.DataFrame:
    code = code_key(rows)
    side = "sổ giấy" if ref_column == c.PAPER_REF else "phần mềm"
    other = "phần mềm" if ref_column == c.PAPER_REF else "sổ giấy"
    return mm.build(
        mismatch_type,
        mm.identity_of(rows[c.UNIT_CODE], code, rows[c.REF]),
        unit_code=rows[c.UNIT_CODE],
        dossier_code=code,
        **{ref_column: rows[c.REF]},
        detail=f"Hồ sơ có trên {side} nhưng không tìm thấy trên {other}",
    )


def _duplicates(
    records: pd.DataFrame, dups: pd.DataFrame, mismatch_type: str, ref_column: str
) -> pd.DataFrame:
    rows = records.iloc[dups["idx"].to_numpy()]
    first_refs = records[c.REF].take(dups[matching.FIRST_IDX].to_numpy()).to_numpy()
    code = code_key(rows)
    return mm.build(
        mismatch_type,
        mm.identity_of(rows[c.UNIT_CODE], code, rows[c.REF])
        + "|"
        + pd.Series(rows[c.REF].to_numpy(), dtype="string"),
        unit_code=rows[c.UNIT_CODE],
        dossier_code=code,
        **{ref_column: rows[c.REF]},
        detail="Cùng mã hồ sơ với dòng " + pd.Series(first_refs, dtype="string"),
    )


def _invalid(quarantine: pd.DataFrame) -> pd.DataFrame:
    if quarantine.empty:
        return mm.empty_mismatches()
    is_paper = (quarantine[c.SIDE] == "paper").to_numpy()
    refs = quarantine[c.REF].astype("string")
    return mm.build(
        c.INVALID_RECORD,
        "ref|" + refs,
        unit_code=quarantine[c.UNIT_CODE],
        dossier_code=quarantine[c.DOSSIER_CODE],
        paper_ref=refs.where(is_paper),
        electronic_ref=refs.where(~is_paper),
        detail=quarantine[c.REASONS],
    )
