"""Lazy validation that splits records into valid rows and quarantined rows with every reason."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

from doisoat import schema as c
from doisoat.validators.records import ElectronicRecord, PaperRecord

log = logging.getLogger(__name__)

PAPER = "paper"
ELECTRONIC = "electronic"

# Plain wording of pandera's built-in check names, keyed by their prefix.
_CHECK_WORDING = {
    "not_nullable": "required value missing",
    "field_uniqueness": "duplicate value",
    "isin": "value not in the allowed vocabulary",
    "str_matches": "does not match the expected pattern",
    "greater_than_or_equal_to": "below the minimum",
    "less_than_or_equal_to": "above the maximum",
    "str_length": "wrong length",
    "dtype": "wrong type",
}


@dataclass(frozen=True)
class Validated:
    """Rows that passed (`valid`) and rows that did not (`quarantine`, schema.QUARANTINE_COLUMNS)."""

    valid: pd.DataFrame
    quarantine: pd.DataFrame


def _reason(check: str, column: str | None, value: object) -> str:
    if column is None or column == check:
        return check
    wording = next((w for k, w in _CHECK_WORDING.items() if check.startswith(k)), check)
    return f"{column}: {wording} ({value!s})" if value is not None else f"{column}: {wording}"


def validate(records: pd.DataFrame, side: str) -> Validated:
    """Validate every row lazily; a row with three problems gets three reasons.

    Cell-level problems found while reading (`parse_errors`) are reasons too. Nothing is dropped:
    len(valid) + len(quarantine) == len(records).
    """
    model = PaperRecord if side == PAPER else ElectronicRecord
    reasons: dict[int, list[str]] = {}
    frame = records.reset_index(drop=True)
    try:
        model.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        fc = err.failure_cases
        row_level = fc[fc["index"].notna()].copy()
        table_level = fc[fc["index"].isna()]
        if not table_level.empty:
            # e.g. a missing column: every row is affected
            text = "; ".join(sorted({f"{r.column}: {r.check}" for r in table_level.itertuples()}))
            for i in range(len(frame)):
                reasons.setdefault(i, []).append(text)
        is_frame_check = row_level["schema_context"] == "DataFrameSchema"
        frame_checks = row_level[is_frame_check].drop_duplicates(["index", "check"])
        col_checks = row_level[~is_frame_check]
        for r in col_checks.itertuples():
            reasons.setdefault(int(r.index), []).append(_reason(str(r.check), str(r.column), r.failure_case))
        for r in frame_checks.itertuples():
            reasons.setdefault(int(r.index), []).append(str(r.check))
    parse = frame[c.PARSE_ERRORS]
    for i, text in parse[parse.notna()].items():
        reasons.setdefault(int(i), []).append(str(text))

    bad = pd.Series(False, index=frame.index)
    bad.iloc[list(reasons)] = True
    bad_rows = frame[bad.to_numpy()]
    quarantine = pd.DataFrame(
        {
            c.SIDE: side,
            c.REF: bad_rows[c.REF],
            c.SOURCE_FILE: bad_rows[c.SOURCE_FILE],
            c.SOURCE_SHA256: bad_rows[c.SOURCE_SHA256],
            c.SOURCE_SHEET: bad_rows[c.SOURCE_SHEET],
            c.SOURCE_ROW: bad_rows[c.SOURCE_ROW],
            c.UNIT_CODE: bad_rows[c.UNIT_CODE],
            c.DOSSIER_CODE: bad_rows[c.DOSSIER_CODE],
            c.RAW_VALUES: bad_rows[c.RAW_VALUES],
            c.REASONS: ["; ".join(dict.fromkeys(reasons[int(i)])) for i in bad_rows.index],
        },
        columns=c.QUARANTINE_COLUMNS,
    ).reset_index(drop=True)
    valid = frame[~bad.to_numpy()].reset_index(drop=True)
    if len(quarantine):
        log.warning("%s: %d of %d rows quarantined", side, len(quarantine), len(frame))
    return Validated(valid=valid, quarantine=quarantine)
