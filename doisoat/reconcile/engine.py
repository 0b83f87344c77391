"""The engine's public entry point: one call from canonical records to a ReconcileResult."""

from __future__ import annotations

import logging

import pandas as pd

from doisoat import schema as c
from doisoat.reconcile import aggregates, compare, matching
from doisoat.reconcile import mismatches as mm
from doisoat.reconcile.calendar import WorkingCalendar, calendar_covering
from doisoat.reconcile.config import ReconcileConfig
from doisoat.reconcile.keys import normalise_code
from doisoat.reconcile.result import Period, ReconcileResult

log = logging.getLogger(__name__)


def within_period(records: pd.DataFrame, period: Period) -> pd.Series:
    """Rows received within the period; rows with no readable receipt date are kept (they are
    quarantined, and still counted where their ledger is)."""
    day = records[c.RECEIVED_AT].dt.normalize()
    inside = (day >= pd.Timestamp(period.start)) & (day <= pd.Timestamp(period.end))
    return (inside | day.isna()).astype(bool)


def reconcile(
    paper: pd.DataFrame,
    electronic: pd.DataFrame,
    quarantine: pd.DataFrame,
    period: Period,
    config: ReconcileConfig | None = None,
    calendar: WorkingCalendar | None = None,
) -> ReconcileResult:
    """Match, compare and count.

    `paper` and `electronic` hold every row read (schema.PAPER_COLUMNS / ELECTRONIC_COLUMNS);
    rows whose ref is in `quarantine` are counted but take no part in matching, and each becomes
    an `invalid_record` finding.
    """
    config = config or ReconcileConfig()
    paper = paper[within_period(paper, period)].reset_index(drop=True)
    electronic = electronic[within_period(electronic, period)].reset_index(drop=True)
    calendar = calendar or calendar_covering(
        paper[c.RECEIVED_AT], electronic[c.RECEIVED_AT], pd.Series(pd.to_datetime([period.end]))
    )
    bad_refs = set(quarantine[c.REF]) if len(quarantine) else set()
    p_valid = paper[~paper[c.REF].isin(bad_refs)].reset_index(drop=True)
    e_valid = electronic[~electronic[c.REF].isin(bad_refs)].reset_index(drop=True)

    findings = [
        _duplicates(p_valid, c.DUPLICATE_PAPER, c.PAPER_REF),
        _duplicates(e_valid, c.DUPLICATE_ELECTRONIC, c.ELECTRONIC_REF),
    ]
    dup_p = set(matching.find_duplicates(p_valid)["idx"])
    dup_e = set(matching.find_duplicates(e_valid)["idx"])

    links = matching.match_exact(p_valid, e_valid)
    log.info("exact pass linked %d pairs", len(links))
    findings.append(compare.compare_pairs(p_valid, e_valid, links, period, calendar, config))

    unmatched_p = sorted(set(range(len(p_valid))) - set(links[matching.P_IDX]) - dup_p)
    unmatched_e = sorted(set(range(len(e_valid))) - set(links[matching.E_IDX]) - dup_e)
    findings.append(_missing(p_valid.iloc[unmatched_p], c.MISSING_ELECTRONIC, c.PAPER_REF))
    findings.append(_missing(e_valid.iloc[unmatched_e], c.MISSING_PAPER, c.ELECTRONIC_REF))
    findings.append(_invalid(quarantine))

    mismatches = (
        pd.concat([f for f in findings if len(f)], ignore_index=True)
        if any(len(f) for f in findings)
        else mm.empty_mismatches()
    )
    mismatches = mismatches[c.MISMATCH_COLUMNS].sort_values(
        [c.MISMATCH_TYPE, c.UNIT_CODE, c.PAPER_REF, c.ELECTRONIC_REF], na_position="last", ignore_index=True
    )
    matches = pd.DataFrame(
        {
            c.PAPER_REF: p_valid[c.REF].to_numpy()[links[matching.P_IDX].to_numpy()],
            c.ELECTRONIC_REF: e_valid[c.REF].to_numpy()[links[matching.E_IDX].to_numpy()],
            c.METHOD: links[c.METHOD].to_numpy(),
            c.SCORE: links[c.SCORE].to_numpy(),
            c.UNIT_CODE: p_valid[c.UNIT_CODE].to_numpy()[links[matching.P_IDX].to_numpy()],
            c.DOSSIER_CODE: normalise_code(p_valid[c.DOSSIER_CODE]).to_numpy()[
                links[matching.P_IDX].to_numpy()
            ],
        }
    )
    return ReconcileResult(
        period=period,
        matches=matches,
        mismatches=mismatches,
        summary=aggregates.summarise(paper, electronic, period),
        breakdown=aggregates.breakdown(paper, electronic, period),
    )


def _missing(rows: pd.DataFrame, mismatch_type: str, ref_column: str) -> pd.DataFrame:
    code = normalise_code(rows[c.DOSSIER_CODE])
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


def _duplicates(records: pd.DataFrame, mismatch_type: str, ref_column: str) -> pd.DataFrame:
    dups = matching.find_duplicates(records)
    rows = records.iloc[dups["idx"].to_numpy()]
    first_refs = records[c.REF].to_numpy()[dups[matching.FIRST_IDX].to_numpy()]
    code = normalise_code(rows[c.DOSSIER_CODE])
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
