"""The mismatch taxonomy's rows: building them and their stable ids."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from doisoat import schema as c

_HASH_KEY = "doisoat-mismatch"  # 16 bytes: pandas' hash key; changing it changes every id


def mismatch_ids(mismatch_type: pd.Series, identity: pd.Series) -> pd.Series:
    """Stable id of each finding: a hash of its type and the identity of the dossier(s) involved.

    Identity is the office and normalised dossier code where there is one, else the row's ref, so
    an id survives re-runs on unchanged inputs and a steward's decision stays attached to it.
    """
    text = mismatch_type.astype("string") + "|" + identity.astype("string")
    h = pd.util.hash_pandas_object(text, index=False, hash_key=_HASH_KEY.ljust(16)[:16])
    return pd.Series(_hex_ids(h.to_numpy(dtype="uint64")), index=text.index, dtype="string")


_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_NIBBLES = np.arange(60, -4, -4, dtype=np.uint64)  # the shifts of a 64-bit number's 16 hex digits


def _hex_ids(hashes: np.ndarray) -> pd.arrays.ArrowStringArray:
    """'M' + the 16 lower-case hex digits of each hash (`"M" + format(h, "016x")`), written as
    one byte buffer handed to Arrow: no Python string per finding."""
    n = len(hashes)
    text = np.empty((n, 17), dtype=np.uint8)
    text[:, 0] = ord("M")
    text[:, 1:] = _HEX[(hashes[:, None] >> _NIBBLES) & np.uint64(15)]
    offsets = np.arange(0, 17 * (n + 1), 17, dtype=np.int64)
    ids = pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(text.tobytes()))
    return pd.arrays.ArrowStringArray(ids)


def empty_mismatches() -> pd.DataFrame:
    """A mismatch frame with no rows and the contract's columns."""
    return pd.DataFrame({col: pd.Series(dtype="string") for col in c.MISMATCH_COLUMNS})


def build(
    mismatch_type: str,
    identity: pd.Series,
    *,
    unit_code: pd.Series,
    dossier_code: pd.Series | None = None,
    paper_ref: pd.Series | None = None,
    electronic_ref: pd.Series | None = None,
    field: str | pd.Series | None = None,
    paper_value: pd.Series | None = None,
    electronic_value: pd.Series | None = None,
    detail: pd.Series | str | None = None,
) -> pd.DataFrame:
    """Mismatch rows of one type; every series is aligned positionally with `identity`."""
    n = len(identity)

    def col(values: pd.Series | str | None) -> pd.Series:
        if values is None:
            return pd.Series([pd.NA] * n, dtype="string")
        if isinstance(values, str):
            return pd.Series([values] * n, dtype="string")
        return pd.Series(values.astype("string").array)  # (Arrow strings: no Python string per row)

    types = pd.Series([mismatch_type] * n, dtype="string")
    ident = pd.Series(identity.to_numpy(), dtype="string")
    out = pd.DataFrame(
        {
            c.MISMATCH_ID: mismatch_ids(types, ident),
            c.MISMATCH_TYPE: types,
            c.UNIT_CODE: col(unit_code),
            c.DOSSIER_CODE: col(dossier_code),
            c.PAPER_REF: col(paper_ref),
            c.ELECTRONIC_REF: col(electronic_ref),
            c.MISMATCH_FIELD: col(field),
            c.PAPER_VALUE: col(paper_value),
            c.ELECTRONIC_VALUE: col(electronic_value),
            c.DETAIL: col(detail),
        }
    )
    return out


def identity_of(unit_code: pd.Series, dossier_code: pd.Series, ref: pd.Series) -> pd.Series:
    """Office + normalised code where a code exists, else the row's ref."""
    u, d, r = (pd.Series(values.astype("string").array) for values in (unit_code, dossier_code, ref))
    return (u + "|" + d).fillna("ref|" + r)


# The columns that tell apart findings sharing an id and their refs (identical findings: any order).
_TIE_BREAK = [c.MISMATCH_FIELD, c.UNIT_CODE, c.DOSSIER_CODE, c.PAPER_VALUE, c.ELECTRONIC_VALUE, c.DETAIL]


def unique_ids(mismatches: pd.DataFrame) -> pd.DataFrame:
    """The findings with every `mismatch_id` unique. Findings whose id another finding shares (two
    paper rows of one code both missing from the software, one ref quarantined twice) each take
    the hash of the shared id and their own refs ("<id>@<paper ref>|<electronic ref>"), so a
    steward's decision on one of them never passes to another when the inputs change: if one
    sibling goes away, the other takes the shared id again, as a new finding. Findings that still
    share refs (one ref quarantined twice) are then numbered ("#1", "#2"…) in the order of their
    other columns. Deterministic, so stable across runs on unchanged inputs; the ids of findings
    that shared none are left as they were. Only the colliding rows are worked on."""
    ids = mismatches[c.MISMATCH_ID]
    shared = ids.duplicated(keep=False).to_numpy(dtype=bool)
    if not shared.any():
        return mismatches
    rows = np.flatnonzero(shared)
    colliding = mismatches.iloc[rows].reset_index(drop=True)
    refs = (
        colliding[c.PAPER_REF].astype("string").fillna("")
        + "|"
        + colliding[c.ELECTRONIC_REF].astype("string").fillna("")
    )
    identity = colliding[c.MISMATCH_ID].astype("string") + "@" + refs
    order = _tie_order(colliding, identity)
    ranked = identity.iloc[order].reset_index(drop=True)
    occurrence = ranked.groupby(ranked, sort=False).cumcount().to_numpy()
    suffix = pd.Series(np.where(occurrence > 0, "#" + occurrence.astype(str), ""), dtype="string")
    renamed = mismatch_ids(
        colliding[c.MISMATCH_TYPE].iloc[order].reset_index(drop=True), ranked + suffix
    )
    out = mismatches.copy()
    column = out[c.MISMATCH_ID].astype("string").to_numpy(dtype=object, na_value=None)
    column[rows[order]] = renamed.to_numpy(dtype=object)
    out[c.MISMATCH_ID] = pd.Series(column, index=out.index, dtype="string")
    return out


def _tie_order(findings: pd.DataFrame, identity: pd.Series) -> np.ndarray:
    """Positions of `findings` (a few rows) by identity, then by their other columns, so the
    numbering of findings with one identity does not depend on the order they came in."""
    key = pd.DataFrame({"identity": identity})
    for col in _TIE_BREAK:
        key[col] = findings[col].astype("string")
    return key.sort_values(list(key.columns), na_position="last", kind="stable").index.to_numpy()
