"""Resolving free-text procedure names to the reference procedures (national list, local names)."""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from doisoat.reconcile.keys import fold_text
from doisoat.reference import procedures

# A name resolves to a reference procedure when their folded texts score at least this (0-100).
RESOLVE_THRESHOLD = 90.0
UNKNOWN_FIELD = "Chưa xác định"


@cache
def _reference() -> tuple[list[str], list[str], list[str]]:
    ref = procedures()
    names = fold_text(ref["procedure_name"]).tolist()
    abbreviations = fold_text(ref["abbreviation"]).fillna("").tolist()
    return names, abbreviations, ref["field"].tolist()


def resolve(names: pd.Series) -> pd.Series:
    """Position in the reference table of each name's procedure (-1 when none is close enough).

    Scores only the distinct folded names (a ledger has a few hundred), so it stays cheap on
    millions of rows.
    """
    folded = fold_text(names)
    uniques = folded.dropna().unique()
    ref_names, ref_abbr, _ = _reference()
    if len(uniques) == 0:
        return pd.Series(np.full(len(names), -1), index=names.index)
    by_name = process.cdist(list(uniques), ref_names, scorer=fuzz.ratio, workers=-1)
    by_abbr = process.cdist(list(uniques), ref_abbr, scorer=fuzz.ratio, workers=-1)
    scores = np.maximum(by_name, by_abbr)
    best = scores.argmax(axis=1)
    best = np.where(scores[np.arange(len(uniques)), best] >= RESOLVE_THRESHOLD, best, -1)
    lookup = pd.Series(best, index=uniques)
    return folded.map(lookup).fillna(-1).astype("int64")


def field_of(names: pd.Series) -> pd.Series:
    """The field (lĩnh vực) of each procedure name, or UNKNOWN_FIELD."""
    pos = resolve(names).to_numpy()
    fields = np.array([*_reference()[2], UNKNOWN_FIELD], dtype=object)
    return pd.Series(fields[np.where(pos < 0, len(fields) - 1, pos)], index=names.index, dtype="string")
