"""Resolving free-text procedure names to the reference procedures (national list, local names).

Clerks abbreviate ("ĐK khai sinh", "Cấp GCN QSDĐ", "CT bản sao"): words listed in
`doisoat/data/procedure_abbreviations.csv` are expanded before names are compared.
"""

from __future__ import annotations

import io
from functools import cache

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from doisoat.reconcile.keys import distinct, fold_text, per_unique
from doisoat.reference import data_text, procedures

# A name resolves to a reference procedure when their folded texts score at least this (0-100).
RESOLVE_THRESHOLD = 90.0
UNKNOWN_FIELD = "Chưa xác định"


@cache
def abbreviations() -> dict[str, str]:
    """Folded abbreviation → folded expansion ('dk' → 'dang ky')."""
    table = pd.read_csv(
        io.StringIO(data_text("procedure_abbreviations.csv")), dtype=str, keep_default_na=False
    )
    short = fold_text(table["abbreviation"]).tolist()
    full = fold_text(table["expansion"]).tolist()
    return dict(zip(short, full, strict=True))


def expand(names: pd.Series) -> pd.Series:
    """Folded name, abbreviations written out: 'Cấp GCN QSDĐ' → 'cap giay chung nhan quyen su dung dat'."""
    table = abbreviations()

    def fn(s: pd.Series) -> pd.Series:
        return (
            s.str.split(" ")
            .map(lambda words: " ".join(table.get(w, w) for w in words), na_action="ignore")
            .astype("string")
        )

    return per_unique(fold_text(names), fn)


@cache
def _reference() -> tuple[list[str], list[str], list[str]]:
    ref = procedures()
    names = expand(ref["procedure_name"]).tolist()
    abbr = expand(ref["abbreviation"].replace("", None)).fillna("").tolist()
    return names, abbr, ref["field"].tolist()


def resolve(names: pd.Series) -> pd.Series:
    """Position in the reference table of each name's procedure (-1 when none is close enough).

    Scores only the distinct expanded names (a ledger has a few hundred), so it stays cheap on
    millions of rows.
    """
    codes, uniques = pd.factorize(expand(names), use_na_sentinel=True)
    ref_names, ref_abbr, _ = _reference()
    if len(uniques) == 0:
        return pd.Series(np.full(len(names), -1), index=names.index, dtype="int64")
    u = [str(x) for x in uniques]
    scores = np.maximum(
        process.cdist(u, ref_names, scorer=fuzz.ratio, workers=-1),
        process.cdist(u, ref_abbr, scorer=fuzz.ratio, workers=-1),
    )
    best = scores.argmax(axis=1)
    best = np.where(scores[np.arange(len(u)), best] >= RESOLVE_THRESHOLD, best, -1)
    out = np.where(codes >= 0, best[np.maximum(codes, 0)], -1)
    return pd.Series(out, index=names.index, dtype="int64")


def procedure_key(names: pd.Series) -> np.ndarray:
    """An integer per row, equal for two names of the same procedure: the reference position when
    the name resolves, else a number for the expanded text (-1 when blank)."""
    rows, names_seen = distinct(names)  # worked out per distinct name, then broadcast
    ref = resolve(names_seen).to_numpy()
    codes, _ = pd.factorize(expand(names_seen), use_na_sentinel=True)
    offset = len(_reference()[0])
    keys = np.where(ref >= 0, ref, np.where(codes >= 0, codes + offset, -1)).astype("int64")
    return np.append(keys, -1)[np.where(rows >= 0, rows, len(keys))]


def field_of(names: pd.Series) -> pd.Series:
    """The field (lĩnh vực) of each procedure name, or UNKNOWN_FIELD."""
    pos = resolve(names).to_numpy()
    fields = np.array([*_reference()[2], UNKNOWN_FIELD], dtype=object)
    return pd.Series(fields[np.where(pos < 0, len(fields) - 1, pos)], index=names.index, dtype="string")
