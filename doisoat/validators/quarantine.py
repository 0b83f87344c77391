"""Lazy validation that splits records into valid rows and quarantined rows with every reason."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import pandera.pandas as pa

from doisoat import schema as c
from doisoat.validators.masks import Failures, failures, reasons_per_row, structure_reasons, wording
from doisoat.validators.records import ElectronicRecord, PaperRecord

log = logging.getLogger(__name__)

PAPER = "paper"
ELECTRONIC = "electronic"

Engine = Literal["vectorised", "pandera"]


@dataclass(frozen=True)
class Validated:
    """Rows that passed (`valid`) and rows that did not (`quarantine`, schema.QUARANTINE_COLUMNS)."""

    valid: pd.DataFrame
    quarantine: pd.DataFrame


def model_of(side: str) -> type[PaperRecord] | type[ElectronicRecord]:
    """The pandera model of a side ("paper" or "electronic")."""
    if side not in (PAPER, ELECTRONIC):
        raise ValueError(f"side must be {PAPER!r} or {ELECTRONIC!r}, not {side!r}")
    return PaperRecord if side == PAPER else ElectronicRecord


def _vectorised(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> list[Failures]:
    table, mistyped = structure_reasons(schema, frame)
    parts = list(failures(schema, frame, skip=mistyped))
    if table:  # e.g. a missing column: every row is affected
        parts.insert(0, Failures(np.arange(len(frame)), np.full(len(frame), "; ".join(table), dtype=object)))
    return parts


def _pandera(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> list[Failures]:
    """Plain `schema.validate(lazy=True)`, its failure cases folded back into rows (the reference
    the vectorised engine is tested and benchmarked against)."""
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        fc = err.failure_cases
    else:
        return []
    parts: list[Failures] = []
    table_level = fc[fc["index"].isna()]
    if not table_level.empty:
        text = "; ".join(sorted({f"{r.column}: {wording(str(r.check))} ({r.failure_case})"
                                 for r in table_level.itertuples()}))
        parts.append(Failures(np.arange(len(frame)), np.full(len(frame), text, dtype=object)))
    rows = fc[fc["index"].notna()]
    frame_level = rows["schema_context"] == "DataFrameSchema"
    cols = rows[~frame_level]
    if len(cols):
        text = (cols["column"].astype(str) + ": " + cols["check"].astype(str).map(wording))
        has_value = cols["failure_case"].notna()
        text = text.where(~has_value, text + " (" + cols["failure_case"].astype(str) + ")")
        parts.append(Failures(cols["index"].to_numpy(dtype="int64"), text.to_numpy(dtype=object)))
    frames = rows[frame_level].drop_duplicates(["index", "check"])
    if len(frames):
        parts.append(Failures(
            frames["index"].to_numpy(dtype="int64"), frames["check"].astype(str).to_numpy(dtype=object)
        ))
    return parts


def validate(records: pd.DataFrame, side: str, engine: Engine = "vectorised") -> Validated:
    """Validate every row lazily; a row with three problems gets three reasons.

    Cell-level problems found while reading (`parse_errors`) are reasons too. Nothing is dropped:
    len(valid) + len(quarantine) == len(records). `engine` "vectorised" evaluates the model's checks
    as masks (masks.py); "pandera" runs pandera's own lazy validation; both give the same rows and
    reasons.
    """
    schema = model_of(side).to_schema()
    frame = records.reset_index(drop=True)
    parts = _vectorised(schema, frame) if engine == "vectorised" else _pandera(schema, frame)
    if c.PARSE_ERRORS in frame.columns:
        parse = frame[c.PARSE_ERRORS]
        has = parse.notna().to_numpy()
        (pos,) = np.nonzero(has)
        parts.append(Failures(pos, parse.iloc[pos].astype("object").to_numpy(dtype=object)))
    reasons = reasons_per_row(parts, len(frame))

    bad = np.zeros(len(frame), dtype=bool)
    bad[reasons.index.to_numpy(dtype="int64")] = True
    bad_rows = frame.iloc[reasons.index.to_numpy(dtype="int64")]
    kept = [col for col in c.QUARANTINE_COLUMNS if col in bad_rows.columns]
    quarantine = bad_rows[kept].reset_index(drop=True)
    quarantine[c.SIDE] = pd.Series(side, index=quarantine.index, dtype="str")
    quarantine[c.REASONS] = pd.Series(reasons.to_numpy(dtype=object), index=quarantine.index, dtype="str")
    quarantine = quarantine.reindex(columns=c.QUARANTINE_COLUMNS)
    valid = frame[~bad].reset_index(drop=True)
    if len(quarantine):
        log.warning("%s: %d of %d rows quarantined", side, len(quarantine), len(frame))
    return Validated(valid=valid, quarantine=quarantine)
